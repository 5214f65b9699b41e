"""Load and save times of a large project: 50 personas, 500 touchpoints, 10 journeys.

Run: .venv/bin/python benchmarks/bench_store.py
Target: a save under 50 ms.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from cjm_helpers.model import Journey, Note, PainPoint, Persona, Project, StageCell, Touchpoint
from cjm_helpers.store import ProjectStore, load_project, project_to_yaml, save_project
from cjm_helpers.yamlio import _string

STAGES = ["awareness", "consideration", "purchase", "retention", "advocacy"]


def large_project() -> Project:
    personas = [
        Persona(
            id=f"p{i}",
            name=f"Persona {i}",
            quote="Saya ingin cepat dan mudah",
            goals=[f"goal {k}" for k in range(5)],
            pains=[f"pain {k}" for k in range(5)],
            needs=[f"need {k}" for k in range(5)],
            preferred_channels=["App", "WhatsApp"],
        )
        for i in range(50)
    ]
    touchpoints = [
        Touchpoint(
            id=f"tp{i}",
            name=f"Touchpoint {i}",
            stage=STAGES[i % 5],
            channel="App",
            device="Mobile",
            owner_department="Digital",
            events=[f"event_{i}"],
        )
        for i in range(500)
    ]
    journeys = []
    for j in range(10):
        cells = {}
        for s, stage in enumerate(STAGES):
            cells[stage] = StageCell(
                actions=[Note(text=f"action {k} of {stage}") for k in range(6)],
                thoughts=[Note(text=f"thought {k}") for k in range(4)],
                touchpoints=[f"tp{s + 5 * k}" for k in range(20)],
                emotion=(s % 5) - 2,
                pain_points=[
                    PainPoint(id=f"pp-{j}-{stage}-{k}", text=f"pain {k}") for k in range(4)
                ],
                opportunities=[Note(text=f"opportunity {k}") for k in range(4)],
                internal_process=[Note(text=f"process {k}") for k in range(4)],
            )
        journeys.append(Journey(id=f"j{j}", name=f"Journey {j}", persona=f"p{j}", stages=cells))
    return Project(
        name="Large project", personas=personas, touchpoints=touchpoints, journeys=journeys
    )


def timed(fn, repeat: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    project = large_project()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.cjm.yaml"
        save_project(project, path)
        size_kb = path.stat().st_size / 1024
        store = ProjectStore(path)
        loaded = store.load()
        counter = iter(range(10_000))

        def save_changed() -> None:
            store.save(loaded.model_copy(update={"description": f"edit {next(counter)}"}))

        def save_cold() -> None:
            _string.cache_clear()
            save_changed()

        rows = [
            ("serialise to YAML", timed(lambda: project_to_yaml(project))),
            ("save, first in a session (cold string cache)", timed(save_cold)),
            ("save (validate, merge check, atomic write, history)", timed(save_changed)),
            ("load (parse, migrate, validate)", timed(lambda: load_project(path))),
        ]
    print(f"project file: {size_kb:.0f} KiB, 50 personas, 500 touchpoints, 10 journeys")
    for label, (median, worst) in rows:
        print(f"{label:55s} median {median:7.1f} ms   worst {worst:7.1f} ms")
    verdict = "meets" if rows[2][1][0] < 50 else "MISSES"
    print(f"save target < 50 ms: {verdict}")


if __name__ == "__main__":
    main()
