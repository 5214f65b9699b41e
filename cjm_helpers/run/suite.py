"""Run the step notebooks headless with papermill, in order, and write what they produce.

One run works on a copy of the project inside the output folder (the user's
file is never touched) and writes, in that folder::

    project.cjm.yaml      the copy the notebooks worked on
    notebooks/NN_*.ipynb  the executed notebooks
    html/NN_*.html        one page per notebook (plus html/index.html)
    report.html           the combined journey report

When a notebook fails the run stops, keeps everything written so far (the
failed notebook too, with its error, and its HTML page) and raises
:class:`RunFailed` naming the notebook, the cell and the error.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths
from ..environment import scoped_environ
from ..errors import CJMError
from ..i18n import check_language, t
from ..model import Project
from ..text import step_number
from .params import RunParams

TOTAL_STEPS = 8
KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 900


class RunFailed(CJMError):
    """A notebook of the suite failed; the message names the notebook, the cell and the error."""

    def __init__(self, message: str, notebook: str = "", cell: int | None = None, error: str = "",
                 out_dir: Path | None = None) -> None:
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
        raise CJMError(t("errors.run.no_notebook_for_step", folder=folder, steps=", ".join(map(str, missing)),
                         available=", ".join(str(step_number(p)) for p in found)))
    return chosen


def progress_label(path: Path, lang: str) -> str:
    """'step 3 of 8 · 03_target_personas' (localised); step 0 is the start page."""
    number = step_number(path)
    if 1 <= number <= TOTAL_STEPS:
        return t("run.progress.step", lang, n=number, total=TOTAL_STEPS, name=path.stem)
    return t("run.progress.start", lang, name=path.stem)


def data_paths(project_path: Path, project: Project, params: RunParams) -> dict[str, str]:
    """Absolute data paths: the params' own, else the project's declared files when they exist."""
    out = {}
    for key, declared in (("events_file", project.data.events), ("survey_file", project.data.survey),
                          ("tickets_file", project.data.tickets)):
        given = getattr(params, key)
        if given:
            if not Path(given).is_file():
                raise CJMError(t("errors.run.no_data_file", path=given, kind=key.removesuffix("_file")))
            out[key] = str(Path(given).resolve())
            continue
        candidate = paths.resolve_data("", project_path, declared)
        out[key] = str(candidate) if candidate is not None and candidate.is_file() else ""
    return out


def notebook_parameters(project_file: Path, data: dict[str, str], params: RunParams) -> dict[str, Any]:
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
    declared = {m.group(1) for c in cells for m in re.finditer(r"^(\w+)\s*[:=]", c.source, re.MULTILINE)}
    return {k: v for k, v in parameters.items() if k not in extras or k in declared}


@contextmanager
def kernel_environment(home: Path) -> Iterator[None]:
    """Environment for the kernels: a private CJM_HOME, and no MPLBACKEND (it hides figures)."""
    with scoped_environ({"CJM_HOME": str(home), "MPLBACKEND": None}):
        yield


def _failure(exc: BaseException, notebook: Path, out_dir: Path, lang: str) -> RunFailed:
    """Turn papermill's (or the kernel's) error into our message: notebook, cell, error."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        first_line = next((line for line in (exc.source or "").splitlines() if line.strip()), "")
        cell = int(exc.cell_index) if exc.cell_index is not None else None
        error = f"{exc.ename}: {exc.evalue}".strip()
        where = t("run.failed.cell", lang, index=(cell or 0) + 1, count=exc.exec_count or "?",
                  line=first_line[:80])
    else:
        cell, error = None, f"{type(exc).__name__}: {exc}".strip()
        where = t("run.failed.no_cell", lang)
    message = t("run.failed.message", lang, notebook=notebook.name, where=where, error=error,
                folder=str(out_dir))
    return RunFailed(message, notebook=notebook.name, cell=cell, error=error, out_dir=out_dir)


def execute_one(source: Path, target: Path, parameters: dict[str, Any], cwd: Path,
                timeout: int = CELL_TIMEOUT_S) -> None:
    """Execute one notebook with papermill; the output notebook is written even when it fails.

    The kernel talks over local IPC sockets, not TCP: no port is opened on the
    machine, and the kernel has no reason to warn about unencrypted traffic.
    """
    import papermill as pm
    from traitlets.config import Config

    pm.execute_notebook(
        str(source), str(target), parameters=parameters, kernel_name=KERNEL_NAME, language="python",
        cwd=str(cwd),
        progress_bar=False, log_output=False, request_save_on_cell_execute=False,
        execution_timeout=timeout, config=Config({"KernelManager": {"transport": "ipc"}}),
        # Shutting a kernel down interrupts it first, and ipykernel logs that interrupt as an
        # error on our terminal; a cell's real errors still reach the notebook and our message.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
    )


