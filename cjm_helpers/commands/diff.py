"""`cjm diff`: what changed between two versions of a project, and whether its review is due."""

from __future__ import annotations

__all__ = ["ORDER", "register", "run_diff"]

import argparse

ORDER = 35


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import LANGUAGES

    cmd = sub.add_parser(
        "diff",
        help="list what changed between two versions of a project",
        description="Touchpoints added or removed, emotions that moved, pain points resolved, "
        "opportunities whose status changed and KPIs that drifted, then the review status. "
        "With one file, compare it with its previous saved version.",
    )
    cmd.add_argument(
        "old", help="the older project file (or the only file: compare with its history)"
    )
    cmd.add_argument("new", nargs="?", default=None, help="the newer project file")
    cmd.add_argument(
        "--lang",
        default=None,
        choices=LANGUAGES,
        help="language of the output (default: the newer project's language)",
    )
    cmd.add_argument(
        "--html", default=None, metavar="FILE", help="also write the changes as an HTML page"
    )
    cmd.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="the date to judge the review date against (default: today)",
    )
    cmd.set_defaults(handler=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..diff import diff_projects, diff_with_previous
    from ..errors import CJMError
    from ..i18n import t
    from ..mapping.export import write_bytes
    from ..store import load_project

    today = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise CJMError(t("errors.cli.today_not_date", value=repr(args.today))) from None
    if args.new is None:
        lang = args.lang or load_project(args.old).language
        result = diff_with_previous(args.old, today, lang=lang)
        if not result.has_previous:
            raise CJMError(result.heading(lang))
    else:
        old, new = load_project(args.old), load_project(args.new)
        lang = args.lang or new.language
        result = diff_projects(old, new, today, old_label=args.old, new_label=args.new)
    result.lang = lang
    if args.html:
        from ..files import refuse_overwrite

        refuse_overwrite([args.html], [args.old, args.new], lang)
    print(result.to_text(lang), end="")
    if args.html:
        path = write_bytes(args.html, result.to_html(lang, standalone=True).encode("utf-8"))
        print(t("diff.cli.wrote_html", lang, path=path))
    return 0
