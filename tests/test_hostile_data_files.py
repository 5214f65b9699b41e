"""Hostile event logs, surveys and support tickets: each bad file gets a DataError naming it.

Cases live in ``tests/hostile/cases/data_files.yaml`` (wrong delimiters, BOMs, Latin-1 and
mixed encodings, unparsable and time-zone-mixed timestamps, negative, NaN and infinite
scores, ...); the runner shares its helpers with ``test_hostile_inputs.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_hostile_inputs import assert_words, binary, params

from cjm_helpers import errors
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import load_project


def regex_bomb_ticket() -> bytes:
    """A category that looks like a catastrophic regular expression, and a very long text."""
    return (
        "timestamp,channel,category,text\n2026-10-01 08:00:00,app,(((((a*)*)*)*)*,"
        + "a" * 5000
        + "!\n"
    ).encode()


def nul_filled() -> bytes:
    """A log whose bytes were zeroed (a damaged download or disk)."""
    return b"\0" * 4096 + b"\n" + b"\0" * 4096 + b"\n"


def huge_header_cell() -> bytes:
    """A header whose one cell is larger than Python's CSV field limit."""
    return b"user_id,timestamp," + b"e" * 200_000 + b"\nu1,2026-10-01 08:00:00,app_open\n"


def single_long_line() -> bytes:
    """Two megabytes without a line break: not a CSV header at all."""
    return b"user_id," * (2 * 2**20 // 8)


def corrupt_xlsx() -> bytes:
    """The start of a zip archive and then nothing: a download cut short."""
    return b"PK\x03\x04" + b"\x14\x00" * 20


def xlsx_bomb() -> bytes:
    """A workbook of 300 KB whose shared strings unpack to 300 MiB (one huge string)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/sharedStrings.xml", "a" * (300 << 20))
    return buffer.getvalue()


def survey_of_many_columns() -> bytes:
    """100 KB and 10,000 columns: reading time used to grow with the square of the column count."""
    names = ["respondent_id", "stage", "emotion", *(f"q{i}" for i in range(9997))]
    return (
        ",".join(names) + "\n" + ",".join(["r1", "awareness", "1", *["x"] * 9997]) + "\n"
    ).encode()


def survey_of_many_lines() -> bytes:
    return b"respondent_id,stage,emotion\n" + b"r,awareness,1\n" * 1_000_001


GENERATORS = {
    "regex_bomb_ticket": regex_bomb_ticket,
    "binary": binary,
    "nul_filled": nul_filled,
    "huge_header_cell": huge_header_cell,
    "single_long_line": single_long_line,
    "corrupt_xlsx": corrupt_xlsx,
    "xlsx_bomb": xlsx_bomb,
    "survey_of_many_columns": survey_of_many_columns,
    "survey_of_many_lines": survey_of_many_lines,
}


def data_bytes(case: dict[str, Any]) -> bytes:
    if "generate" in case:
        return GENERATORS[case["generate"]]()
    raw = case["text"].encode(case.get("encoding", "utf-8"))
    if "then" in case:
        raw += case["then"]["text"].encode(case["then"].get("encoding", "utf-8"))
    return raw


def load_data_file(loader: str, path: Path, kwargs: dict[str, Any]) -> int:
    """Load one data file with the sample project; the number of rows read."""
    project = load_project(SAMPLE_PROJECT)
    if loader == "events":
        from cjm_helpers.overlay.events import load_events

        return int(load_events(path, project, **kwargs).table.count().execute())
    if loader == "survey":
        from cjm_helpers.overlay.survey import load_survey

        return len(load_survey(path, project, **kwargs))
    from cjm_helpers.overlay.tickets import load_tickets

    return len(load_tickets(path, project, **kwargs))


@pytest.mark.parametrize("case", params("data_files.yaml"))
def test_data_file(case: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / f"{case['id']}{case.get('suffix', '.csv')}"
    raw = data_bytes(case)
    path.write_bytes(raw)
    expect = case["expect"]
    if "rows" in expect:
        assert load_data_file(case["loader"], path, case.get("kwargs", {})) == expect["rows"]
    else:
        with pytest.raises(errors.DataError) as info:
            load_data_file(case["loader"], path, case.get("kwargs", {}))
        assert_words(str(info.value), expect["words"], {"file": str(path)})
    assert path.read_bytes() == raw
