"""Batches: one run per persona, survey segment or journey, in parallel, with an index page.

Each run gets its own sub-folder (``persona-rina/``, ``segment-students/``, …)
holding a full run (notebooks, HTML, report.html). Runs are independent, so
they go to a pool of processes, one per core by default. A failed run does not
stop the others; the index page says which failed and why, and the batch then
raises :class:`RunFailed` so the command exits non-zero.
"""

from __future__ import annotations

__all__ = [
    "INDEX_MARK",
    "Variant",
    "VariantOutcome",
    "claim_index",
    "index_html",
    "persona_variants",
    "plan_batch",
    "run_batch",
    "segment_variants",
    "write_index",
]

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..errors import CJMError, DataError
from ..i18n import check_language, t
from ..model import Persona, Project
from ..reading import ReadOptions
from ..text import esc, slug, unique_id
from .params import FOR_EACH_KINDS, RunParams
from .suite import RunFailed, checked_params, data_paths, reading_for, run_suite


@dataclass(frozen=True)
class Variant:
    """One run of a batch: which persona/segment/journey, its folder and its own parameters."""

    kind: str
    key: str
    label: str
    folder: str
    params: RunParams = field(default_factory=RunParams)


@dataclass
class VariantOutcome:
    variant: Variant
    ok: bool
    message: str = ""
    notices: list[str] = field(default_factory=list)


def _read_table(path: str, delimiter: str = ",") -> Any:
    import pandas as pd

    try:
        if path.lower().endswith((".parquet", ".pq")):
            return pd.read_parquet(path)
        if path.lower().endswith((".xlsx", ".xlsm")):
            return pd.read_excel(path, dtype=str).fillna("")
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=delimiter)
    except FileNotFoundError:
        raise DataError(t("errors.run.no_file", path=path)) from None
    except UnicodeDecodeError:
        raise DataError(t("errors.run.not_utf8", path=path)) from None
    except (
        OSError,
        ValueError,
        ImportError,
    ) as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(t("errors.run.not_table", path=path, reason=detail)) from None


def _column(frame: Any, wanted: str) -> str | None:
    return next((c for c in frame.columns if str(c).strip().lower() == wanted), None)


def _events_and_users(events_file: str, reading: ReadOptions) -> tuple[Any, str | None]:
    """The event log as read for cutting, and its user column (as the column mapping names it)."""
    events = _read_table(events_file, reading.delimiter or ",")
    mapped = next(
        (
            theirs
            for theirs, ours in reading.columns.items()
            if ours == "user_id" and theirs in events.columns
        ),
        None,
    )
    return events, mapped or _column(events, "user_id")


