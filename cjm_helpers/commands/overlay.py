"""`cjm overlay` and `cjm sample-data`: journey analytics on data files, and seeded data to try them on."""

from __future__ import annotations

__all__ = [
    "ORDER",
    "OVERLAY_TABLES",
    "SAMPLE_LIMIT",
    "add_reading_options",
    "overlay_outputs",
    "reading_options",
    "register",
    "run_overlay_command",
    "run_sample_data",
]

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DataError
from ..i18n import t
from ._options import add_lang_option

if TYPE_CHECKING:
    from ..reading import ReadOptions

ORDER = 40


def register(sub: argparse._SubParsersAction) -> None:
    overlay = sub.add_parser(
        "overlay",
        help="journey analytics on an event log (and a survey and tickets)",
        description="Run the data overlay: one CSV per analysis, the figures as PNG "
        "and summary.html in --out.",
    )
    overlay.add_argument("events", help="event log: CSV or Parquet")
    overlay.add_argument("--survey", help="survey answers (CSV)")
    overlay.add_argument("--tickets", help="support tickets (CSV; needs --project)")
    overlay.add_argument("--project", help="project file, to map events to touchpoints and stages")
    overlay.add_argument(
        "--funnel", help="funnel over these events instead of the stages: EVENT,EVENT,..."
    )
    overlay.add_argument(
        "--path-by",
        choices=("user", "session"),
        default="user",
        help="paths and transitions per user or per session (default: user)",
    )
    overlay.add_argument(
        "--columns",
        help="column mapping: 'ga4' for a GA4 export, or a YAML file "
        "{their name: user_id|timestamp|event|...}",
    )
    overlay.add_argument(
        "--delimiter", help="cell separator of a CSV event log (default: the project's, else ',')"
    )
    add_reading_options(overlay)
    add_lang_option(overlay, "language of the messages and the results (default: en)", default="en")
    overlay.add_argument("--out", required=True, help="folder for the results")
    overlay.add_argument("--no-progress", action="store_true", help="no progress bar")
    overlay.set_defaults(handler=run_overlay_command)

    sample = sub.add_parser(
        "sample-data", help="write a seeded event log, survey and tickets for a project"
    )
    sample.add_argument("project", help="project file whose touchpoints list event names")
    sample.add_argument(
        "--users", type=int, default=2000, help="customers in the event log (default 2000)"
    )
    sample.add_argument(
        "--respondents", type=int, default=300, help="survey respondents (default 300)"
    )
    sample.add_argument("--tickets", type=int, default=200, help="support tickets (default 200)")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument(
        "--out", required=True, help="folder for events.csv (or .parquet), survey.csv, tickets.csv"
    )
    sample.add_argument("--parquet", action="store_true", help="write the event log as Parquet")
    sample.set_defaults(handler=run_sample_data)


def add_reading_options(parser: argparse.ArgumentParser) -> None:
    """--conversion, --dedupe, --date-format and --backend: shared by `cjm overlay` and `cjm run`."""
    parser.add_argument(
        "--conversion",
        metavar="EVENT,...",
        help="event names that count as a conversion (default: the project's, else guessed "
        "from the names and reported)",
    )
    parser.add_argument(
        "--dedupe",
        action="store_true",
        help="drop exact duplicate rows of the event log (they are counted either way)",
    )
    parser.add_argument(
        "--date-format",
        dest="date_format",
        metavar="FMT",
        help="how dates are written when not YYYY-MM-DD: day-first, month-first or a "
        "pattern such as '%%d/%%m/%%Y %%H:%%M'",
    )
    parser.add_argument(
        "--backend",
        metavar="ENGINE",
        help="engine for the queries: duckdb (default), pyspark, or an Ibis connection "
        "string such as postgres://user@host/db",
    )


def reading_options(
    args: argparse.Namespace, columns: dict[str, str] | None = None, delimiter: str | None = None
) -> ReadOptions:
    """The reading options given on a command line, each checked (a bad value names its flag)."""
    from ..reading import ReadOptions, check_backend, check_date_format, conversion_list

    if delimiter is not None and len(delimiter) != 1:
        raise DataError(t("inputs.reading.delimiter", value=repr(delimiter)))
    return ReadOptions(
        columns=columns or {},
        delimiter=delimiter or "",
        conversion_events=conversion_list(args.conversion) if args.conversion is not None else (),
        dedupe=bool(args.dedupe),
        date_format=check_date_format(args.date_format) if args.date_format else "",
        backend=check_backend(args.backend) if args.backend else "",
    )


