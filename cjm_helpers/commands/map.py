"""`cjm map` and `cjm map-import`: export a journey map to a file, or start one from a spreadsheet."""

from __future__ import annotations

__all__ = ["ORDER", "register", "run_import", "run_map"]

import argparse

from ._options import add_lang_option

ORDER = 30


def register(sub: argparse._SubParsersAction) -> None:
    from ..mapping.export import FORMATS
    from ..model import MAP_TYPES

    export = sub.add_parser(
        "map",
        help="draw a journey map as html, png, svg, pdf, csv, wide-csv, xlsx, json or mermaid",
        description="Write one journey of a project as a map file. The format follows --format or the "
        "file name (map.png, map.wide.csv, map.mmd).",
    )
    export.add_argument("project", help="project file (.cjm.yaml)")
    export.add_argument("--journey", default=None, help="journey id (default: the first journey)")
    export.add_argument(
        "--format",
        dest="fmt",
        default=None,
        choices=FORMATS,
        metavar="FORMAT",
        help=f"one of {', '.join(FORMATS)} (default: from the --out file name)",
    )
    export.add_argument("--out", required=True, help="file to write")
    add_lang_option(export, "language of labels (default: the project's language)")
    export.add_argument(
        "--compare",
        action="store_true",
        help="draw the as-is and to-be journeys side by side (html, png, svg, pdf)",
    )
    export.add_argument(
        "--future", default=None, help="with --compare: the future-state journey id"
    )
    export.add_argument(
        "--dpi", type=int, default=150, help="resolution of png pictures (default 150)"
    )
    export.set_defaults(handler=run_map)

    imp = sub.add_parser(
        "map-import",
        help="read a wide CSV (stages as columns, lanes as rows) into a journey",
        description="Add or replace a journey of a project from a spreadsheet saved as CSV: the first "
        "row names the stages, each further row is a lane (Actions, Touchpoints, Emotions, ...), "
        "one card per line in a cell, optionally ending in [observed], [reported] or [assumed].",
    )
    imp.add_argument("csv", help="wide CSV file")
    imp.add_argument(
        "--project", required=True, help="project file to add the journey to (saved in place)"
    )
    imp.add_argument(
        "--journey-id",
        default=None,
        help="journey to replace or create (default: from the file name)",
    )
    imp.add_argument(
        "--persona", default=None, help="persona id (default: the journey's or the primary persona)"
    )
    imp.add_argument("--name", default=None, help="journey name for a new journey")
    imp.add_argument("--map-type", default=None, choices=MAP_TYPES)
    add_lang_option(imp, "language of messages")
    imp.set_defaults(handler=run_import)


def run_map(args: argparse.Namespace) -> int:
    from ..files import project_inputs, refuse_overwrite
    from ..i18n import t
    from ..mapping import JourneyMap, compare_maps
    from ..mapping.export import human_size
    from ..store import load_project

    project = load_project(args.project)
    lang = args.lang or project.language
    data = project.data
    refuse_overwrite(
        [args.out], project_inputs(args.project, (data.events, data.survey, data.tickets)), lang
    )
    if args.compare:
        view = compare_maps(project, args.journey, args.future, lang)
        path = view.save(args.out, args.fmt, dpi=args.dpi)
        fmt = path.suffix.lstrip(".") if args.fmt is None else args.fmt
    else:
        from ..mapping.export import infer_format

        fmt = infer_format(args.out, args.fmt, lang)
        path = JourneyMap(project, args.journey, lang).save(args.out, fmt, dpi=args.dpi)
    print(t("map.cli.wrote", lang, path=path, fmt=fmt, size=human_size(path.stat().st_size)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ..files import refuse_overwrite
    from ..i18n import t
    from ..mapping import import_wide_csv
    from ..model import CARD_LANES
    from ..store import ProjectStore

    store = ProjectStore(args.project)
    project = store.load()
    lang = args.lang or project.language
    refuse_overwrite(
        [args.project], [args.csv], lang, projects=False
    )  # the sheet is not the project itself
    result = import_wide_csv(
        args.csv, project, args.journey_id, args.persona, args.name, args.map_type, lang
    )
    journey_id = args.journey_id or next(
        j.id for j in result.journeys if j.id not in {x.id for x in project.journeys}
    )
    saved = store.save(result)
    journey = saved.journey(journey_id)
    cards = sum(
        len(getattr(c, lane))
        for c in journey.stages.values()
        for lane in (*CARD_LANES, "touchpoints")
    )
    print(
        t(
            "map.cli.imported",
            lang,
            source=args.csv,
            project=args.project,
            journey=journey_id,
            stages=len(journey.stages),
            cards=cards,
        )
    )
    old = {tp.id for tp in project.touchpoints}
    new = [tp.name for tp in saved.touchpoints if tp.id not in old]
    if new:
        print(t("map.cli.new_touchpoints", lang, names=", ".join(new)))
    return 0
