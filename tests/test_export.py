"""Trainer export: offline pages, hidden code, hidden set-up cells, widget cards, navigation."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from cjm_helpers.errors import CJMError
from cjm_helpers.export import (
    export_notebooks,
    external_references,
    is_external,
    static_outputs,
    strip_external,
)

WIDGET = "application/vnd.jupyter.widget-view+json"
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


class OfflineScan(HTMLParser):
    """An independent scanner: every src/href-like attribute, and url()/@import in styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.code_blocks = 0
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in {
                "src",
                "href",
                "xlink:href",
                "action",
                "poster",
                "data",
                "background",
                "formaction",
            }:
                self.refs.append(value)
            elif name == "srcset":
                self.refs.extend(p.split()[0] for p in value.split(",") if p.strip())
            elif name == "style":
                self._css(value)
            if name == "class" and any(
                c in value.split()
                for c in ("jp-InputArea-editor", "jp-CodeMirrorEditor", "cm-editor")
            ):
                self.code_blocks += 1
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self._css(data)

    def _css(self, css: str) -> None:
        self.refs.extend(
            m.group(2) for m in re.finditer(r"url\(\s*(['\"]?)(.*?)\1\s*\)", css, re.I | re.S)
        )
        self.refs.extend(m.group(2) for m in re.finditer(r"@import\s+(['\"])(.*?)\1", css, re.I))


def rel_links(page: str) -> dict[str, set[str]]:
    """{rel: {href, ...}} of the page's <a rel=...> links."""
    found: dict[str, set[str]] = {}

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "a" and a.get("rel"):
                found.setdefault(a["rel"], set()).add(a.get("href"))

    Links().feed(page)
    return found


def scan(page: str) -> OfflineScan:
    s = OfflineScan()
    s.feed(page)
    s.close()
    return s


def external(refs: list[str]) -> list[str]:
    return [r for r in refs if re.match(r"^\s*(https?:|ftp:|file:|//|wss?:)", r, re.I)]


def _params_cell() -> nbformat.NotebookNode:
    return new_code_cell(
        'project_file: str = ""\nlanguage: str = "en"  # PARAMS-MARKER',
        metadata={"tags": ["parameters"]},
    )


def make_notebooks(folder: Path) -> list[Path]:
    """Three executed-looking notebooks with hostile outputs and markdown."""
    folder.mkdir(parents=True, exist_ok=True)
    widget_with_card = new_output(
        "display_data",
        data={
            WIDGET: {"model_id": "abc", "version_major": 2, "version_minor": 0},
            "text/html": "<div class='cjm-card'>FILLED-CARD Rina</div>",
            "text/plain": "VBox(children=...)",
        },
    )
    bare_widget = new_output(
        "display_data", data={WIDGET: {"model_id": "def"}, "text/plain": "DEAD-WIDGET-REPR"}
    )
    hostile_html = new_output(
        "display_data",
        data={
            "text/html": (
                '<script src="https://cdn.example.com/lib.js"></script>'
                '<link rel="stylesheet" href="//fonts.example.com/css">'
                '<style>@import url("https://fonts.example.com/a.css"); @import "http://x.example/b.css";'
                ".x{background:url(https://img.example.com/bg.png)}</style>"
                '<img srcset="https://img.example.com/a.png 1x, local.png 2x">'
                "<div style=\"background-image:url('http://img.example.com/c.png')\">STYLED</div>"
                '<svg><image xlink:href="https://img.example.com/i.png"/></svg>'
            )
        },
    )
    png = new_output("display_data", data={"image/png": PNG_1PX, "text/plain": "<Figure>"})
    js = new_output(
        "display_data", data={"application/javascript": "fetch('https://evil.example')"}
    )
    specs = [
        (
            "01_objectives",
            "Set clear objectives",
            [
                new_markdown_cell(
                    "# Set clear *objectives*\n\nWhy the map exists.\n\n## The business question\n\n"
                    "See [the article](https://example.org/cjm) and ![a picture](https://example.org/p.png)."
                ),
                _params_cell(),
                new_code_cell(
                    "step = start_step(1)  # SETUP-MARKER", metadata={"tags": ["cjm-setup"]}
                ),
                new_code_cell(
                    "form = step.form()  # FORM-CODE-MARKER",
                    outputs=[widget_with_card, bare_widget],
                ),
            ],
        ),
        (
            "02_personas",
            "Profile personas",
            [
                new_markdown_cell("# Profile personas\n\n## Cards"),
                _params_cell(),
                new_code_cell("show(html)  # HOSTILE-CODE-MARKER", outputs=[hostile_html, js]),
            ],
        ),
        (
            "03_targets",
            "Target personas",
            [
                new_markdown_cell("# Target personas"),
                new_code_cell("fig  # PLOT-CODE-MARKER", outputs=[png]),
            ],
        ),
    ]
    paths = []
    for name, _, cells in specs:
        nb = new_notebook(
            cells=cells, metadata={"widgets": {"application/vnd.jupyter.widget-state+json": {}}}
        )
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("export")
    make_notebooks(root / "nbs")
    export_notebooks(root / "nbs", root / "with_code", no_input=False, lang="en")
    export_notebooks(root / "nbs", root / "no_code", no_input=True, lang="id")
    return {"with_code": root / "with_code", "no_code": root / "no_code"}


