"""Where the fuzz tests record how many examples each property ran (kept as a CI artifact)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from filelock import FileLock

ARTIFACTS = Path(__file__).resolve().parent.parent / "ci-artifacts"


def record_examples(examples: Counter[str]) -> None:
    """Merge this module's counts into ci-artifacts/fuzz-examples.json and print them."""
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "fuzz-examples.json"
    with FileLock(ARTIFACTS / ".fuzz-examples.json.lock"):  # test workers write it side by side
        counts = json.loads(target.read_text()) if target.exists() else {}
        counts.update(examples)
        target.write_text(json.dumps(counts, indent=2, sort_keys=True), encoding="utf-8")
    print(f"fuzz examples run: {dict(examples)} (total {sum(examples.values())})")
