"""The model's suggestions in the service: offered with each query, said why in words, recorded with
each decision (shown, agreed), counted as the annotators' agreement with the model this round."""

from __future__ import annotations

from service_helpers import FakeClock, FixedQueries, ListPool, MemoryStore

from active_labeling.service.reservations import Reservations
from active_labeling.service.service import LabelingService
from active_labeling.service.settings import Category, ServiceSettings
from active_labeling.service.suggestions import percent
from active_labeling.storage.base import Queries

CATS = (Category("cat"), Category("dog"), Category("bird"))


def queries_with_guesses(generation=1):
    """i3: the model hesitates; i5: an exploration pick it is sure of; i8: old queries, no columns."""
    queries = FixedQueries(["i3", "i5", "i8"], [0.93, 0.03, 0.5], generation)
    queries.queries.prelabels = {"i3": "cat", "i5": "dog"}
    queries.queries.reasons = {"i3": {"probabilities": {"cat": 0.476, "dog": 0.41, "bird": 0.114},
                                      "explore": False},
                               "i5": {"probabilities": {"dog": 0.97, "cat": 0.02}, "explore": True}}
    return queries


def service_for(queries=None, show=True, store=None, multi_label=False):
    settings = ServiceSettings(kind="tabular", categories=CATS, columns=("text",), seed=3,
                               show_suggestions=show, multi_label=multi_label)
    return LabelingService(ListPool(10), store or MemoryStore(), Reservations(":memory:", clock=FakeClock()),
                           settings, queries, refresh_seconds=0)


def by_id(batch):
    return {item["id"]: item for item in batch["items"]}


def test_each_query_comes_with_the_models_guess_and_why_in_words():
    items = by_id(service_for(queries_with_guesses()).batch("alice", 4))
    assert items["i3"]["suggestion"] == "cat"
    assert items["i3"]["why"]["text"] == "The model hesitates between cat (48%) and dog (41%)"
    assert items["i3"]["why"]["title"] == "Rank 1 of the queries, score 0.9300"  # the raw score: a tooltip
    assert items["i5"]["suggestion"] == "dog"
    assert items["i5"]["why"]["text"] == "The model is sure: dog (97%); shown to check it"
    # Queries written before the suggestions: no guess, still a reason in words.
    assert items["i8"]["suggestion"] is None
    assert items["i8"]["why"]["text"] == "Chosen by the model: one of the items it is least sure of"
    other = next(i for i in items if i not in ("i3", "i5", "i8"))
    assert items[other]["why"]["text"] == "Random order: not among the model's queries"


def test_without_queries_the_order_is_said_random():
    item = service_for().batch("alice", 1)["items"][0]
    assert item["suggestion"] is None and item["why"]["text"] == "Random order: no model yet"
    # Active learning before the model's first round: no queries yet, the same words.
    before = service_for(FixedQueries([], generation=0)).batch("alice", 1)["items"][0]
    assert before["why"]["text"] == "Random order: no model yet"


def test_hidden_suggestions_name_no_category_anywhere():
    service = service_for(queries_with_guesses(), show=False)
    assert service.config("alice")["suggestions"] is False
    items = by_id(service.batch("alice", 4))
    for item in items.values():
        assert item["suggestion"] is None
        assert not {"cat", "dog", "bird"} & set(item["why"]["text"].replace("(", " ").split())
    assert items["i3"]["why"]["text"] == "The model is unsure about this item"
    assert items["i5"]["why"]["text"] == "Picked at random, to check the model"
    service.label("alice", "i3", "cat")
    decision = service.store.decisions[-1]
    assert decision.suggestion is None and decision.agreed is None  # nothing was shown


def test_each_decision_records_the_suggestion_shown_and_whether_the_label_agreed():
    store = MemoryStore()
    service = service_for(queries_with_guesses(), store=store)
    service.batch("alice", 4)
    service.label("alice", "i3", "cat")        # accepted
    answer = service.label("alice", "i5", "cat")  # overridden
    service.skip("alice", "i8")                # no suggestion there
    accepted, overridden, skipped = store.decisions
    assert (accepted.suggestion, accepted.agreed) == ("cat", True)
    assert (overridden.suggestion, overridden.agreed) == ("dog", False)
    assert (skipped.suggestion, skipped.agreed) == (None, None)
    assert answer["stats"]["model_agreement"] == {"checked": 2, "agreed": 1, "rate": 0.5}
    assert answer["generation"] == 1


def test_the_agreement_counts_the_current_round_only_and_survives_a_restart():
    queries = queries_with_guesses()
    store = MemoryStore()
    service = service_for(queries, store=store)
    service.batch("alice", 4)
    service.label("alice", "i3", "cat")
    service.label("alice", "i3", "dog")  # a change: the latest decision counts
    assert service.stats_for("alice")["model_agreement"]["agreed"] == 0
    restarted = service_for(queries, store=store)
    assert restarted.stats_for("alice")["model_agreement"] == {"checked": 1, "agreed": 0, "rate": 0.0}
    # A new round: the labeled items are not among its queries, its count starts again.
    queries.queries = Queries(2, ["i1", "i2"], [0.9, 0.8], {"i1": "bird"})
    assert restarted.batch("alice", 1)["items"][0]["suggestion"] == "bird"
    answer = restarted.label("alice", "i1", "bird")
    assert answer["generation"] == 2
    assert answer["stats"]["model_agreement"] == {"checked": 1, "agreed": 1, "rate": 1.0}


def test_multi_label_suggestions_are_lists_and_agree_only_when_equal():
    queries = FixedQueries(["i1", "i2"], [0.9, 0.8])
    queries.queries.prelabels = {"i1": "cat", "i2": '["cat", "dog"]'}
    store = MemoryStore()
    service = service_for(queries, store=store, multi_label=True)
    items = by_id(service.batch("alice", 2))
    assert items["i1"]["suggestion"] == ["cat"] and items["i2"]["suggestion"] == ["cat", "dog"]
    service.label("alice", "i1", ["cat"])
    service.label("alice", "i2", ["cat"])
    assert [d.agreed for d in store.decisions] == [True, False]


def test_percentages_never_round_to_certainty():
    assert [percent(p) for p in (0.476, 0.9996, 0.0004, 1.0, 0.0)] == ["48%", ">99%", "<1%", "100%", "0%"]


def test_a_label_answer_tells_the_page_of_a_new_round_without_waiting_for_a_batch():
    queries = queries_with_guesses()
    service = service_for(queries)
    service.batch("alice", 2)
    queries.queries = Queries(2, ["i6"], [0.9])
    assert service.label("alice", "i3", "cat")["generation"] == 2
    assert service.batch("alice", 1)["items"][0]["id"] == "i6"


def test_categories_named_with_digits_are_suggested_from_a_csv_queries_file(tmp_path):
    import sqlite3

    import pandas as pd

    from active_labeling.local.queries import FileQueriesSource
    from active_labeling.local.schema import TABLES

    queries = tmp_path / "queries.csv"
    pd.DataFrame({"name": ["a", "b", "c"], "score": [0.9, 0.8, 0.7], "prediction": ["1", "0", None]}).to_csv(
        queries, index=False)
    db = sqlite3.connect(":memory:")
    db.execute(TABLES["queries_state"])

    class Rows:
        def ids_for_rows(self, rows):
            return rows["name"].tolist()

    loaded = FileQueriesSource(queries, db, "prediction").load(Rows())
    assert loaded.prelabels == {"a": "1", "b": "0"}  # read back as numbers by pandas, offered as names
