"""Small stand-in notebooks for run tests: a real parameters cell, a few quick cells."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMETERS = (
    'project_file: str = ""  # the project\n'
    'events_file: str = ""  # event log\n'
    'survey_file: str = ""  # survey\n'
    'tickets_file: str = ""  # tickets\n'
    'language: str = "en"  # en, id or pl\n'
    "interactive: bool = True  # forms wait for input\n"
    'persona: str = ""  # batch runs only\n'
    'segment: str = ""  # batch runs only\n'
    'journey_id: str = ""  # batch runs only'
)


def fake_notebook(folder: Path, name: str, title: str, body: list[str]) -> Path:
    """Write ``folder/name.ipynb``: a title, the parameters cell, a set-up cell, then ``body`` cells."""
    folder.mkdir(parents=True, exist_ok=True)
    cells = [
        new_markdown_cell(f"# {title}\n\nWhat this step does.\n\n## Results"),
        new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
        new_code_cell("import json, pathlib  # SETUP-CELL", metadata={"tags": ["cjm-setup"]}),
        *[new_code_cell(source) for source in body],
    ]
    nb = new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


REPORT_PARAMETERS = (
    "print(json.dumps({'language': language, 'interactive': interactive, 'project_file': project_file,"
    " 'events_file': events_file, 'persona': persona, 'segment': segment}))"
)
