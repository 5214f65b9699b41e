"""Run the step notebooks headless with papermill, in order, and write what they produce.

One run works on a copy of the project inside the output folder (the user's
file is never touched) and writes, in that folder::

    project.cjm.yaml      the copy the notebooks worked on (naming the data files used
                          and how to read them, so every notebook reads them the same way)
    notebooks/NN_*.ipynb  the executed notebooks
    html/NN_*.html        one page per notebook (plus html/index.html)
    report.html           the combined journey report
    brief.html            the one-page buy-in brief for leadership and sales

Before anything is written each data file is loaded once as a check: one the
person named that cannot be used stops the run with the reason and the fix; one
found in a ``--data`` folder or declared by the project is skipped, and the
notice is printed and opens the report.

When a notebook fails the run stops, keeps everything written so far (the
failed notebook too, with its error, and its HTML page) and raises
:class:`RunFailed` naming the notebook, the cell and the error.
"""

from __future__ import annotations

__all__ = [
    "CELL_TIMEOUT_S",
    "DATA_KEYS",
    "FOCUS_PARAMETERS",
    "KERNEL_NAME",
    "RUN_CACHE_FOLDER",
    "TOTAL_STEPS",
    "NotebookResult",
    "RunFailed",
    "RunResult",
    "check_inputs",
    "check_one",
    "checked_params",
    "choose_notebooks",
    "data_paths",
    "declared_only",
    "execute_one",
    "kernel_environment",
    "notebook_parameters",
    "prepare_project",
    "progress_label",
    "project_for_run",
    "reading_for",
    "run_notices",
    "run_suite",
    "write_html",
    "write_run_report",
]

import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..environment import scoped_environ
from ..errors import CJMError, DataError
from ..i18n import check_language, t
from ..model import Project
from ..reading import BACKEND_ENV, ReadOptions
from ..step.common import RUN_CACHE_ENV
from ..text import step_number
from .outdir import claim_output_folder
from .params import RunParams

TOTAL_STEPS = 8
KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 900
RUN_CACHE_FOLDER = "run-cache"
"""The folder in the kernels' CJM_HOME where chapters of one run keep the tables they share."""


