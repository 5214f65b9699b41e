"""A step notebook reads the project file once, and again only when the file changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from cjm_helpers.notebook import Step
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
