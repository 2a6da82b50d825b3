"""Settings of the labeling webapps as a DSS user fills them in, with errors naming the field."""

from __future__ import annotations

import pytest

from active_labeling.dss.webapp_config import parse_image_config, parse_sound_config, parse_tabular_config
from active_labeling.params import ParamError

BASE = {"categories": [{"from": "cat", "to": "Cats"}, {"from": "dog", "to": ""}],
        "labels_dataset": "labels", "metadata_dataset": "labels_metadata"}


def test_defaults_of_a_minimal_tabular_config():
    config = parse_tabular_config(dict(BASE, input_dataset="rows"))
    assert config.source == "rows"
    assert config.categories == (("cat", "Cats"), ("dog", ""))
    assert config.hotkeys == ("1", "2")
    assert (config.label_column, config.reservation_seconds, config.annotators_per_item) == ("label", 600, 1)
    assert config.columns == () and config.id_column is None
    assert config.active_learning is False


def test_older_dss_dict_categories_and_chosen_hotkeys():
    config = parse_image_config(dict(BASE, input_folder="photos", categories={"cat": "Cats", "dog": "Dogs",
                                                                             "bird": ""},
                                     hotkeys={"dog": "D"}, queries_dataset="queries", max_side=512))
    assert [name for name, _ in config.categories] == ["cat", "dog", "bird"]
    assert config.hotkeys == ("1", "d", "2")
    assert config.active_learning and config.max_side == 512


@pytest.mark.parametrize("change, words", [
    ({"categories": []}, "'Categories'"),
    ({"hotkeys": [{"from": "cat", "to": "s"}]}, "'Hotkeys'"),
    ({"hotkeys": [{"from": "fish", "to": "f"}]}, "not one of the 'Categories'"),
    ({"hotkeys": [{"from": "cat", "to": "f"}, {"from": "dog", "to": "F"}]}, "two categories"),
    ({"labels_dataset": "labels_metadata"}, "two different datasets"),
    ({"metadata_dataset": "clips"}, "must not be the input"),
    ({"reservation_seconds": 0}, "'Reservation time (seconds)'"),
    ({"annotators_per_item": "many"}, "'Annotators per item'"),
    ({"input_folder": ""}, "'Files to label'"),
])
def test_bad_settings_name_the_field(change, words):
    with pytest.raises(ParamError) as error:
        parse_sound_config({**BASE, "input_folder": "clips", **change})
    assert words in str(error.value)
    assert str(error.value).startswith("Sound labeling webapp")


def test_label_column_must_not_be_a_shown_column():
    with pytest.raises(ParamError, match="'Label column'"):
        parse_tabular_config(dict(BASE, input_dataset="rows", columns=["text", "label"]))