def _segment_files(
    survey: Any,
    seg_col: str,
    value: Any,
    events: Any,
    event_user_col: str | None,
    user_col: str | None,
    data_dir: Path,
    delimiter: str = ",",
) -> dict[str, str]:
    """Write the segment's survey answers (and its users' events, when linkable) into ``data_dir``.

    The events keep the log's own delimiter, so the run's reading options still fit them.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    part = survey[survey[seg_col] == value]
    survey_path = data_dir / "survey.csv"
    part.to_csv(survey_path, index=False)
    new = {"survey_file": str(survey_path)}
    if events is not None and event_user_col is not None and user_col is not None:
        users = set(part[user_col])
        events_path = data_dir / "events.csv"
        events[events[event_user_col].isin(users)].to_csv(events_path, index=False, sep=delimiter)
        new["events_file"] = str(events_path)
    return new


def segment_variants(
    survey_file: str,
    events_file: str,
    out_dir: Path,
    params: RunParams,
    reading: ReadOptions | None = None,
) -> list[Variant]:
    """One variant per value of the survey's ``segment`` column, each with its own filtered data.

    The survey is cut to the segment's answers; when both files have a
    ``user_id`` column the event log is cut to the same users, and otherwise it
    is left out with a notice (the whole log is not the segment's).
    """
    reading = reading or ReadOptions()
    lang = params.language
    if not survey_file:
        raise DataError(t("errors.run.segment_needs_survey"))
    survey = _read_table(survey_file)
    seg_col = _column(survey, "segment")
    if seg_col is None:
        raise DataError(t("errors.run.no_segment_column", path=survey_file))
    user_col = _column(survey, "user_id")
    events, event_user_col = (
        _events_and_users(events_file, reading) if events_file and user_col else (None, None)
    )
    variants = []
    used: set[str] = set()
    for value in sorted(v for v in survey[seg_col].unique() if str(v).strip()):
        # 'Office workers' and 'office-workers', or two non-Latin names, get folders of their own
        folder = unique_id(f"segment-{slug(str(value), limit=60)}", used)
        used.add(folder)
        new = _segment_files(
            survey,
            seg_col,
            value,
            events,
            event_user_col,
            user_col,
            out_dir / folder / "data",
            reading.delimiter or ",",
        )
        withheld = dict(params.withheld)
        if events_file and "events_file" not in new:
            withheld["events_file"] = t("inputs.segment.events_not_cut", lang, segment=str(value))
        extra = {**params.parameters, "segment": str(value)}
        variants.append(
            Variant(
                "segment",
                str(value),
                str(value),
                folder,
                params.with_files(new, parameters=extra, withheld=withheld),
            )
        )
    if not variants:
        raise DataError(t("errors.run.empty_segment_column", path=survey_file))
    return variants


@dataclass(frozen=True)
class _PersonaSources:
    """The survey and event log as read for cutting per persona, with the columns that link them."""

    survey: Any = None
    seg_col: str | None = None
    user_col: str | None = None
    events: Any = None
    event_user_col: str | None = None


def _persona_sources(data: dict[str, str], reading: ReadOptions) -> _PersonaSources:
    """Read the survey (and the events, when the survey names users) once for every persona."""
    if not data["survey_file"]:
        return _PersonaSources()
    survey = _read_table(data["survey_file"])
    seg_col = _column(survey, "segment")
    user_col = _column(survey, "user_id")
    events = event_user_col = None
    if data["events_file"] and user_col is not None:
        events, event_user_col = _events_and_users(data["events_file"], reading)
    return _PersonaSources(survey, seg_col, user_col, events, event_user_col)


def persona_variants(
    project: Project,
    data: dict[str, str],
    out_dir: Path,
    params: RunParams,
    reading: ReadOptions | None = None,
) -> list[Variant]:
    """One variant per persona, with only the data of the survey segment the persona is linked to.

    The link is ``Persona.segment``. The survey is cut to that segment's answers
    and the event log to its users (when the survey has a ``user_id``); data that
    cannot be cut to the segment, or any data at all when there is no link, is
    withheld with a notice at the top of the report, never shown as the persona's.
    """
    lang = params.language
    reading = reading or ReadOptions()
    sources = _persona_sources(data, reading)
    present = {k for k in ("events_file", "survey_file", "tickets_file") if data[k]}
    variants = []
    for persona in project.personas:
        folder = f"persona-{persona.id}"
        new: dict[str, str] = {}
        withheld = _unusable_link(persona, sources, present, lang)
        if withheld is None:
            data_dir = out_dir / folder / "data"
            new, withheld = _cut_for_persona(persona, sources, present, data_dir, reading, lang)
        extra = {**params.parameters, **({"segment": persona.segment} if new else {})}
        variants.append(
            Variant(
                "persona",
                persona.id,
                persona.name,
                folder,
                params.with_files(
                    new,
                    parameters=extra,
                    withheld={**params.withheld, **_one_reason_each(withheld)},
                ),
            )
        )
    return variants


def _unusable_link(
    persona: Persona, sources: _PersonaSources, present: set[str], lang: str
) -> dict[str, str] | None:
    """The data withheld from a persona whose segment link cannot be used, or None when it can."""
    survey, seg_col = sources.survey, sources.seg_col
    if not persona.segment:
        reason = t("inputs.persona.no_link", lang, persona=persona.name)
        return dict.fromkeys(present, reason) or {"survey_file": reason}
    if survey is None or seg_col is None:
        reason = t(
            "inputs.persona.no_segment_column",
            lang,
            persona=persona.name,
            segment=persona.segment,
        )
        return dict.fromkeys(present, reason) or {"survey_file": reason}
    if not (survey[seg_col] == persona.segment).any():
        known = ", ".join(sorted(str(v) for v in survey[seg_col].unique() if str(v).strip()))
        reason = t(
            "inputs.persona.unknown_segment",
            lang,
            persona=persona.name,
            segment=persona.segment,
            known=known or "—",
        )
        return dict.fromkeys(present, reason)
    return None


def _cut_for_persona(
    persona: Persona,
    sources: _PersonaSources,
    present: set[str],
    data_dir: Path,
    reading: ReadOptions,
    lang: str,
) -> tuple[dict[str, str], dict[str, str]]:
    """Write the persona's segment of the data; return its files and what could not be cut."""
    new = _segment_files(
        sources.survey,
        str(sources.seg_col),
        persona.segment,
        sources.events,
        sources.event_user_col,
        sources.user_col,
        data_dir,
        reading.delimiter or ",",
    )
    withheld: dict[str, str] = {}
    if "events_file" in present and "events_file" not in new:
        withheld["events_file"] = t("inputs.persona.events_not_cut", lang, persona=persona.name)
    if "tickets_file" in present:
        withheld["tickets_file"] = t("inputs.persona.tickets_not_cut", lang, persona=persona.name)
    return new, withheld


def _one_reason_each(withheld: dict[str, str]) -> dict[str, str]:
    """Withheld keys with each distinct reason kept once (the report lists reasons, not keys)."""
    seen: set[str] = set()
    out: dict[str, str] = {}
    for key, reason in withheld.items():
        out[key] = "" if reason in seen else reason
        seen.add(reason)
    return out


def plan_batch(
    project: Project, project_file: Path, kind: str, out_dir: Path, params: RunParams
) -> list[Variant]:
    """The runs of a batch, in a stable order."""
    if kind not in FOR_EACH_KINDS:
        raise CJMError(t("errors.run.for_each", kind=repr(kind), kinds=", ".join(FOR_EACH_KINDS)))
    if kind == "persona":
        if not project.personas:
            raise CJMError(t("errors.run.no_personas", path=project_file))
        return persona_variants(
            project,
            data_paths(project_file, project, params),
            out_dir,
            params,
            reading_for(project, params),
        )
    if kind == "journey":
        if not project.journeys:
            raise CJMError(t("errors.run.no_journeys", path=project_file))
        return [
            Variant("journey", j.id, j.name, f"journey-{j.id}", params) for j in project.journeys
        ]
    data = data_paths(project_file, project, params)
    return segment_variants(
        data["survey_file"], data["events_file"], out_dir, params, reading_for(project, params)
    )


def _run_variant(
    project_file: str, out_dir: str, variant: Variant, notebooks_dir: str | None
) -> VariantOutcome:
    """Worker body (a top-level function, so a process pool can call it)."""
    try:
        focus = (variant.kind, variant.key)
        result = run_suite(
            project_file,
            Path(out_dir) / variant.folder,
            variant.params,
            notebooks_dir,
            progress=False,
            focus=focus,
        )
    except CJMError as exc:
        return VariantOutcome(variant, False, str(exc))
    except Exception as exc:  # a worker must always report back
        return VariantOutcome(variant, False, f"{type(exc).__name__}: {exc}")
    return VariantOutcome(variant, True, notices=result.notices)


def _run_in_pool(
    source: Path,
    out: Path,
    variants: list[Variant],
    workers: int,
    nb_dir: str | None,
    desc: str,
    progress: bool,
) -> dict[str, VariantOutcome]:
    """Run every variant in a pool of processes; outcomes by folder, in the order they finish."""
    from tqdm.auto import tqdm

    outcomes: dict[str, VariantOutcome] = {}
    bar = tqdm(total=len(variants), unit="run", disable=not progress, desc=desc)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [
                pool.submit(_run_variant, str(source), str(out), v, nb_dir) for v in variants
            ]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.variant.folder] = outcome
                bar.update(1)
    finally:
        bar.close()
    return outcomes


