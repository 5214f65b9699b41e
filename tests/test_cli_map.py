"""`cjm map`, `cjm map-import` and `cjm diff` from the command line, on the sample project."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from cjm_helpers.cli import main
from cjm_helpers.mapping.export import FORMATS
from cjm_helpers.model import Touchpoint
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project, save_project

MAGIC = {
    "png": b"\x89PNG",
    "pdf": b"%PDF",
    "xlsx": b"PK",
    "svg": b"<?xml",
    "html": b"<!DOCTYPE html>",
    "json": b"{",
    "mermaid": b"journey\n",
    "csv": b"\xef\xbb\xbf",
    "wide-csv": b"\xef\xbb\xbf",
}


def test_cjm_map_writes_every_format_of_the_sample(tmp_path, capsys):
    for fmt in FORMATS:
        out = tmp_path / f"map-{fmt}.out"
        assert (
            main(["map", str(SAMPLE_PROJECT), "--format", fmt, "--out", str(out), "--dpi", "40"])
            == 0
        )
        assert out.read_bytes().startswith(MAGIC[fmt]), fmt
    printed = capsys.readouterr().out
    assert printed.count("wrote ") == len(FORMATS)


def test_format_follows_the_file_name_and_the_language(tmp_path, capsys):
    assert (
        main(
            [
                "map",
                str(SAMPLE_PROJECT),
                "--journey",
                "rina-future",
                "--out",
                str(tmp_path / "m.json"),
            ]
        )
        == 0
    )
    assert (
        json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))["journey"]["id"]
        == "rina-future"
    )
    assert (
        main(["map", str(SAMPLE_PROJECT), "--lang", "pl", "--out", str(tmp_path / "m.html")]) == 0
    )
    doc = BeautifulSoup((tmp_path / "m.html").read_text(encoding="utf-8"), "html.parser")
    assert doc.html["lang"] == "pl" and "Punkty styku" in doc.get_text()
    assert "zapisano" in capsys.readouterr().out


def test_bad_requests_are_messages_not_tracebacks(tmp_path, capsys):
    assert main(["map", str(SAMPLE_PROJECT), "--out", str(tmp_path / "m.txt")]) == 1
    assert (
        main(["map", str(SAMPLE_PROJECT), "--journey", "nope", "--out", str(tmp_path / "m.png")])
        == 1
    )
    assert main(["map", str(tmp_path / "missing.yaml"), "--out", str(tmp_path / "m.png")]) == 1
    err = capsys.readouterr().err
    assert (
        "cannot tell the format" in err
        and "no journey with id 'nope'" in err
        and "no such file" in err
    )
    assert "Traceback" not in err


def test_compare_view_from_the_command_line(tmp_path):
    assert main(["map", str(SAMPLE_PROJECT), "--compare", "--out", str(tmp_path / "c.html")]) == 0
    doc = BeautifulSoup((tmp_path / "c.html").read_text(encoding="utf-8"), "html.parser")
    assert len(doc.select(".cjmmap-sub")) == 2 * len(load_project(SAMPLE_PROJECT).stages)


def test_map_import_round_trips_our_wide_export(tmp_path, capsys):
    project = tmp_path / "p.cjm.yaml"
    shutil.copyfile(SAMPLE_PROJECT, project)
    wide = tmp_path / "rina.wide.csv"
    assert main(["map", str(project), "--out", str(wide)]) == 0
    assert (
        main(["map-import", str(wide), "--project", str(project), "--journey-id", "rina-current"])
        == 0
    )
    assert load_project(project) == load_project(SAMPLE_PROJECT)
    assert (
        main(
            [
                "map-import",
                str(wide),
                "--project",
                str(project),
                "--journey-id",
                "copy",
                "--name",
                "Copy of the map",
            ]
        )
        == 0
    )
    again = load_project(project)
    assert again.journey("copy").name == "Copy of the map"
    assert "imported" in capsys.readouterr().out


def test_map_import_reports_the_cell_of_a_bad_file(tmp_path, capsys):
    project = tmp_path / "p.cjm.yaml"
    shutil.copyfile(SAMPLE_PROJECT, project)
    bad = tmp_path / "bad.csv"
    bad.write_text("Lane,Awareness,Purchase\nActions,a,b\nEmotions,1,awful\n", encoding="utf-8")
    before = project.read_bytes()
    assert main(["map-import", str(bad), "--project", str(project)]) == 1
    assert f"{bad}, row 3, column C" in capsys.readouterr().err
    assert project.read_bytes() == before  # nothing saved


def second_version(path: Path) -> None:
    """The sample after a round of changes: a new touchpoint, a better purchase, a solved queue."""
    p = load_project(SAMPLE_PROJECT)
    journey = p.journey("rina-current")
    p.touchpoints.append(
        Touchpoint(
            id="tp-pickup-shelf",
            name="App-order pick-up shelf",
            stage="purchase",
            channel="Outlet",
            evidence="observed",
        )
    )
    journey.stages["purchase"].touchpoints.append("tp-pickup-shelf")
    journey.stages["purchase"].emotion = -1
    cell = journey.stages["purchase"]
    cell.pain_points = [pp for pp in cell.pain_points if pp.id != "pp-pickup-queue"]
    for o in p.opportunities:
        if o.id == "opp-pickup-shelf":
            o.status = "done"
            o.pain_points = [x for x in o.pain_points if x != "pp-pickup-queue"]
    for k in p.kpis:
        if k.id == "kpi-pickup-wait":
            k.current = 3.4
    save_project(p, path)


def test_cjm_diff_lists_the_changes_between_two_versions(tmp_path, capsys):
    new = tmp_path / "v2.cjm.yaml"
    second_version(new)
    page = tmp_path / "diff.html"
    assert (
        main(["diff", str(SAMPLE_PROJECT), str(new), "--html", str(page), "--today", "2026-11-23"])
        == 0
    )
    out = capsys.readouterr().out
    assert "Changes from" in out and ": 5\n" in out.splitlines()[0] + "\n"
    assert "+ touchpoint added: App-order pick-up shelf (Purchase, Outlet)" in out
    assert "Purchase: emotion −2 → −1 (better)" in out
    assert "✓ resolved: App orders wait behind walk-in orders at the counter" in out
    assert "App-order pick-up shelf with an arrival-aware queue: planned → done" in out
    assert "Pick-up wait at peak: current value 6.5 → 3.4 min (closer to the target)" in out
    assert "next review on 15 Feb 2027, in 84 days" in out
    rows = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("tbody tr")
    assert len(rows) == 5


def test_cjm_diff_says_when_the_review_is_overdue(tmp_path, capsys):
    assert (
        main(
            [
                "diff",
                str(SAMPLE_PROJECT),
                str(SAMPLE_PROJECT),
                "--today",
                "2027-03-01",
                "--lang",
                "id",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Tidak ada perubahan" in out and "terlambat" in out and "14 hari lalu" in out


def test_cjm_diff_with_one_file_compares_with_its_history(tmp_path, capsys):
    path = tmp_path / "p.cjm.yaml"
    save_project(load_project(SAMPLE_PROJECT), path)
    assert main(["diff", str(path)]) == 1
    assert "no earlier saved version" in capsys.readouterr().err
    second_version(tmp_path / "v2.cjm.yaml")
    save_project(load_project(tmp_path / "v2.cjm.yaml"), path)
    assert main(["diff", str(path), "--today", "2026-11-23"]) == 0
    assert "touchpoint added: App-order pick-up shelf" in capsys.readouterr().out
