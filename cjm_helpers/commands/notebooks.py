"""`cjm notebooks refresh`: regenerate the committed notebook outputs on the sample project, per language."""

from __future__ import annotations

__all__ = ["ORDER", "register", "run_refresh"]

import argparse

ORDER = 60


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import LANGUAGES

    nb = sub.add_parser("notebooks", help="maintain the suite's notebooks")
    nb_sub = nb.add_subparsers(dest="notebooks_command", metavar="ACTION", required=True)
    refresh = nb_sub.add_parser(
        "refresh", help="re-run the notebooks on the sample and save their outputs"
    )
    refresh.add_argument(
        "names", nargs="*", help="only notebooks whose file name contains one of these"
    )
    refresh.add_argument(
        "--lang",
        action="append",
        choices=LANGUAGES,
        metavar="LANG",
        dest="languages",
        help=f"only this language ({', '.join(LANGUAGES)}); repeat for several "
        "(default: every language whose chapters exist)",
    )
    refresh.set_defaults(handler=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    from ..execute import refresh_notebooks
    from ..paths import NOTEBOOKS_DIR

    for path in refresh_notebooks(args.names or None, languages=args.languages):
        print(f"refreshed {path.relative_to(NOTEBOOKS_DIR)}")
    return 0