def prepare_project(project_file: Path, out_dir: Path, focus: tuple[str, str] | None = None) -> tuple[Path, Project]:
    """Copy the project into the run folder (narrowed to one persona/journey when ``focus`` is given)."""
    from ..store import load_project, save_project
    from .focus import focus_project

    project = load_project(project_file)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / paths.PROJECT_FILE_NAME
    if copy.resolve() == project_file.resolve():
        raise CJMError(t("errors.run.out_is_project", folder=out_dir))
    if focus:
        project = focus_project(project, *focus)
        save_project(project, copy)
    else:
        shutil.copyfile(project_file, copy)
    return copy, project


def clear_previous_run(out: Path) -> None:
    """Remove what an earlier run wrote into the same folder, so no stale page outlives it."""
    stale = [*(out / "notebooks").glob("[0-9][0-9]_*.ipynb"), *(out / "html").glob("*.html"), out / "report.html"]
    for path in stale:
        if path.is_file():
            path.unlink()


def run_suite(
    project_file: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    params: RunParams | None = None,
    notebooks_dir: str | os.PathLike[str] | None = None,
    progress: bool = True,
    focus: tuple[str, str] | None = None,
    report: bool = True,
) -> RunResult:
    """Execute the step notebooks on a copy of the project; write notebooks, HTML and the report."""
    from tqdm.auto import tqdm

    from ..store import load_project

    params = params or RunParams()
    lang = check_language(params.language)
    source_project = Path(project_file).expanduser().resolve()
    out = Path(out_dir).expanduser().resolve()
    data = data_paths(source_project, load_project(source_project), params)  # check inputs before writing
    chosen = choose_notebooks(Path(notebooks_dir or paths.run_notebooks_dir(lang)).resolve(), params.only)
    copy, project = prepare_project(source_project, out, focus)
    parameters = notebook_parameters(copy, data, params)
    if focus:
        parameters.setdefault(focus[0] if focus[0] != "journey" else "journey_id", focus[1])
    executed_dir = out / "notebooks"
    executed_dir.mkdir(exist_ok=True)
    clear_previous_run(out)
    result = RunResult(out_dir=out, project_file=copy)
    failure: RunFailed | None = None
    bar = tqdm(total=len(chosen), unit="notebook", disable=not progress, leave=True)
    try:
        with kernel_environment(out / ".cjm-home"):
            for nb_path in chosen:
                bar.set_description(progress_label(nb_path, lang))
                target = executed_dir / nb_path.name
                started = time.perf_counter()
                try:
                    execute_one(nb_path, target, declared_only(nb_path, parameters), cwd=out)
                except Exception as exc:  # papermill, nbclient and kernel errors alike
                    failure = _failure(exc, nb_path, out, lang)
                    if target.exists():
                        result.notebooks.append(NotebookResult(nb_path.name, step_number(nb_path), target,
                                                               time.perf_counter() - started, ok=False))
                    break
                result.notebooks.append(NotebookResult(nb_path.name, step_number(nb_path), target,
                                                       time.perf_counter() - started))
                bar.update(1)
    finally:
        bar.close()
    if failure is not None:
        try:  # the failed notebook's page shows the error in place; the failure itself matters more
            result.html = write_html(result, lang, params.show_code)
        except Exception:  # noqa: BLE001
            pass
        raise failure
    result.html = write_html(result, lang, params.show_code)
    if report:
        result.report = write_run_report(result, data, lang, focus)
    return result


def write_html(result: RunResult, lang: str, show_code: bool) -> list[Path]:
    """One HTML page per executed notebook (failed one included), linked as a walkthrough."""
    from ..export import export_notebooks

    files = [r.executed for r in result.notebooks if r.executed.exists()]
    if not files:
        return []
    return export_notebooks(files, result.out_dir / "html", no_input=not show_code, lang=lang)


def write_run_report(result: RunResult, data: dict[str, str], lang: str,
                     focus: tuple[str, str] | None = None) -> Path:
    """The combined journey report of a finished run, beside its notebooks."""
    from ..report import compute_overlay, write_report
    from ..store import load_project

    project = load_project(result.project_file)
    persona_id = focus[1] if focus and focus[0] == "persona" else None
    journey_id = focus[1] if focus and focus[0] == "journey" else None
    if persona_id and journey_id is None:
        journey_id = next((j.id for j in project.journeys if j.persona == persona_id), None)
    overlay = compute_overlay(project, data.get("events_file", ""), data.get("survey_file", ""),
                              data.get("tickets_file", ""), journey_id=journey_id, lang=lang)
    links = [(r.name, f"html/{r.executed.stem}.html") for r in result.notebooks]
    segment = focus[1] if focus and focus[0] == "segment" else None
    return write_report(result.out_dir / "report.html", project, lang, overlay, persona_id=persona_id,
                        journey_id=journey_id, notebook_links=links, segment=segment)
