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

from cjm_helpers.paths import SAMPLE_REFERENCE_DATE, TODAY_ENV, create_project  # noqa: E402

os.environ.setdefault(TODAY_ENV, SAMPLE_REFERENCE_DATE)  # review dates read alike on every day

os.environ["CJM_PROJECT"] = str(create_project(_workspace / "sample", "sample"))
