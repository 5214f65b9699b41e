"""`cjm run`: execute the step notebooks headless on a project and write the journey report."""

from __future__ import annotations

__all__ = ["ORDER", "data_files", "language_chosen", "register", "run_run"]

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CJMError
from ..i18n import t
from ._options import add_lang_option
from .overlay import add_reading_options

if TYPE_CHECKING:  # the run package is heavy: imported only when a run starts
    from ..run import RunParams
    from ..run.batch import VariantOutcome
    from ..run.suite import RunResult

ORDER = 40


def register(sub: argparse._SubParsersAction) -> None:
    from ..run.params import FOR_EACH_KINDS

    run = sub.add_parser(
        "run",
        help="run the notebooks headless on a project; write notebooks, HTML and report.html",
        description="Execute the step notebooks in order on a copy of PROJECT and write the "
        "executed notebooks, one HTML page each and the combined journey report "
        "(DIR/report.html).",
    )
    run.add_argument(
        "project", help="project file (.cjm.yaml), or 'sample' for the sample in --lang"
    )
    run.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the results (created if missing)"
    )
    run.add_argument("--params", metavar="FILE.yaml", help="run parameters from a YAML file")
    run.add_argument(
        "--data", metavar="DIR", help="folder holding events.csv, survey.csv and tickets.csv"
    )
    run.add_argument("--events", metavar="FILE", help="event log (CSV or Parquet)")
    run.add_argument("--survey", metavar="FILE", help="survey answers (CSV)")
    run.add_argument("--tickets", metavar="FILE", help="support tickets (CSV)")
    run.add_argument(
        "--columns",
        help="column mapping of the event log: 'ga4' for a GA4 export, or a YAML file "
        "{their name: user_id|timestamp|event|...}",
    )
    run.add_argument(
        "--delimiter", help="cell separator of a CSV event log (default: the project's, else ',')"
    )
    add_reading_options(run)
    add_lang_option(run, "language of the notebooks' output and the report")
    run.add_argument("--only", metavar="STEPS", help="only these step numbers, e.g. 3,7")
    run.add_argument(
        "--for-each",
        choices=FOR_EACH_KINDS,
        dest="for_each",
        help="one run and report per persona, survey segment or journey, plus index.html",
    )
    run.add_argument(
        "--jobs", type=int, metavar="N", help="parallel runs for --for-each (default: one per core)"
    )
    run.add_argument(
        "--show-code", action="store_true", help="show the code cells in the HTML pages"
    )
    run.add_argument(
        "--notebooks", metavar="DIR", help="run the notebooks of this folder instead of the suite's"
    )
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.set_defaults(handler=run_run)


def data_files(
    args: argparse.Namespace, named: dict[str, str] | None = None
) -> tuple[dict[str, str], tuple[str, ...]]:
    """--events/--survey/--tickets (else the params file's ``named`` ones), filled in from --data DIR.

    Also returns the keys found in the folder: unlike a named file, such a file
    may be skipped (with a notice) when it cannot be used.
    """
    named = named or {}
    chosen = {
        key: getattr(args, key.removesuffix("_file")) or named.get(key, "")
        for key in ("events_file", "survey_file", "tickets_file")
    }
    found: list[str] = []
    if args.data:
        folder = Path(args.data)
        if not folder.is_dir():
            raise CJMError(t("errors.cli.no_data_folder", folder=folder))
        for key, stem in (
            ("events_file", "events"),
            ("survey_file", "survey"),
            ("tickets_file", "tickets"),
        ):
            if chosen[key]:
                continue
            matches = [
                p for ext in (".csv", ".parquet") if (p := folder / f"{stem}{ext}").is_file()
            ]
            if matches:
                chosen[key] = str(matches[0])
                found.append(key)
    return {k: str(Path(v).expanduser().resolve()) if v else "" for k, v in chosen.items()}, tuple(
        found
    )


def language_chosen(args: argparse.Namespace) -> bool:
    """Whether --lang or the params file names a language; otherwise the run speaks the project's."""
    if args.lang:
        return True
    if not args.params:
        return False
    from ..yamlio import parse_yaml

    data = parse_yaml(Path(args.params).read_text(encoding="utf-8"))
    return isinstance(data, dict) and "language" in data


def run_run(args: argparse.Namespace) -> int:
    """`cjm run`: one run of the suite, or one per persona/segment/journey, then where the results are."""
    from ..run import run_batch, run_suite

    params = _params_from_args(args)
    project = _project_file(args, params)
    if not language_chosen(args):
        from ..store import load_project

        params = params.merged(language=load_project(project).language)
    lang = params.language
    out = Path(args.out).expanduser().resolve()
    if params.for_each:
        outcomes = run_batch(
            project,
            out,
            params.for_each,
            params,
            args.notebooks,
            params.jobs or None,
            progress=not args.no_progress,
        )
        _print_batch_done(outcomes, out, lang)
        return 0
    result = run_suite(
        project,
        out,
        params,
        args.notebooks,
        progress=not args.no_progress,
        on_notice=lambda line: print(line, file=sys.stderr),
    )
    _print_suite_done(result, out, lang)
    return 0


def _params_from_args(args: argparse.Namespace) -> RunParams:
    """The run's parameters: the --params file, overridden by the options given on the command line."""
    from ..reading import column_mapping
    from ..run import RunParams, load_params, parse_only
    from .overlay import reading_options

    params = load_params(args.params) if args.params else RunParams()
    if args.jobs is not None and args.jobs < 1:
        raise CJMError(t("errors.cli.jobs", jobs=args.jobs))
    files, found = data_files(
        args, {k: getattr(params, k) for k in ("events_file", "survey_file", "tickets_file")}
    )
    params = params.merged(
        language=args.lang,
        only=parse_only(args.only) if args.only else None,
        for_each=args.for_each,
        jobs=args.jobs,
        show_code=args.show_code or None,
        **files,
    )
    cli_reading = reading_options(args, column_mapping(args.columns), args.delimiter)
    return replace(params, reading=cli_reading.over(params.reading), found=found)


def _project_file(args: argparse.Namespace, params: RunParams) -> Path:
    """The project file to run (``sample``: the bundled one); anything but a readable file stops here."""
    project = Path(args.project)
    if args.project == "sample" and not project.exists():
        from ..paths import sample_project

        project = sample_project(params.language)
    if not project.is_file():
        if os.path.lexists(
            project
        ):  # a folder, a device, a pipe: the reader says which, without reading it
            from ..store import load_project

            load_project(project)
        raise CJMError(t("errors.cli.no_project_file", params.language, path=project))
    return project


def _print_batch_done(outcomes: list[VariantOutcome], out: Path, lang: str) -> None:
    """Each run's notices (to stderr) and report, then the batch's index page."""
    for outcome in outcomes:
        for line in outcome.notices:
            print(f"{outcome.variant.folder}: {line}", file=sys.stderr)
        print(t("run.done.report", lang, path=out / outcome.variant.folder / "report.html"))
    print(t("run.done.index", lang, path=out / "index.html"))


def _print_suite_done(result: RunResult, out: Path, lang: str) -> None:
    """Where the run wrote its notebooks, walkthrough, report and brief."""
    print(t("run.done.notebooks", lang, count=len(result.notebooks), folder=out / "notebooks"))
    print(t("run.done.walkthrough", lang, path=out / "html" / "index.html"))
    print(t("run.done.report", lang, path=result.report))
    brief = getattr(result, "brief", None)  # a batch's results have no brief of their own
    if brief is not None:
        print(t("stakeholders.brief.written", lang, path=brief))
