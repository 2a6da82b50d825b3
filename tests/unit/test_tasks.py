"""The annotation tasks registry: each task's checks, stored text, counts and hooks."""

from __future__ import annotations

import json

import pytest

from active_labeling.tasks import TASKS, LabelContext, LabelError, default_task, task_of
from active_labeling.tasks.boxes import NO_BOX_SCORE, DetectionFormatError, parse_detections

CATS = frozenset({"cat", "dog"})


def context(size=(640, 480)):
    return LabelContext(CATS, "/a.png", image_size=lambda: size)


def test_registry_names_the_tasks_and_refuses_an_unknown_one():
    assert list(TASKS) == ["category", "categories", "boxes", "spans"]
    with pytest.raises(ValueError,
                       match="unknown task 'ner': expected one of category, categories, boxes, spans"):
        task_of("ner")


def test_default_task_follows_the_multi_label_switch_and_refuses_a_contradiction():
    assert default_task(None, False) == "category"
    assert default_task(None, True) == "categories"
    assert default_task("boxes", False) == "boxes"
    with pytest.raises(ValueError, match="multi-label switch is for the categories task, not 'boxes'"):
        default_task("boxes", True)


def test_boxes_apply_to_images_only_and_have_their_own_webapp():
    boxes = task_of("boxes")
    assert boxes.applies_to("image") and not boxes.applies_to("text")
    assert boxes.webapp("image") == "image-object-labeling"
    assert task_of("category").webapp("image") is None and task_of("category").applies_to("sound")


@pytest.mark.parametrize("name, label, text", [
    ("category", "cat", "cat"),
    ("categories", ["dog", "cat"], '["dog", "cat"]'),
    ("boxes", [{"bbox": [1, 2, 30, 40], "category": "cat"}], '[{"bbox": [1, 2, 30, 40], "category": "cat"}]'),
    ("boxes", [], "[]"),
])
def test_stored_text_round_trips(name, label, text):
    task = task_of(name)
    assert task.encode(label) == text
    assert task.decode(text) == label


def test_decoding_keeps_hand_written_texts():
    assert task_of("categories").decode("cat") == ["cat"]
    assert task_of("boxes").decode("not boxes") == "not boxes"  # kept as it is, nothing lost


def test_categories_counted_per_choice_and_per_box():
    assert list(task_of("category").categories_of("cat")) == ["cat"]
    assert list(task_of("categories").categories_of(["cat", "dog"])) == ["cat", "dog"]
    boxes = [{"bbox": [0, 0, 1, 1], "category": "cat"}, {"bbox": [2, 2, 1, 1], "category": "cat"}]
    assert list(task_of("boxes").categories_of(boxes)) == ["cat", "cat"]
    assert list(task_of("boxes").categories_of([])) == []


def test_boxes_check_keeps_good_boxes_tidy():
    given = [{"bbox": [0, 0.5, 639.999, 10.0], "category": "dog", "extra": 1}]
    boxes = task_of("boxes").check(given, context())
    assert boxes == [{"bbox": [0, 0.5, 640, 10], "category": "dog"}]
    assert task_of("boxes").check([], context()) == []   # no object in the image


@pytest.mark.parametrize("label, says", [
    ("cat", "label should be a list of boxes"),
    ([{"bbox": [600, 10, 100, 50], "category": "cat"}],
     "box 1 [600, 10, 100, 50] goes outside the image, which is 640×480 pixels"),
    ([{"bbox": [-1, 10, 10, 10], "category": "cat"}], "goes outside the image"),
    ([{"bbox": [0, 0, 10, 10], "category": "cat"}, {"bbox": [0, 400, 10, 81], "category": "dog"}],
     "box 2 [0, 400, 10, 81] goes outside"),
    ([{"bbox": [50, 50, -20, 10], "category": "cat"}], "box 1 has a width of -20"),
    ([{"bbox": [50, 50, 20, 0], "category": "cat"}], "box 1 has a height of 0"),
    ([{"bbox": [1, 2, 3, 4], "category": "bird"}],
     "box 1: unknown category 'bird'; categories are ['cat', 'dog']"),
    ([{"bbox": [1, "2", 3, 4], "category": "cat"}], "box 1: bbox should be 4 numbers [x, y, width, height]"),
    ([{"bbox": [1, 2, 3, float("nan")], "category": "cat"}], "bbox should be 4 numbers"),
    ([{"bbox": [1, 2, 3, True], "category": "cat"}], "bbox should be 4 numbers"),
    ([{"bbox": [1, 2, 3], "category": "cat"}], "bbox should be 4 numbers"),
    ([{"category": "cat"}], "box 1 is"),
    (["cat"], "box 1 is"),
])
def test_boxes_check_says_what_is_wrong_and_what_to_send(label, says):
    with pytest.raises(LabelError) as raised:
        task_of("boxes").check(label, context())
    message = str(raised.value)
    assert says in message
    # ... and what to do: the expected form, the limits or the categories.
    assert any(hint in message for hint in ("[x, y, width, height]", "x + width ≤ 640", "above 0",
                                            "categories are"))


