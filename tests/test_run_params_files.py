"""RunParams.with_files: a copy naming data files, the rest kept or changed as asked."""

from __future__ import annotations

import pytest

from cjm_helpers.run.params import RunParams


def test_named_files_replace_and_the_others_stay() -> None:
    params = RunParams(events_file="/a/events.csv", tickets_file="/a/tickets.csv", jobs=2)
    copy = params.with_files({"survey_file": "/b/survey.csv"}, withheld={"events_file": "why"})
    assert copy.survey_file == "/b/survey.csv"
    assert copy.events_file == "/a/events.csv" and copy.tickets_file == "/a/tickets.csv"
    assert copy.withheld == {"events_file": "why"} and copy.jobs == 2
    assert params.survey_file == ""  # the original is left as it was


def test_a_key_that_is_not_a_data_file_is_refused() -> None:
    with pytest.raises(KeyError, match="language"):
        RunParams().with_files({"language": "pl"})