class RunFailed(CJMError):
    """A notebook of the suite failed; the message names the notebook, the cell and the error."""

    def __init__(
        self,
        message: str,
        notebook: str = "",
        cell: int | None = None,
        error: str = "",
        out_dir: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell
        self.error = error
        self.out_dir = out_dir


@dataclass
class NotebookResult:
    """One executed notebook: where it went and how long it took."""

    name: str
    step: int
    executed: Path
    seconds: float
    ok: bool = True


@dataclass
class RunResult:
    """What a run wrote."""

    out_dir: Path
    project_file: Path
    notebooks: list[NotebookResult] = field(default_factory=list)
    html: list[Path] = field(default_factory=list)
    report: Path | None = None
    brief: Path | None = None
    notices: list[str] = field(default_factory=list)
    """What the run left out and why (a skipped data file, data not cut to a persona), shown first."""


def choose_notebooks(folder: Path, only: tuple[int, ...] = ()) -> list[Path]:
    """The step notebooks of ``folder`` in order, limited to the ``only`` step numbers if given."""
    if not folder.is_dir():
        raise CJMError(t("errors.notebooks.no_folder", folder=folder))
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise CJMError(t("errors.run.no_step_notebooks", folder=folder))
    if not only:
        return found
    chosen = [p for p in found if step_number(p) in only]
    missing = sorted(set(only) - {step_number(p) for p in chosen})
    if missing:
        raise CJMError(
            t(
                "errors.run.no_notebook_for_step",
                folder=folder,
                steps=", ".join(map(str, missing)),
                available=", ".join(str(step_number(p)) for p in found),
            )
        )
    return chosen


def progress_label(path: Path, lang: str) -> str:
    """'step 3 of 8 · 03_target_personas' (localised); step 0 is the start page."""
    number = step_number(path)
    if 1 <= number <= TOTAL_STEPS:
        return t("run.progress.step", lang, n=number, total=TOTAL_STEPS, name=path.stem)
    return t("run.progress.start", lang, name=path.stem)


DATA_KEYS: tuple[tuple[str, str], ...] = (
    ("events_file", "events"),
    ("survey_file", "survey"),
    ("tickets_file", "tickets"),
)
"""Run parameters naming data files, with the project's ``data:`` field for each."""


def data_paths(project_path: Path, project: Project, params: RunParams) -> dict[str, str]:
    """Absolute data paths: the params' own, else the project's declared files when they exist.

    A key the params withhold (a persona without its segment's data) stays empty.
    """
    out = {}
    for key, field_name in DATA_KEYS:
        if key in params.withheld:
            out[key] = ""
            continue
        given = getattr(params, key)
        if given:
            if not Path(given).is_file():
                raise CJMError(
                    t("errors.run.no_data_file", path=given, kind=key.removesuffix("_file"))
                )
            out[key] = str(Path(given).resolve())
            continue
        candidate = paths.resolve_data("", project_path, getattr(project.data, field_name))
        out[key] = str(candidate) if candidate is not None and candidate.is_file() else ""
    return out


def reading_for(project: Project, params: RunParams) -> ReadOptions:
    """How this run reads its data: the command line and params file over the project's data section."""
    from ..reading import from_project

    return params.reading.over(from_project(project.data))


def check_one(key: str, path: str, project: Project, reading: ReadOptions, lang: str) -> str:
    """Load one data file as the notebooks will; '' when it is usable, else the reason it is not."""
    from .. import overlay as ov
    from ..reading import call_accepting

    try:
        if key == "events_file":
            ov.load_events(path, project=project, **reading.event_kwargs())
        elif key == "survey_file":
            call_accepting(
                ov.load_survey, path, project=project, lang=lang, **reading.date_kwargs()
            )
        else:
            call_accepting(ov.load_tickets, path, project, lang=lang, **reading.date_kwargs())
    except CJMError as exc:
        return str(exc)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""


def check_inputs(
    project_path: Path, project: Project, params: RunParams
) -> tuple[dict[str, str], dict[str, str]]:
    """The data files this run will use, each loaded once as a check, and a notice per data key skipped.

    A file the person named (``--events``, a params file) that cannot be used
    stops the run with the reason and the fix. A file found in a ``--data``
    folder or declared by the project is skipped instead, with a notice; a
    skipped ``--data`` file gives way to the project's own when that one works.
    """
    lang = params.language
    reading = reading_for(project, params)
    data = data_paths(project_path, project, params)
    skipped: dict[str, str] = {}
    for key, field_name in DATA_KEYS:
        path = data[key]
        kind = t(f"inputs.kind.{field_name}", lang)
        declared = paths.resolve_data("", project_path, getattr(project.data, field_name))
        if not path:
            if declared is not None and key not in params.withheld:  # declared, but not there
                skipped[key] = t(
                    "inputs.skipped",
                    lang,
                    file=str(declared),
                    kind=kind,
                    how=t("inputs.from_project", lang),
                    reason=t("inputs.no_such_file", lang),
                )
            continue
        reason = check_one(key, path, project, reading, lang)
        if not reason:
            continue
        reason = reason.removeprefix(f"{path}: ")  # the file is named once, at the start
        given = getattr(params, key) and key not in params.found
        if given:
            raise DataError(
                t(
                    "inputs.unusable",
                    lang,
                    file=path,
                    kind=kind,
                    reason=reason,
                    fix=t(f"inputs.fix.{field_name}", lang),
                )
            )
        how = t("inputs.from_data_folder" if key in params.found else "inputs.from_project", lang)
        skipped[key] = t("inputs.skipped", lang, file=path, kind=kind, how=how, reason=reason)
        data[key] = ""
        if (
            key in params.found
            and declared is not None
            and declared.is_file()
            and str(declared) != path
            and not check_one(key, str(declared), project, reading, lang)
        ):
            data[key] = str(declared)
    return data, skipped


def run_notices(params: RunParams, skipped: dict[str, str]) -> list[str]:
    """The lines that open the report: data withheld on purpose, then data files skipped."""
    return [reason for reason in (*params.withheld.values(), *skipped.values()) if reason]


def checked_params(project_path: Path, project: Project, params: RunParams) -> RunParams:
    """The params with each data file checked once: usable ones named, skipped ones withheld with their notice.

    A batch calls this before it plans its runs, so a named file that cannot be
    used stops the batch at once, and every run's report carries the same notices.
    """
    data, skipped = check_inputs(project_path, project, params)
    return params.with_files(
        {k: v for k, v in data.items() if v}, found=(), withheld={**params.withheld, **skipped}
    )


def project_for_run(project: Project, data: dict[str, str], reading: ReadOptions) -> Project:
    """The project as the run's copy holds it: the data files actually used and how to read them."""
    files = {field_name: data.get(key, "") for key, field_name in DATA_KEYS}
    section = reading.to_data(project.data).model_copy(update=files)
    return project.model_copy(update={"data": section})


def notebook_parameters(
    project_file: Path, data: dict[str, str], params: RunParams
) -> dict[str, Any]:
    """The values papermill injects: the suite's parameters, never interactive, plus any extras."""
    return {
        "project_file": str(project_file),
        **data,
        "language": params.language,
        "interactive": False,
        **params.parameters,
    }


FOCUS_PARAMETERS = frozenset({"persona", "segment", "journey_id"})
"""Parameters a batch adds; a notebook that does not declare one simply does not get it."""


def declared_only(notebook: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """The parameters without batch extras the notebook's parameters cell does not declare."""
    import nbformat

    extras = FOCUS_PARAMETERS & parameters.keys()
    if not extras:
        return parameters
    nb = nbformat.read(notebook, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    declared = {
        m.group(1) for c in cells for m in re.finditer(r"^(\w+)\s*[:=]", c.source, re.MULTILINE)
    }
    return {k: v for k, v in parameters.items() if k not in extras or k in declared}


@contextmanager
def kernel_environment(home: Path, backend: str = "") -> Iterator[None]:
    """Environment for the kernels: a private CJM_HOME, the run's engine, and no MPLBACKEND (it hides figures).

    The engine is not part of the project (it belongs to the machine that runs it),
    so it reaches the notebooks as ``CJM_BACKEND`` rather than through the project copy.
    The run's shared tables (``CJM_RUN_CACHE``, see :mod:`cjm_helpers.step.shared`) start
    empty in every run, so a table is only ever read back by a later chapter of the same run.
    """
    cache = home / RUN_CACHE_FOLDER
    if cache.is_symlink() or cache.is_file():  # only a folder of our own is ever read back
        cache.unlink()
    shutil.rmtree(cache, ignore_errors=True)
    with scoped_environ(
        {
            "CJM_HOME": str(home),
            "MPLBACKEND": None,
            BACKEND_ENV: backend or None,
            RUN_CACHE_ENV: str(cache),
        }
    ):
        yield


def _failure(exc: BaseException, notebook: Path, out_dir: Path, lang: str) -> RunFailed:
    """Turn papermill's (or the kernel's) error into our message: notebook, cell, error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first_line = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        cell = int(exc.cell_index) if exc.cell_index is not None else None
        error = f"{exc.ename}: {exc.evalue}".strip()
        where = t(
            "run.failed.cell",
            lang,
            index=(cell or 0) + 1,
            count=exc.exec_count or "?",
            line=first_line[:80],
        )
    else:
        cell, error = None, f"{type(exc).__name__}: {exc}".strip()
        where = t("run.failed.no_cell", lang)
    message = t(
        "run.failed.message",
        lang,
        notebook=notebook.name,
        where=where,
        error=error,
        folder=str(out_dir),
    )
    return RunFailed(message, notebook=notebook.name, cell=cell, error=error, out_dir=out_dir)


def execute_one(
    source: Path, target: Path, parameters: dict[str, Any], cwd: Path, timeout: int = CELL_TIMEOUT_S
) -> None:
    """Execute one notebook with papermill; the output notebook is written even when it fails.

    The kernel talks over local IPC sockets, not TCP: no port is opened on the
    machine, and the kernel has no reason to warn about unencrypted traffic.
    """
    import papermill as pm
    from traitlets.config import Config

    pm.execute_notebook(
        str(source),
        str(target),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        language="python",
        cwd=str(cwd),
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=timeout,
        config=Config({"KernelManager": {"transport": "ipc"}}),
        # Shutting a kernel down interrupts it first, and ipykernel logs that interrupt as an
        # error on our terminal; a cell's real errors still reach the notebook and our message.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def prepare_project(
    project_file: Path,
    out_dir: Path,
    focus: tuple[str, str] | None = None,
    project: Project | None = None,
    data: dict[str, str] | None = None,
    reading: ReadOptions | None = None,
) -> tuple[Path, Project]:
    """Copy the project into the run folder (narrowed to one persona/journey when ``focus`` is given).

    With ``data`` the copy names the files the run uses (absolute) and how to read
    them, so a notebook reading the project's data reads exactly those.
    """
    from ..store import atomic_write_text, load_project, project_to_data, project_to_yaml
    from ..validation import validate_project
    from .focus import focus_project

    project = project if project is not None else load_project(project_file)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / paths.PROJECT_FILE_NAME
    if copy.resolve() == project_file.resolve():
        raise CJMError(t("errors.run.out_is_project", folder=out_dir))
    if focus:
        project = focus_project(project, *focus)
    if data is not None:
        project = project_for_run(project, data, reading or ReadOptions())
    if (
        focus or data is not None
    ):  # a working copy: checked and written whole, with no history beside it
        project = validate_project(project_to_data(project), str(copy))
        atomic_write_text(copy, project_to_yaml(project), durable=False)
    else:
        shutil.copyfile(project_file, copy)
    return copy, project


def run_suite(
    project_file: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    params: RunParams | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    focus: tuple[str, str] | None = None,
    report: bool = True,
    on_notice: Callable[[str], None] | None = None,
) -> RunResult:
    """Execute the step notebooks on a copy of the project; write notebooks, HTML and the report."""
    from tqdm.auto import tqdm

    from ..store import load_project

    params = params or RunParams()
    lang = check_language(params.language)
    source_project = Path(project_file).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    original = load_project(source_project)  # the one read of the user's file
    chosen = choose_notebooks(
        Path(notebooks_dir or paths.run_notebooks_dir(lang)).resolve(), params.only
    )
    data, skipped = check_inputs(source_project, original, params)  # before anything is written
    notices = run_notices(params, skipped)
    for line in notices:
        if on_notice is not None:
            on_notice(line)
    reading = reading_for(original, params)
    claim_output_folder(
        out, chosen, lang
    )  # removes only an earlier run's files; refuses anyone else's
    copy, project = prepare_project(
        source_project, out, focus, project=original, data=data, reading=reading
    )
    parameters = notebook_parameters(copy, data, params)
    if focus:
        parameters.setdefault(focus[0] if focus[0] != "journey" else "journey_id", focus[1])
    executed_dir = out / "notebooks"
    executed_dir.mkdir(exist_ok=True)
    result = RunResult(out_dir=out, project_file=copy, notices=notices)
    failure: RunFailed | None = None
    bar = tqdm(total=len(chosen), unit="notebook", disable=not progress, leave=True)
    try:
        with kernel_environment(out / ".cjm-home", reading.backend):
            for nb_path in chosen:
                bar.set_description(progress_label(nb_path, lang))
                target = executed_dir / nb_path.name
                started = time.perf_counter()
                try:
                    execute_one(nb_path, target, declared_only(nb_path, parameters), cwd=out)
                except Exception as exc:  # papermill, nbclient and kernel errors alike
                    failure = _failure(exc, nb_path, out, lang)
                    if target.exists():
                        result.notebooks.append(
                            NotebookResult(
                                nb_path.name,
                                step_number(nb_path),
                                target,
                                time.perf_counter() - started,
                                ok=False,
                            )
                        )
                    break
                result.notebooks.append(
                    NotebookResult(
                        nb_path.name, step_number(nb_path), target, time.perf_counter() - started
                    )
                )
                bar.update(1)
    finally:
        bar.close()
    if failure is not None:
        try:  # the failed notebook's page shows the error in place; the failure itself matters more
            result.html = write_html(result, lang, params.show_code)
        except Exception:
            pass
        raise failure
    result.html = write_html(result, lang, params.show_code)
    if report:
        result.report, result.brief = write_run_report(
            result, data, lang, focus, project=project, reading=reading
        )
    return result


def write_html(result: RunResult, lang: str, show_code: bool) -> list[Path]:
    """One HTML page per executed notebook (failed one included), linked as a walkthrough."""
    from ..export import export_notebooks

    files = [r.executed for r in result.notebooks if r.executed.exists()]
    if not files:
        return []
    return export_notebooks(files, result.out_dir / "html", no_input=not show_code, lang=lang)


def write_run_report(
    result: RunResult,
    data: dict[str, str],
    lang: str,
    focus: tuple[str, str] | None = None,
    project: Project | None = None,
    reading: ReadOptions | None = None,
) -> tuple[Path, Path]:
    """The combined journey report of a finished run and its buy-in brief, beside its notebooks.

    Both read the same measured KPIs, so the brief states what step 7 measured, not only what was typed.
    """
    from ..report import compute_overlay, write_report
    from ..report.brief import write_brief
    from ..report.overlay import measured_kpis
    from ..store import load_project

    project = project if project is not None else load_project(result.project_file)
    persona_id = focus[1] if focus and focus[0] == "persona" else None
    journey_id = focus[1] if focus and focus[0] == "journey" else None
    if persona_id and journey_id is None:
        journey_id = next((j.id for j in project.journeys if j.persona == persona_id), None)
    overlay = compute_overlay(
        project,
        data.get("events_file", ""),
        data.get("survey_file", ""),
        data.get("tickets_file", ""),
        journey_id=journey_id,
        lang=lang,
        reading=reading,
        persona_id=persona_id,
    )
    links = [(r.name, f"html/{r.executed.stem}.html") for r in result.notebooks]
    links.append((t("stakeholders.brief.link", lang), "brief.html"))
    segment = focus[1] if focus and focus[0] == "segment" else None
    brief = write_brief(
        result.out_dir / "brief.html", project, lang, measured=measured_kpis(overlay)
    )
    report = write_report(
        result.out_dir / "report.html",
        project,
        lang,
        overlay,
        persona_id=persona_id,
        journey_id=journey_id,
        notebook_links=links,
        segment=segment,
        notices=result.notices,
    )
    return report, brief
