"""Batches: one run per persona, survey segment or journey, in parallel, with an index page.

Each run gets its own sub-folder (``persona-rina/``, ``segment-students/``, …)
holding a full run (notebooks, HTML, report.html). Runs are independent, so
they go to a pool of processes, one per core by default. A failed run does not
stop the others; the index page says which failed and why, and the batch then
raises :class:`RunFailed` so the command exits non-zero.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from ..errors import CJMError, DataError
from ..i18n import check_language, t
from ..model import Project
from ..text import esc, slug, unique_id
from .params import FOR_EACH_KINDS, RunParams
from .suite import RunFailed, data_paths, run_suite


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


def _read_table(path: str) -> Any:
    import pandas as pd

    try:
        if path.lower().endswith((".parquet", ".pq")):
            return pd.read_parquet(path)
        if path.lower().endswith((".xlsx", ".xlsm")):
            return pd.read_excel(path, dtype=str).fillna("")
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise DataError(t("errors.run.no_file", path=path)) from None
    except UnicodeDecodeError:
        raise DataError(t("errors.run.not_utf8", path=path)) from None
    except (OSError, ValueError, ImportError) as exc:  # pandas' ParserError and EmptyDataError are ValueErrors
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataError(t("errors.run.not_table", path=path, reason=detail)) from None


def _column(frame: Any, wanted: str) -> str | None:
    return next((c for c in frame.columns if str(c).strip().lower() == wanted), None)


def segment_variants(survey_file: str, events_file: str, out_dir: Path, params: RunParams) -> list[Variant]:
    """One variant per value of the survey's ``segment`` column, each with its own filtered data.

    The survey is cut to the segment's answers; when both files have a
    ``user_id`` column the event log is cut to the same users.
    """
    if not survey_file:
        raise DataError(t("errors.run.segment_needs_survey"))
    survey = _read_table(survey_file)
    seg_col = _column(survey, "segment")
    if seg_col is None:
        raise DataError(t("errors.run.no_segment_column", path=survey_file))
    user_col = _column(survey, "user_id")
    events = _read_table(events_file) if events_file and user_col else None
    event_user_col = _column(events, "user_id") if events is not None else None
    variants = []
    used: set[str] = set()
    for value in sorted(v for v in survey[seg_col].unique() if str(v).strip()):
        # 'Office workers' and 'office-workers', or two non-Latin names, get folders of their own
        folder = unique_id(f"segment-{slug(str(value), limit=60)}", used)
        used.add(folder)
        data_dir = out_dir / folder / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        part = survey[survey[seg_col] == value]
        survey_path = data_dir / "survey.csv"
        part.to_csv(survey_path, index=False)
        new = {"survey_file": str(survey_path)}
        if events is not None and event_user_col is not None:
            users = set(part[user_col])
            events_path = data_dir / "events.csv"
            events[events[event_user_col].isin(users)].to_csv(events_path, index=False)
            new["events_file"] = str(events_path)
        extra = {**params.parameters, "segment": str(value)}
        variants.append(Variant("segment", str(value), str(value), folder,
                                replace(params, parameters=extra, **new)))
    if not variants:
        raise DataError(t("errors.run.empty_segment_column", path=survey_file))
    return variants


def plan_batch(project: Project, project_file: Path, kind: str, out_dir: Path, params: RunParams) -> list[Variant]:
    """The runs of a batch, in a stable order."""
    if kind not in FOR_EACH_KINDS:
        raise CJMError(t("errors.run.for_each", kind=repr(kind), kinds=", ".join(FOR_EACH_KINDS)))
    if kind == "persona":
        if not project.personas:
            raise CJMError(t("errors.run.no_personas", path=project_file))
        return [Variant("persona", p.id, p.name, f"persona-{p.id}", params) for p in project.personas]
    if kind == "journey":
        if not project.journeys:
            raise CJMError(t("errors.run.no_journeys", path=project_file))
        return [Variant("journey", j.id, j.name, f"journey-{j.id}", params) for j in project.journeys]
    data = data_paths(project_file, project, params)
    return segment_variants(data["survey_file"], data["events_file"], out_dir, params)


def _run_variant(project_file: str, out_dir: str, variant: Variant, notebooks_dir: str | None) -> VariantOutcome:
    """Worker body (a top-level function, so a process pool can call it)."""
    try:
        focus = (variant.kind, variant.key)
        run_suite(project_file, Path(out_dir) / variant.folder, variant.params, notebooks_dir,
                  progress=False, focus=focus)
    except CJMError as exc:
        return VariantOutcome(variant, False, str(exc))
    except Exception as exc:  # a worker must always report back
        return VariantOutcome(variant, False, f"{type(exc).__name__}: {exc}")
    return VariantOutcome(variant, True)


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
    from tqdm.auto import tqdm

    from ..store import load_project

    params = params or RunParams()
    lang = check_language(params.language)
    source = Path(project_file).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    project = load_project(source)
    variants = plan_batch(project, source, kind, out, params)  # checks the data before any folder is made
    out.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs or params.jobs or os.cpu_count() or 1, len(variants)))
    nb_dir = str(notebooks_dir) if notebooks_dir else None
    outcomes: dict[str, VariantOutcome] = {}
    bar = tqdm(total=len(variants), unit="run", disable=not progress,
               desc=t("run.progress.batch", lang, kind=t(f"run.kind.{kind}", lang), runs=len(variants)))
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(_run_variant, str(source), str(out), v, nb_dir) for v in variants]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.variant.folder] = outcome
                bar.update(1)
    finally:
        bar.close()
    ordered = [outcomes[v.folder] for v in variants]
    write_index(out / "index.html", project, kind, ordered, lang)
    failed = [o for o in ordered if not o.ok]
    if failed:
        details = "\n".join(f"  - {o.variant.folder}: {o.message}" for o in failed)
        raise RunFailed(t("run.batch.failed", lang, failed=len(failed), runs=len(ordered),
                          index=str(out / "index.html")) + "\n" + details, out_dir=out)
    return ordered


def index_html(project: Project, kind: str, outcomes: list[VariantOutcome], lang: str) -> str:
    """The batch's index page: one row per run with links to its report and walkthrough."""
    from ..report.page import PAGE_CSS

    rows = []
    for o in outcomes:
        v = o.variant
        status = t("run.index.ok", lang) if o.ok else t("run.index.failed", lang)
        links = (f'<a href="{esc(v.folder)}/report.html">{esc(t("run.index.report", lang))}</a> · '
                 f'<a href="{esc(v.folder)}/html/index.html">{esc(t("run.index.walkthrough", lang))}</a>'
                 if o.ok else f'<pre class="cjm-error">{esc(o.message)}</pre>')
        rows.append(f"<tr class=\"{'ok' if o.ok else 'failed'}\"><td>{esc(v.label)}</td>"
                    f"<td><code>{esc(v.folder)}</code></td><td>{esc(status)}</td><td>{links}</td></tr>")
    title = t("run.index.title", lang, project=project.name, kind=t(f"run.kind.{kind}", lang))
    head = "".join(f"<th>{esc(t(f'run.index.{c}', lang))}</th>" for c in ("name", "folder", "status", "links"))
    return (
        f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f"<style>{PAGE_CSS}</style></head><body><main class=\"cjm-report\">"
        f"<header class=\"cjm-report-head\"><p class=\"cjm-kicker\">{esc(t('report.kicker', lang))}</p>"
        f"<h1>{esc(title)}</h1></header>"
        f"<table class=\"cjm-table\"><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"</main></body></html>\n"
    )


def write_index(path: Path, project: Project, kind: str, outcomes: list[VariantOutcome], lang: str) -> Path:
    from ..store import atomic_write_text

    atomic_write_text(path, index_html(project, kind, outcomes, lang), durable=False)
    return path
