"""`cjm export`: executed notebooks as an offline HTML walkthrough for trainers."""

from __future__ import annotations

__all__ = ["ORDER", "notebooks_language", "register", "run_export"]

import argparse
from pathlib import Path

from ._options import add_lang_option

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:

    export = sub.add_parser(
        "export",
        help="turn executed notebooks into an offline HTML walkthrough",
        description="Write one HTML page per notebook plus index.html: the suite's look, "
        "a table of contents, previous/next links, print styles; nothing is "
        "loaded from any host.",
    )
    export.add_argument(
        "notebooks",
        metavar="NOTEBOOKS_DIR",
        nargs="?",
        default=None,
        help="folder of (executed) notebooks, or the folder `cjm run` wrote (its notebooks/ "
        "is used); default: the suite's notebooks in --lang",
    )
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the HTML pages")
    export.add_argument(
        "--no-input", action="store_true", help="hide all code; show only text and results"
    )
    add_lang_option(
        export,
        "language of the page headings and links, and of the suite's notebooks when no "
        "folder is given (default: the notebooks' own language)",
    )
    export.add_argument(
        "--project",
        metavar="PROJECT",
        default=None,
        help="also write OUT/brief.html, the one-page buy-in brief of this project file",
    )
    export.add_argument(
        "--slides",
        action="store_true",
        help="reveal.js slide decks instead of pages: one per notebook and one for the whole course, "
        "with the prose as speaker notes; they open offline",
    )
    export.add_argument(
        "--edition",
        choices=("trainer", "learner"),
        default="trainer",
        help="trainer: forms filled in with the sample (the solutions) and speaker notes on the "
        "slides; learner: every form left blank to fill in, slides without notes (default: trainer)",
    )
    export.set_defaults(handler=run_export)


def notebooks_language(folder: Path) -> str:
    """The language the notebooks of ``folder`` are written in (their metadata), English when unsaid."""
    from ..export import read_notebook

    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))[:1]:
        nb = read_notebook(path)
        return str(nb.metadata.get("cjm", {}).get("language", "en"))
    return "en"


def run_export(args: argparse.Namespace) -> int:
    from ..export import export_notebooks, notebooks_folder
    from ..i18n import check_language, t
    from ..paths import notebooks_dir

    folder = (
        notebooks_folder(Path(args.notebooks))
        if args.notebooks
        else notebooks_dir(args.lang or "en")
    )
    lang = check_language(args.lang or (notebooks_language(folder) if folder.is_dir() else "en"))
    if args.slides:
        from ..slides import export_slides

        decks = export_slides(
            folder, Path(args.out), no_input=True, lang=lang, edition=args.edition
        )
        print(t("slides.done", lang, count=len(decks), path=Path(args.out)))
        if args.project:
            write_project_brief(Path(args.project), Path(args.out), lang)
        return 0
    written = export_notebooks(
        folder, Path(args.out), no_input=args.no_input, lang=lang, edition=args.edition
    )
    print(t("run.done.export", lang, count=len(written), path=written[-1]))
    if args.project:
        write_project_brief(Path(args.project), Path(args.out), lang)
    return 0


def write_project_brief(project_file: Path, out: Path, lang: str) -> Path:
    """`--project`: the buy-in brief of that project beside the exported pages."""
    from ..i18n import t
    from ..report.brief import write_brief
    from ..store import load_project

    target = write_brief(out / "brief.html", load_project(project_file), lang)
    print(t("stakeholders.brief.written", lang, path=target))
    return target
