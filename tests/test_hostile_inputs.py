"""The hostile-input corpus: every bad input gets a clear answer, never a traceback or a torn file.

Cases live as data in ``tests/hostile/cases/*.yaml`` (one file per entry point); this
module turns each into a test. A case states the exit code, the words the message must
hold (the file name, the field path, what to do) and, for commands that write, which
files must exist afterwards and which must be left byte for byte as they were.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cjm_helpers import errors
from cjm_helpers.cli import main
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project, project_to_data
from cjm_helpers.yamlio import dump_yaml

CASES_DIR = Path(__file__).resolve().parent / "hostile" / "cases"
CJM = Path(sys.executable).with_name("cjm")


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of one corpus file, each with a unique id."""
    cases = yaml.safe_load((CASES_DIR / name).read_text(encoding="utf-8"))["cases"]
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), f"duplicate case ids in {name}"
    return cases


def params(name: str) -> list[Any]:
    return [pytest.param(case, id=case["id"]) for case in load_cases(name)]


def run_cli(args: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """Run `cjm ARGS` in this process; return the exit code and stdout + stderr together."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse's own usage errors
                code = int(exc.code or 0)
    finally:
        os.chdir(old)
    return code, out.getvalue() + err.getvalue()


def run_cli_subprocess(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the installed `cjm` program, as a user's shell would."""
    done = subprocess.run([str(CJM), *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def assert_words(output: str, words: list[str], subs: dict[str, str]) -> None:
    low = output.lower()
    for word in words:
        for key, value in subs.items():
            word = word.replace("{" + key + "}", value)
        assert word.lower() in low, f"expected {word!r} in the message:\n{output}"
    assert "Traceback" not in output, output


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes, to prove nothing was half-written."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- project files -------------------------------------------------------------------


def sample_data() -> dict[str, Any]:
    return project_to_data(load_project(SAMPLE_PROJECT))


def _walk(data: Any, dotted: str) -> tuple[Any, Any]:
    parts: list[Any] = [int(p) if p.isdigit() else p for p in dotted.split(".")]
    for part in parts[:-1]:
        data = data[part]
    return data, parts[-1]


def mutate(edits: list[dict[str, Any]]) -> bytes:
    """The sample project with some fields set to hostile values, as YAML bytes."""
    data = sample_data()
    for edit in edits:
        if "set" in edit:
            parent, key = _walk(data, edit["set"])
            parent[key] = edit["value"]
        elif "copy" in edit:
            src_parent, src_key = _walk(data, edit["copy"])
            parent, key = _walk(data, edit["to"])
            parent[key] = src_parent[src_key]
    return dump_yaml(data).encode("utf-8")


def alias_bomb() -> bytes:
    lines = [
        "name: bomb",
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def long_name() -> bytes:
    return f"name: {'K' * 5000}\n".encode()


def deep_nesting() -> bytes:
    return ("name: x\ndescription: " + "[" * 5000 + "]" * 5000 + "\n").encode()


def nesting_of_100() -> bytes:
    return ("name: x\ndescription: " + "[" * 100 + "]" * 100 + "\n").encode()


def huge_file() -> bytes:
    line = "# " + "x" * 1021 + "\n"
    return b"name: big\n" + (line * (65 * 1024)).encode()


def many_personas() -> bytes:
    personas = "".join(
        f"  - {{id: p{i}, name: Persona {i}, goals: [g1, g2]}}\n" for i in range(3000)
    )
    return f"name: Many personas\npersonas:\n{personas}".encode()


def bom_sample() -> bytes:
    return b"\xef\xbb\xbf" + SAMPLE_PROJECT.read_bytes()


def latin1() -> bytes:
    return "name: Kafe\ndescription: plain\nscope: caf\u00e9 na rogu, na\u00efve\n".encode(
        "latin-1"
    )


def utf16() -> bytes:
    return "name: x\n".encode("utf-16")


def binary() -> bytes:
    return bytes(range(256)) * 8


GENERATORS: dict[str, Callable[[], bytes]] = {
    f.__name__: f
    for f in (
        alias_bomb,
        long_name,
        deep_nesting,
        nesting_of_100,
        huge_file,
        many_personas,
        bom_sample,
        latin1,
        utf16,
        binary,
    )
}


def case_bytes(case: dict[str, Any]) -> bytes:
    if "text" in case:
        return case["text"].encode("utf-8")
    if "generate" in case:
        return GENERATORS[case["generate"]]()
    return mutate(case["mutate"])


@pytest.mark.parametrize("case", params("project_files.yaml"))
def test_project_file(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / f"{case['id']}.cjm.yaml"
    raw = case_bytes(case)
    path.write_bytes(raw)
    expect = case["expect"]

    code, output = run_cli(["validate", str(path)])
    assert code == expect["exit"], output
    assert_words(output, expect["words"], {"file": str(path)})

    error = expect.get("error")
    if error is None:
        load_project(path)
    else:
        with pytest.raises(getattr(errors, error)) as info:
            load_project(path)
        assert str(path) in str(info.value)
    assert snapshot(tmp_path) == {path.name: raw}, "validating must not write anything"


def test_project_file_corpus_is_large_enough() -> None:
    assert len(load_cases("project_files.yaml")) >= 50


# --- command lines --------------------------------------------------------------------


def _setup(case: dict[str, Any], work: Path) -> None:
    for item in case.get("setup", []):
        if "dir" in item:
            (work / item["dir"]).mkdir(parents=True)
        elif "sample" in item:
            (work / item["sample"]).write_bytes(SAMPLE_PROJECT.read_bytes())
        elif "fifo" in item:
            os.mkfifo(work / item["fifo"])
        elif "symlink" in item:
            link = work / item["symlink"]
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(item["to"].replace("{work}", str(work)))
        else:
            target = work / item["file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(
                item["text"].encode(item.get("encoding", "utf-8")) * item.get("repeat", 1)
            )


def _check_cli(
    case: dict[str, Any], tmp: Path, code: int, output: str, before: dict[str, bytes]
) -> None:
    expect = case["expect"]
    subs = {"tmp": str(tmp), "python": sys.executable}
    assert code == expect["exit"], output
    assert_words(output, expect["words"], subs)
    for pattern in expect.get("exists", []):
        assert Path(pattern.format(**subs)).is_file(), pattern
        if pattern.endswith(".cjm.yaml"):
            load_project(Path(pattern.format(**subs)))
    for pattern in expect.get("absent", []):
        assert not Path(pattern.format(**subs)).exists(), pattern
    for pattern in expect.get("fifo", []):
        assert stat.S_ISFIFO(Path(pattern.format(**subs)).lstat().st_mode), (
            f"{pattern} was replaced"
        )
    for pattern in expect.get("unchanged", []):
        path = Path(pattern.format(**subs))
        assert path.read_bytes() == before[str(path.relative_to(tmp))], pattern
    leftovers = [p for p in tmp.rglob("*.tmp")]
    assert not leftovers, f"temporary files left behind: {leftovers}"


def _expand(args: list[str], tmp: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp)).replace("{python}", sys.executable) for a in args]


@pytest.mark.parametrize("case", params("cli.yaml"))
def test_command_line(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _setup(case, work)
    before = snapshot(tmp_path)

    started: list[Any] = []
    monkeypatch.setattr(
        "cjm_helpers.commands.project.subprocess.call", lambda *a, **k: started.append(a) or 0
    )
    code, output = run_cli(_expand(case["args"], tmp_path), cwd=work)
    _check_cli(case, tmp_path, code, output, before)
    if case["expect"].get("no_server"):
        assert started == [], "JupyterLab must not start on a broken project"


@pytest.mark.parametrize("case", [p for p in params("cli.yaml") if p.values[0].get("subprocess")])
def test_command_line_as_a_program(case: dict[str, Any], tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _setup(case, work)
    before = snapshot(tmp_path)
    code, output = run_cli_subprocess(_expand(case["args"], tmp_path), work)
    _check_cli(case, tmp_path, code, output, before)


# --- form fields ----------------------------------------------------------------------------


def find_control(widget: Any, css_class: str) -> Any:
    """The first widget under ``widget`` carrying ``css_class``."""
    if css_class in getattr(widget, "_dom_classes", ()):
        return widget
    for child in getattr(widget, "children", ()):
        found = find_control(child, css_class)
        if found is not None:
            return found
    return None


def field_at(data: Any, dotted: str) -> Any:
    """The value at 'opportunities.0.id' in plain project data."""
    for part in dotted.split("."):
        data = data[int(part) if part.isdigit() else part]
    return data


def _typed_value(case: dict[str, Any]) -> str:
    if case.get("generate") == "long_text":
        return "K" * 5000
    return case["value"]


@pytest.mark.parametrize("case", params("forms.yaml"))
def test_form_field(case: dict[str, Any], sample_copy: Path) -> None:
    from cjm_helpers.forms import step_form
    from cjm_helpers.store import ProjectStore

    before = sample_copy.read_bytes()
    form = step_form(case["step"], ProjectStore(sample_copy))
    control = find_control(form.widget, case["field"])
    assert control is not None, f"no control {case['field']} in step {case['step']}"
    value = _typed_value(case)
    control.value = value
    form.save_button.click()
    expect = case["expect"]

    assert form.saved is expect["saved"], form.problems
    assert control.value == value, "the typed value stays in the field"
    if not expect["saved"]:
        assert_words("\n".join(form.problems), expect["words"], {})
        assert sample_copy.read_bytes() == before, "a refused save writes nothing"
        assert "cjm-form-status" in form.status._dom_classes and form.status.value
    else:
        data = project_to_data(load_project(sample_copy))
        assert field_at(data, expect["path"]) == expect.get("stored", value)
        for path, wanted in expect.get("also", {}).items():
            assert field_at(data, path) == wanted, path
        card = form._repr_mimebundle_()["text/html"]
        assert "<script" not in card and "<img" not in card
    assert not list(sample_copy.parent.glob("*.tmp"))


def test_segments_whose_names_look_alike_get_their_own_folders(tmp_path: Path) -> None:
    """Non-Latin or differently written segment names must not share (and overwrite) a run folder."""
    from cjm_helpers.run.batch import segment_variants
    from cjm_helpers.run.params import RunParams

    survey = tmp_path / "survey.csv"
    survey.write_text(
        "user_id,segment\nu1,学生\nu2,职员\nu3,Office workers\nu4,office-workers\n",
        encoding="utf-8",
    )
    variants = segment_variants(str(survey), "", tmp_path / "out", RunParams())
    folders = [v.folder for v in variants]
    assert len(set(folders)) == 4, folders
    for variant in variants:
        rows = (
            (tmp_path / "out" / variant.folder / "data" / "survey.csv")
            .read_text(encoding="utf-8")
            .splitlines()
        )
        assert rows[1].endswith(variant.key) and len(rows) == 2


# --- a notebook on a broken project ---------------------------------------------------------------


def test_notebook_on_a_broken_project_shows_the_message_not_a_traceback(tmp_path: Path) -> None:
    """The learner sees what is wrong and where; papermill and nbval still see a failed cell."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    broken = tmp_path / "broken.cjm.yaml"
    broken.write_text("name: Kopi\npersonas: [{id: 'Rina Baru', name: Rina}]\n", encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            f"from cjm_helpers.notebook import start_step\nstep = start_step(2, {str(broken)!r})"
        ),
        nbformat.v4.new_code_cell("1 / 0"),
    ]
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=120,
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    (ours,), (theirs,) = (cell.outputs for cell in nb.cells)
    assert ours["output_type"] == "error" and ours["ename"] == "ProjectInvalid"
    assert len(ours["traceback"]) == 1
    assert (
        str(broken) in ours["traceback"][0]
        and "personas[0].id: 'Rina Baru' is not a valid id" in ours["traceback"][0]
    )
    assert theirs["ename"] == "ZeroDivisionError" and len(theirs["traceback"]) > 1, (
        "other errors keep their traceback"
    )

    strict = NotebookClient(
        nbformat.v4.new_notebook(cells=nb.cells[:1]), kernel_name="python3", timeout=120
    )
    with pytest.raises(CellExecutionError, match="ProjectInvalid"):
        strict.execute()
