"""`cjm diff`: what changed between two versions of a project, and whether its review is due."""

from __future__ import annotations

__all__ = ["ORDER", "register", "run_diff"]

import argparse

from ._options import add_lang_option

ORDER = 35


def register(sub: argparse._SubParsersAction) -> None:

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
    add_lang_option(cmd, "language of the output (default: the newer project's language)")
    cmd.add_argument(
        "--html", default=None, metavar="FILE", help="also write the changes as an HTML page"
    )
    cmd.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="the date to judge the review date against (default: today)",
    )
    cmd.add_argument(
        "--period",
        action="append",
        default=None,
        metavar="FIRST:LAST",
        help="compare the data of two periods instead of two files: give --period twice, "
        "earlier first, as YYYY-MM-DD:YYYY-MM-DD (both days included)",
    )
    cmd.add_argument(
        "--events",
        default=None,
        metavar="FILE",
        help="with --period: the event log (default: the one the project declares)",
    )
    cmd.add_argument(
        "--survey",
        default=None,
        metavar="FILE",
        help="with --period: survey answers with dates (default: the one the project declares)",
    )
    cmd.set_defaults(handler=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    import datetime as dt

    from ..diff import diff_projects, diff_with_previous
    from ..errors import CJMError
    from ..i18n import t
    from ..mapping.export import write_bytes
    from ..store import load_project

    if getattr(args, "period", None):
        return run_period_diff(args)
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


def run_period_diff(args: argparse.Namespace) -> int:
    """`cjm diff PROJECT --period A --period B`: the same measures on two date ranges, and the z-test."""
    from pathlib import Path

    from ..errors import CJMError
    from ..i18n import format_date, t
    from ..overlay import load_events
    from ..overlay.periods import compare_periods, parse_period, period_table
    from ..paths import resolve_data
    from ..reading import from_project
    from ..store import load_project

    project_path = Path(args.old).expanduser().resolve()
    project = load_project(project_path)
    lang = args.lang or project.language
    if len(args.period) != 2 or args.new is not None:
        raise CJMError(t("decisions.period.two", lang))
    first, second = (parse_period(p, lang) for p in args.period)
    events = resolve_data(args.events, project_path, project.data.events)
    if events is None or not events.exists():
        raise CJMError(t("decisions.period.no_events", lang, file=project_path.name))
    log = load_events(events, project=project, **from_project(project.data).event_kwargs())
    log = log.cached()
    survey = None
    survey_path = resolve_data(args.survey, project_path, project.data.survey)
    if survey_path is not None and survey_path.exists():
        from ..overlay import load_survey

        survey = load_survey(survey_path, project, lang)
    frame = compare_periods(log, first, second, survey=survey)
    table = period_table(frame, log, first, second, lang)

    def span(period: tuple) -> str:
        return f"{format_date(period[0], lang)} – {format_date(period[1], lang)}"

    print(
        t(
            "decisions.period.heading",
            lang,
            first=span(first),
            second=span(second),
            count=len(frame),
            real=int(frame["significant"].sum()),
        )
    )
    print(table.to_string(index=False))
    if args.html:
        from ..files import refuse_overwrite
        from ..mapping.export import write_bytes

        refuse_overwrite([args.html], [args.old], lang)
        path = write_bytes(args.html, table.to_html(index=False, escape=True).encode("utf-8"))
        print(t("diff.cli.wrote_html", lang, path=path))
    return 0