OVERLAY_TABLES = (
    "funnel",
    "transitions",
    "top_paths",
    "time_between_stages",
    "gaps",
    "kpis",
    "attribution",
    "attribution_channel",
    "unmatched_events",
    "emotion_curve",
    "segments",
    "tickets",
    "themes",
)
"""The tables `cjm overlay` may write, each as NAME.csv and perhaps NAME.png (a test keeps this in step)."""


def overlay_outputs(out: Path) -> list[Path]:
    """Every file `cjm overlay --out OUT` may write, to check none of them is an input."""
    return [
        out / "summary.html",
        *(out / f"{name}{ext}" for name in OVERLAY_TABLES for ext in (".csv", ".png")),
    ]


def run_overlay_command(args: argparse.Namespace) -> int:
    import sys

    from ..overlay.run import not_run_lines, run_overlay
    from ..reading import column_mapping, from_project
    from ..store import load_project

    project = load_project(args.project) if args.project else None
    if args.tickets and project is None:
        raise DataError(t("errors.overlay.tickets_need_project", args.lang))
    steps = [s.strip() for s in args.funnel.split(",") if s.strip()] if args.funnel else None
    from ..files import refuse_overwrite

    refuse_overwrite(
        overlay_outputs(Path(args.out)),
        [args.events, args.survey, args.tickets, args.project, args.columns],
        args.lang,
    )
    options = reading_options(args, column_mapping(args.columns), args.delimiter)
    if project is not None:
        options = options.over(from_project(project.data))
    import duckdb

    try:
        results = run_overlay(
            args.events,
            args.out,
            survey=args.survey,
            tickets=args.tickets,
            project=project,
            funnel_steps=steps,
            path_by=args.path_by,
            lang=args.lang,
            progress=not args.no_progress,
            options=options,
        )
    except duckdb.OutOfMemoryException:
        from ..overlay.events import DUCKDB_MEMORY

        limit = os.environ.get("CJM_DUCKDB_MEMORY", DUCKDB_MEMORY)
        raise DataError(
            t("errors.overlay.out_of_memory", args.lang, path=args.events, limit=limit)
        ) from None
    for line in [*results.notes, *not_run_lines(results, args.lang)]:
        print(line, file=sys.stderr)
    summary = Path(args.out) / "summary.html"
    print(t("overlay.cli.wrote", args.lang, count=len(results), folder=args.out, summary=summary))
    if results.failed:
        raise DataError(
            t("inputs.overlay.some_failed", args.lang, failed=len(results.failed), summary=summary)
        )
    return 0


SAMPLE_LIMIT = 1_000_000
"""Most customers, respondents or tickets `cjm sample-data` makes (a typo must not run for hours)."""


def run_sample_data(args: argparse.Namespace) -> int:
    from ..files import write_bytes
    from ..overlay import generate_events, generate_survey, generate_tickets
    from ..overlay.generate import write_events
    from ..store import load_project

    for name, value, low in (
        ("users", args.users, 1),
        ("respondents", args.respondents, 1),
        ("tickets", args.tickets, 1),
    ):  # all checked before any file is written
        if not low <= value <= SAMPLE_LIMIT:
            raise DataError(
                t(
                    "errors.overlay.sample_range",
                    name=name,
                    low=low,
                    high=f"{SAMPLE_LIMIT:,}",
                    value=value,
                )
            )
    project = load_project(args.project)
    out = Path(args.out)
    events = generate_events(project, users=args.users, seed=args.seed)
    target = write_events(events, out / ("events.parquet" if args.parquet else "events.csv"))
    print(f"{target}: {len(events)} events of {events['user_id'].nunique()} users")
    survey = generate_survey(project, n=args.respondents, seed=args.seed)
    write_bytes(out / "survey.csv", survey.to_csv(index=False).encode("utf-8"))
    print(f"{out / 'survey.csv'}: {len(survey)} answers")
    tickets = generate_tickets(project, n=args.tickets, seed=args.seed)
    write_bytes(out / "tickets.csv", tickets.to_csv(index=False).encode("utf-8"))
    print(f"{out / 'tickets.csv'}: {len(tickets)} tickets")
    return 0
