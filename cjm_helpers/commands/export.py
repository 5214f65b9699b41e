"""`cjm export`: executed notebooks as an offline HTML walkthrough for trainers."""

from __future__ import annotations

import argparse
from pathlib import Path

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:
    from ..i18n import LANGUAGES

    export = sub.add_parser("export", help="turn executed notebooks into an offline HTML walkthrough",
                            description="Write one HTML page per notebook plus index.html: the suite's look, "
                                        "a table of contents, previous/next links, print styles; nothing is "
                                        "loaded from any host.")
    export.add_argument("notebooks", metavar="NOTEBOOKS_DIR", help="folder of (executed) notebooks")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the HTML pages")
    export.add_argument("--no-input", action="store_true", help="hide all code; show only text and results")
    export.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the page headings and links")
    export.add_argument("--slides", action="store_true",
                        help="reveal.js slide decks instead of pages: one per notebook and one for the whole course, "
                             "with the prose as speaker notes; they open offline")
    export.set_defaults(handler=run_export)


def run_export(args: argparse.Namespace) -> int:
    from ..export import export_notebooks
    from ..i18n import t

    if args.slides:
        from ..slides import export_slides

        decks = export_slides(Path(args.notebooks), Path(args.out), no_input=True, lang=args.lang)
        print(t("slides.done", args.lang, count=len(decks), path=Path(args.out)))
        return 0
    written = export_notebooks(Path(args.notebooks), Path(args.out), no_input=args.no_input, lang=args.lang)
    print(t("run.done.export", args.lang, count=len(written), path=written[-1]))
    return 0
