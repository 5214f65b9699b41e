"""Test-session set-up shared by the unit tests and the nbval notebook tests.

Every notebook kernel and every test sees a private workspace and a fresh copy
of the sample project, so nothing a learner saved can leak into a test, and no
test can touch the learner's own files.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

_workspace = Path(tempfile.mkdtemp(prefix="cjm-tests-"))
atexit.register(shutil.rmtree, _workspace, ignore_errors=True)
os.environ["CJM_HOME"] = str(_workspace)
os.environ.pop("MPLBACKEND", None)

import pytest  # noqa: E402

from cjm_helpers.paths import NOTEBOOKS_DIR, SAMPLE_REFERENCE_DATE, TODAY_ENV, create_project  # noqa: E402

os.environ.setdefault(TODAY_ENV, SAMPLE_REFERENCE_DATE)  # review dates read alike on every day

os.environ["CJM_PROJECT"] = _ENGLISH_SAMPLE = str(create_project(_workspace / "sample", "sample"))
_samples: dict[str, str] = {}


def _sample_in(lang: str) -> str:
    """A fresh copy of the sample written in ``lang``, made once per session."""
    if lang not in _samples:
        _samples[lang] = str(create_project(_workspace / f"sample-{lang}", "sample", lang=lang))
    return _samples[lang]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A translated notebook (notebooks/<lang>/) runs on its language's sample, as `cjm notebooks refresh` ran it."""
    path = Path(str(item.path))
    translated = path.suffix == ".ipynb" and path.parent.parent == NOTEBOOKS_DIR
    os.environ["CJM_PROJECT"] = _sample_in(path.parent.name) if translated else _ENGLISH_SAMPLE