def test_boxes_are_checked_against_the_size_the_page_shows():
    rotated = LabelContext(CATS, "/r.jpg", image_size=lambda: (480, 640))  # EXIF turned a quarter
    assert task_of("boxes").check([{"bbox": [0, 600, 480, 40], "category": "cat"}], rotated)
    with pytest.raises(LabelError, match="480×640"):
        task_of("boxes").check([{"bbox": [0, 0, 600, 40], "category": "cat"}], rotated)


def test_an_unreadable_image_refuses_boxes_with_what_to_do():
    def unreadable():
        raise OSError("no such file")
    with pytest.raises(LabelError, match="could not be read .*skip this item"):
        task_of("boxes").check([{"bbox": [0, 0, 1, 1], "category": "cat"}],
                               LabelContext(CATS, "/x", unreadable))


def test_agreement_hooks():
    assert task_of("category").agreement("cat", "cat") == 1.0
    assert task_of("category").agreement("cat", "dog") == 0
    assert task_of("categories").agreement(["cat", "dog"], ["cat"]) == 0.5
    boxes = task_of("boxes")
    a = [{"bbox": [0, 0, 100, 100], "category": "cat"}, {"bbox": [200, 200, 50, 50], "category": "dog"}]
    near = [{"bbox": [5, 5, 100, 100], "category": "cat"}]
    assert boxes.agreement(a, a) == 1.0
    assert boxes.agreement(a, near) == pytest.approx(2 / 3)      # one of two boxes matched
    assert boxes.agreement(a, [{"bbox": [5, 5, 100, 100], "category": "dog"}]) == 0.0  # another class
    assert boxes.agreement([], []) == 1.0


def test_uncertainty_of_detections_puts_weak_boxes_first():
    boxes = task_of("boxes")
    weak = json.dumps([{"bbox": [0, 0, 5, 5], "category": "cat", "confidence": 0.3},
                       {"bbox": [9, 9, 5, 5], "category": "dog", "confidence": 0.5}])
    sure = [{"bbox": [0, 0, 5, 5], "category": "cat", "confidence": 0.99}]
    assert boxes.uncertainty(weak) == pytest.approx(0.6)
    assert boxes.uncertainty(sure) == pytest.approx(0.01)
    assert boxes.uncertainty("[]") == boxes.uncertainty(None) == NO_BOX_SCORE
    assert boxes.uncertainty([{"bbox": [0, 0, 5, 5], "category": "cat", "score": 0.8}]) == pytest.approx(0.2)
    with pytest.raises(DetectionFormatError):
        boxes.uncertainty("[{\"box\": 1}]")
    assert task_of("category").uncertainty({"a": 0.7, "b": 0.3}) == pytest.approx(0.3)
    assert task_of("categories").uncertainty({"a": 0.5, "b": 1.0}) == pytest.approx(0.5)


def test_suggestions_keep_known_categories_with_their_confidence():
    raw = json.dumps([{"bbox": [1, 2, 3, 4], "category": "cat", "confidence": 0.87654},
                      {"bbox": [1, 2, 3, 4], "category": "bird", "confidence": 0.9},
                      {"bbox": [1, 2, 0, 4], "category": "dog", "confidence": 0.9}])
    assert task_of("boxes").suggestion(raw, CATS) == [{"bbox": [1, 2, 3, 4], "category": "cat",
                                                       "confidence": 0.8765}]
    assert task_of("boxes").suggestion("not json", CATS) is None
    assert task_of("boxes").suggestion("[]", CATS) is None


def test_parse_detections_reads_dss_scoring_cells():
    cell = '[{"bbox": [10.5, 20, 30, 40], "category": "cat", "confidence": 0.91}]'
    (found,) = parse_detections(cell)
    assert found.bbox == (10.5, 20.0, 30.0, 40.0) and found.category == "cat" and found.confidence == 0.91
    assert parse_detections("") == parse_detections(float("nan")) == []
    with pytest.raises(DetectionFormatError, match="not JSON"):
        parse_detections("{oops")
