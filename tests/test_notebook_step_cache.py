"""A step notebook reads the project and its data files once, and again only when a file changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cjm_helpers import overlay
from cjm_helpers.notebook import Step
from cjm_helpers.paths import SAMPLE_PROJECT
from cjm_helpers.store import ProjectStore


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every read of a project file through the store, in order."""
    seen: list[Path] = []
    original = ProjectStore.load

    def counting(self: ProjectStore):  # type: ignore[no-untyped-def]
        seen.append(self.path)
        return original(self)

    monkeypatch.setattr(ProjectStore, "load", counting)
    return seen


def test_views_reuse_the_project_until_the_file_changes(
    sample_copy: Path, loads: list[Path]
) -> None:
    step = Step(number=4, project_path=sample_copy)
    step.overview()
    step.inventory()
    step.resources()
    step.empty_stages()
    assert len(loads) == 1


def test_a_save_through_the_store_is_read_again(sample_copy: Path, loads: list[Path]) -> None:
    step = Step(number=1, project_path=sample_copy)
    other = ProjectStore(sample_copy)  # another notebook's form saves
    changed = other.load().model_copy(update={"name": "Renamed by another notebook"})
    other.save(changed)
    assert step.reload().name == "Renamed by another notebook"
    step.reload()
    assert len(loads) == 3  # the step's first read, the other store's read, one read after the save


def test_an_edit_by_hand_of_the_same_size_is_read_again(sample_copy: Path) -> None:
    step = Step(number=1, project_path=sample_copy)
    name = step.project.name
    text = sample_copy.read_text(encoding="utf-8")
    swapped = name[::-1] if name[::-1] != name else name.upper()
    sample_copy.write_text(text.replace(f"name: {name}", f"name: {swapped}", 1), encoding="utf-8")
    assert step.reload().name == swapped


# the data views follow the files too ---------------------------------------------------------

SAMPLE_DATA = Path(SAMPLE_PROJECT).parent


def _rename_first_stage(path: Path, name: str) -> None:
    store = ProjectStore(path)
    project = store.load()
    stages = [project.stages[0].model_copy(update={"name": name}), *project.stages[1:]]
    store.save(project.model_copy(update={"stages": stages}))


def test_a_touchpoint_added_on_disk_matches_its_event_at_once(sample_copy: Path) -> None:
    step = Step(number=4, project_path=sample_copy, events_path=SAMPLE_DATA / "events.csv")
    assert "promo_code_error" in set(step.unmatched_events()["event"])
    store = ProjectStore(sample_copy)  # step 4's form, or another notebook, saves
    project = store.load()
    first = project.touchpoints[0]
    widened = first.model_copy(update={"events": [*first.events, "promo_code_error"]})
    store.save(project.model_copy(update={"touchpoints": [widened, *project.touchpoints[1:]]}))
    assert "promo_code_error" not in set(step.unmatched_events()["event"])


def test_data_tables_name_parts_as_the_file_now_says(sample_copy: Path) -> None:
    step = Step(number=7, project_path=sample_copy, events_path=SAMPLE_DATA / "events.csv")
    assert step.top_paths().iloc[0, 0].startswith("Awareness")
    _rename_first_stage(sample_copy, "Noticing us")
    assert step.top_paths().iloc[0, 0].startswith("Noticing us")


def test_the_event_log_is_read_once_for_every_view_and_again_after_a_change(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[Path] = []
    original = overlay.load_events

    def counting(path: Path, *args: Any, **kwargs: Any) -> Any:
        reads.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(overlay, "load_events", counting)
    step = Step(number=7, project_path=sample_copy, events_path=SAMPLE_DATA / "events.csv")
    for view in (step.funnel, step.gaps, step.data_kpis, step.attribution, step.visits):
        view()
    step.plot_funnel()
    assert len(reads) == 1
    _rename_first_stage(sample_copy, "Noticing us")  # the log is mapped with the project
    step.funnel()
    step.gaps()
    assert len(reads) == 2


def test_an_event_log_edited_on_disk_is_read_again(sample_copy: Path, tmp_path: Path) -> None:
    events = tmp_path / "events.csv"
    lines = (SAMPLE_DATA / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    events.write_text("".join(lines), encoding="utf-8")
    step = Step(number=7, project_path=sample_copy, events_path=events)
    before = int(step.funnel()["users_closed"].iloc[0])
    events.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    assert int(step.funnel()["users_closed"].iloc[0]) < before


def test_a_plot_draws_its_view_when_the_view_was_not_shown_first(sample_copy: Path) -> None:
    step = Step(number=7, project_path=sample_copy, events_path=SAMPLE_DATA / "events.csv")
    figure = step.plot_kpis()  # the view is data_kpis, the plot's cache name is "kpis"
    assert figure is not None and figure.axes


def test_a_view_asked_with_other_arguments_is_computed_for_them(sample_copy: Path) -> None:
    step = Step(
        number=7,
        project_path=sample_copy,
        events_path=SAMPLE_DATA / "events.csv",
        survey_path=SAMPLE_DATA / "survey.csv",
    )
    assert [len(step.top_paths(n=3)), len(step.top_paths(n=5))] == [3, 5]
    assert [len(step.switch_points("channel", 2)), len(step.switch_points("channel", 4))] == [2, 4]
    current, future = (j.id for j in step.project.journeys)
    stated = [step.emotion_curve(j)["stated"].tolist() for j in (current, future)]
    assert stated[0] != stated[1]  # each journey's stated feelings, not the first one asked