def _raise_if_failed(ordered: list[VariantOutcome], out: Path, lang: str) -> None:
    """Stop the batch with one error naming every failed run, after the index page is written."""
    failed = [o for o in ordered if not o.ok]
    if failed:
        details = "\n".join(f"  - {o.variant.folder}: {o.message}" for o in failed)
        raise RunFailed(
            t(
                "run.batch.failed",
                lang,
                failed=len(failed),
                runs=len(ordered),
                index=str(out / "index.html"),
            )
            + "\n"
            + details,
            out_dir=out,
        )


def run_batch(
    project_file: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    kind: str,
    params: RunParams | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    progress: bool = True,
) -> list[VariantOutcome]:
    """Run the suite once per persona/segment/journey in parallel; write ``index.html``."""
    from ..store import load_project

    params = params or RunParams()
    lang = check_language(params.language)
    source = Path(project_file).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    project = load_project(source)
    params = checked_params(
        source, project, params
    )  # a named file that cannot be used stops the batch here
    variants = plan_batch(
        project, source, kind, out, params
    )  # checks the data before any folder is made
    claim_index(out / "index.html", lang)
    out.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs or params.jobs or os.cpu_count() or 1, len(variants)))
    nb_dir = str(notebooks_dir) if notebooks_dir else None
    desc = t("run.progress.batch", lang, kind=t(f"run.kind.{kind}", lang), runs=len(variants))
    outcomes = _run_in_pool(source, out, variants, workers, nb_dir, desc, progress)
    ordered = [outcomes[v.folder] for v in variants]
    write_index(out / "index.html", project, kind, ordered, lang)
    _raise_if_failed(ordered, out, lang)
    return ordered


