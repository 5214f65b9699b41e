"""Three-way merge rules, on plain data."""

from cjm_helpers.merge import three_way_merge


def test_changes_on_one_side_are_kept() -> None:
    base = {"a": 1, "b": 1}
    assert three_way_merge(base, {"a": 2, "b": 1}, {"a": 1, "b": 3}) == ({"a": 2, "b": 3}, [])


def test_same_change_on_both_sides_is_no_conflict() -> None:
    assert three_way_merge({"a": 1}, {"a": 2}, {"a": 2}) == ({"a": 2}, [])


def test_items_with_ids_merge_one_by_one() -> None:
    base = {"xs": [{"id": "a", "v": 1}, {"id": "b", "v": 1}]}
    mine = {"xs": [{"id": "a", "v": 2}, {"id": "b", "v": 1}, {"id": "c", "v": 1}]}
    theirs = {"xs": [{"id": "b", "v": 5}]}
    merged, conflicts = three_way_merge(base, mine, theirs)
    assert conflicts == ["xs[id=a]: removed in one session and changed in the other"]
    assert merged["xs"][1:] == [{"id": "b", "v": 5}, {"id": "c", "v": 1}]


def test_removal_of_untouched_item_is_kept() -> None:
    base = {"xs": [{"id": "a"}, {"id": "b"}]}
    merged, conflicts = three_way_merge(
        base, {"xs": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}, {"xs": [{"id": "b"}]}
    )
    assert (merged, conflicts) == ({"xs": [{"id": "b"}, {"id": "c"}]}, [])


def test_different_values_conflict_with_path() -> None:
    merged, conflicts = three_way_merge({"o": {"q": "x"}}, {"o": {"q": "y"}}, {"o": {"q": "z"}})
    assert conflicts == ["o.q: changed in both sessions"]
    assert merged == {"o": {"q": "y"}}


def test_new_key_on_one_side_and_removed_key_on_other() -> None:
    merged, conflicts = three_way_merge({"a": 1, "b": 2}, {"a": 1, "b": 2, "c": 3}, {"a": 1})
    assert (merged, conflicts) == ({"a": 1, "c": 3}, [])