def test_every_page_is_written_with_an_index(exported):
    for folder in exported.values():
        names = sorted(p.name for p in folder.glob("*.html"))
        assert names == ["01_objectives.html", "02_personas.html", "03_targets.html", "index.html"]


def test_no_page_refers_to_another_host(exported):
    for folder in exported.values():
        for page in folder.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            found = scan(text)
            assert external(found.refs) == [], (page.name, external(found.refs))
            assert external_references(text) == []
            for host in (
                "cdn.example.com",
                "fonts.example.com",
                "img.example.com",
                "cdnjs",
                "unpkg",
                "jsdelivr",
                "require.js",
                "mathjax",
            ):
                assert host not in text.lower(), (page.name, host)


def test_the_hostile_page_really_had_references_to_strip(tmp_path):
    # The scanner must be able to fail: the raw output it is guarding against is caught.
    raw = (
        '<img src="https://a.example/x.png"><style>@import "http://b.example/c.css";'
        "p{background:url(//c.example/d.png)}</style><a href='#local'>x</a>"
    )
    assert len(external(scan(raw).refs)) == 3
    assert external(scan(strip_external(raw)).refs) == []
    assert "#local" in strip_external(raw)
    refresh = '<meta http-equiv="refresh" content="0; url=https://x.example/">'
    assert external_references(refresh) == ["https://x.example/"]
    assert external_references(strip_external(refresh)) == []


def test_no_input_leaves_no_code(exported):
    for page in exported["no_code"].glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert scan(text).code_blocks == 0, page.name
        for marker in ("FORM-CODE-MARKER", "HOSTILE-CODE-MARKER", "PLOT-CODE-MARKER", "start_step"):
            assert marker not in text, (page.name, marker)


def test_code_is_shown_without_no_input(exported):
    text = (exported["with_code"] / "01_objectives.html").read_text(encoding="utf-8")
    assert scan(text).code_blocks > 0
    assert "FORM-CODE-MARKER" in text


def test_parameters_and_setup_cells_are_always_hidden(exported):
    for folder in exported.values():
        for page in folder.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert "PARAMS-MARKER" not in text and "SETUP-MARKER" not in text, page.name


def test_widgets_become_their_filled_in_card(exported):
    text = (exported["with_code"] / "01_objectives.html").read_text(encoding="utf-8")
    assert "FILLED-CARD Rina" in text
    assert "DEAD-WIDGET-REPR" not in text
    assert WIDGET not in text
    assert "widget-state" not in text