INDEX_MARK = '<meta name="generator" content="cjm run --for-each">'
"""Marks the index page of a batch, so a later batch may replace it and nothing else."""


def claim_index(path: Path, lang: str) -> None:
    """Refuse to write the batch's index over a page an earlier batch did not write."""
    from ..files import read_bytes_bounded

    if not os.path.lexists(path):
        return
    if (
        path.is_symlink()
        or not path.is_file()
        or INDEX_MARK.encode()
        not in read_bytes_bounded(path, 1 << 22, "page", CJMError, lang)[:4096]
    ):
        raise CJMError(t("files.run.index_not_ours", lang, path=str(path)))


def index_html(project: Project, kind: str, outcomes: list[VariantOutcome], lang: str) -> str:
    """The batch's index page: one row per run with links to its report and walkthrough."""
    from ..report.page import PAGE_CSS

    rows = []
    for o in outcomes:
        v = o.variant
        status = t("run.index.ok", lang) if o.ok else t("run.index.failed", lang)
        links = (
            f'<a href="{esc(v.folder)}/report.html">{esc(t("run.index.report", lang))}</a> · '
            f'<a href="{esc(v.folder)}/html/index.html">{esc(t("run.index.walkthrough", lang))}</a>'
            if o.ok
            else f'<pre class="cjm-error">{esc(o.message)}</pre>'
        )
        rows.append(
            f'<tr class="{"ok" if o.ok else "failed"}"><td>{esc(v.label)}</td>'
            f"<td><code>{esc(v.folder)}</code></td><td>{esc(status)}</td><td>{links}</td></tr>"
        )
    title = t("run.index.title", lang, project=project.name, kind=t(f"run.kind.{kind}", lang))
    head = "".join(
        f"<th>{esc(t(f'run.index.{c}', lang))}</th>" for c in ("name", "folder", "status", "links")
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">{INDEX_MARK}'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f'<style>{PAGE_CSS}</style></head><body><main class="cjm-report">'
        f'<header class="cjm-report-head"><p class="cjm-kicker">{esc(t("report.kicker", lang))}</p>'
        f"<h1>{esc(title)}</h1></header>"
        f'<table class="cjm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"</main></body></html>\n"
    )


def write_index(
    path: Path, project: Project, kind: str, outcomes: list[VariantOutcome], lang: str
) -> Path:
    from ..store import atomic_write_text

    atomic_write_text(path, index_html(project, kind, outcomes, lang), durable=False)
    return path