def test_images_stay_inline_and_scripts_from_outputs_go(exported):
    text = (exported["with_code"] / "03_targets.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," + PNG_1PX[:20] in text
    personas = (exported["with_code"] / "02_personas.html").read_text(encoding="utf-8")
    assert "evil.example" not in personas
    assert "STYLED" in personas


def test_navigation_links_previous_and_next_and_contents(exported):
    text = (exported["no_code"] / "02_personas.html").read_text(encoding="utf-8")
    assert rel_links(text) == {"prev": {"01_objectives.html"}, "next": {"03_targets.html"}}
    assert "Sebelumnya" in text and "Berikutnya" in text and "Daftar isi" in text  # --lang id
    first = (exported["with_code"] / "01_objectives.html").read_text(encoding="utf-8")
    assert set(rel_links(first)) == {"next"}
    assert "Set clear objectives" in first  # the title from the H1, markdown marks removed
    assert 'class="cjm-page-toc"' in first and "The business question" in first
    last = (exported["with_code"] / "03_targets.html").read_text(encoding="utf-8")
    assert set(rel_links(last)) == {"prev"}
    index = (exported["with_code"] / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{n}.html"' in index for n in ("01_objectives", "02_personas", "03_targets"))


def test_print_styles_are_included(exported):
    text = (exported["with_code"] / "01_objectives.html").read_text(encoding="utf-8")
    assert "@media print" in text and ".cjm-nav" in text


def test_static_outputs_keeps_order_and_drops_dead_widgets():
    outputs = [
        new_output("stream", name="stdout", text="hello"),
        new_output("display_data", data={WIDGET: {}, "text/plain": "VBox()"}),
        new_output(
            "display_data", data={WIDGET: {}, "text/html": "<p>card</p>", "text/plain": "x"}
        ),
    ]
    kept = static_outputs(outputs)
    assert [o.get("output_type") for o in kept] == ["stream", "display_data"]
    assert set(kept[1]["data"]) == {"text/html", "text/plain"}
    assert WIDGET in outputs[2]["data"]  # the notebook itself is not changed


@pytest.mark.parametrize(
    ("url", "outside"),
    [
        ("https://x.org/a.png", True),
        ("//x.org/a", True),
        ("HTTP://X", True),
        ("file:///etc/passwd", True),
        ("data:image/png;base64,AA", False),
        ("#top", False),
        ("02_next.html", False),
        ("mailto:a@b.c", False),
        ("&#104;ttps://x.org", True),
    ],
)
def test_is_external(url, outside):
    assert is_external(url) is outside


def test_cli_export(tmp_path):
    make_notebooks(tmp_path / "nbs")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "cjm_helpers.cli",
            "export",
            str(tmp_path / "nbs"),
            "--out",
            str(tmp_path / "site"),
            "--no-input",
            "--lang",
            "pl",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "index.html" in done.stdout
    page = (tmp_path / "site" / "02_personas.html").read_text(encoding="utf-8")
    assert "Poprzedni" in page and "HOSTILE-CODE-MARKER" not in page
    missing = subprocess.run(
        [
            sys.executable,
            "-m",
            "cjm_helpers.cli",
            "export",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 1 and "no such notebooks folder" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_export_accepts_the_folder_cjm_run_wrote(tmp_path):
    """`cjm run --out DIR` leaves DIR/notebooks/, DIR/html/ and report.html: DIR itself is enough."""
    run = tmp_path / "run"
    make_notebooks(run / "notebooks")
    (run / "report.html").write_text("<html></html>", encoding="utf-8")
    written = export_notebooks(run, tmp_path / "site", lang="en")
    assert [p.name for p in written] == [
        "01_objectives.html",
        "02_personas.html",
        "03_targets.html",
        "index.html",
    ]
    from cjm_helpers.cli import main

    assert main(["export", str(run), "--out", str(tmp_path / "cli"), "--lang", "pl"]) == 0
    assert (tmp_path / "cli" / "02_personas.html").is_file()


def _form_notebook(folder: Path) -> Path:
    """A chapter whose form cell shows the sample's answers, as a headless run leaves it."""
    card = (
        "<div class='cjm-form-card cjm-form-step2'><h4>Step 2 · Persona profiles</h4>"
        "<div class='cjm-cards'><div class='cjm-card'><h4>Personas: Rina SOLUTION-NAME</h4>"
        "<dl><dt>Name</dt><dd>Rina SOLUTION-NAME</dd><dt>Goals</dt><dd><ul><li>SOLUTION-GOAL</li>"
        "</ul></dd></dl></div></div></div>"
    )
    form = new_output(
        "display_data",
        data={WIDGET: {"model_id": "f"}, "text/html": card, "text/plain": "form"},
    )
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Profile personas\n\nSome text.\n\n## Set-up"),
            new_code_cell("step = start_step(2)", metadata={"tags": ["cjm-setup"]}),
            new_markdown_cell("## Fill in the form"),
            new_code_cell("step.form(interactive=interactive)", outputs=[form]),
        ]
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "02_profile_personas.ipynb"
    nbformat.write(nb, path)
    return path


def test_trainer_edition_shows_the_solutions_and_the_learner_edition_blank_forms(tmp_path):
    from cjm_helpers.i18n import t

    _form_notebook(tmp_path / "nbs")
    trainer = export_notebooks(tmp_path / "nbs", tmp_path / "trainer", edition="trainer")[0]
    learner = export_notebooks(
        tmp_path / "nbs", tmp_path / "learner", edition="learner", lang="pl"
    )[0]
    solved = trainer.read_text(encoding="utf-8")
    blank = learner.read_text(encoding="utf-8")
    assert "SOLUTION-NAME" in solved and "SOLUTION-GOAL" in solved
    assert "SOLUTION-NAME" not in blank and "SOLUTION-GOAL" not in blank
    assert (
        len(re.findall(r"cjm-blank[\"']", blank)) >= 3 and "<dt>Goals</dt>" in blank
    )  # labels stay
    assert t("export.edition.trainer", "en") in solved
    assert t("export.edition.learner", "pl") in blank
    with pytest.raises(CJMError, match="teacher"):
        export_notebooks(tmp_path / "nbs", tmp_path / "x", edition="teacher")
    from cjm_helpers.cli import main

    out = tmp_path / "cli"
    assert main(["export", str(tmp_path / "nbs"), "--out", str(out), "--edition", "learner"]) == 0
    assert "SOLUTION-NAME" not in (out / "02_profile_personas.html").read_text(encoding="utf-8")


def test_a_heading_left_empty_by_hidden_cells_is_dropped(tmp_path):
    _form_notebook(tmp_path / "nbs")
    page = export_notebooks(tmp_path / "nbs", tmp_path / "site")[0].read_text(encoding="utf-8")
    assert "Set-up" not in page and "Fill in the form" in page and "Some text." in page
