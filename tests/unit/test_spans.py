"""The spans task's parts: tokenization rule, IOB tags, the task's hooks, the tagger, the serving order."""

from __future__ import annotations

import json

import numpy as np
import pytest

from active_labeling.analysis.span_corpus import make_span_corpus
from active_labeling.cli import main
from active_labeling.learning.span_tagger import SpanTagger, entity_f1
from active_labeling.sampling.span_order import serving_order, varied_order
from active_labeling.tasks import LabelContext, LabelError, task_of
from active_labeling.tasks.tokens import iob_tags, spans_of_tags, tokenize

SPANS = task_of("spans")


def _words(text):
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize("text, words", [
    ("Ana Lopez, 2024!", ["Ana", "Lopez", ",", "2024", "!"]),
    ("don't stop", ["don", "'", "t", "stop"]),
    ("שלום, עולם\u200f!", ["שלום", ",", "עולם", "!"]),                  # a right-to-left mark is no token
    ("Jose\u0301 e\u0308", ["Jose\u0301", "e\u0308"]),                 # combining marks stay in the word
    ("👩‍💻 and 👍🏽 in 🇫🇷🇩🇪", ["👩‍💻", "and", "👍🏽", "in", "🇫🇷", "🇩🇪"]),   # ZWJ, skin tone, flags
    ("🏖️ beach", ["🏖️", "beach"]),                                      # a variation selector stays
    ("می\u200cخواهم", ["می\u200cخواهم"]),                               # a Persian zero-width non-joiner
    ("a\tb\nc\u00a0d", ["a", "b", "c", "d"]),
    ("", []),
])
def test_tokens_follow_the_documented_rule(text, words):
    assert _words(text) == words


def test_iob_tags_and_back():
    text = "Ana Lopez joined Kalo Bank."
    spans = [{"start": 0, "end": 9, "category": "PER"}, {"start": 17, "end": 26, "category": "ORG"}]
    tokens = tokenize(text)
    tags = iob_tags(tokens, spans)
    assert tags == ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O"]
    assert [(s["start"], s["end"], s["text"]) for s in spans_of_tags(text, tokens, tags)] == [
        (0, 9, "Ana Lopez"), (17, 26, "Kalo Bank")]
    # Nested spans: IOB has one tag per token, the longest span gives them.
    nested = [{"start": 0, "end": 26, "category": "ORG"}, {"start": 0, "end": 3, "category": "PER"}]
    assert iob_tags(tokens, nested) == ["B-ORG"] + ["I-ORG"] * 4 + ["O"]


def test_the_task_stores_spans_by_start_and_counts_one_category_per_span():
    text = "Ana met Bo in Rome"
    context = LabelContext(frozenset({"PER", "LOC"}), "x", item_text=lambda: text)
    label = [{"start": 14, "end": 18, "text": "Rome", "category": "LOC"},
             {"start": 0, "end": 3, "text": "Ana", "category": "PER"}]
    stored = SPANS.check(label, context)
    assert [s["start"] for s in stored] == [0, 14]
    assert SPANS.decode(SPANS.encode(stored)) == stored
    assert SPANS.decode("not json") == "not json"   # kept as it is: nothing is lost
    assert list(SPANS.categories_of(stored)) == ["PER", "LOC"]
    assert SPANS.check([], context) == []            # nothing to mark
    with pytest.raises(LabelError, match="spans are only for texts"):
        SPANS.check(label, LabelContext(frozenset({"PER", "LOC"})))


def test_agreement_is_the_f1_of_exactly_matching_spans():
    a = [{"start": 0, "end": 3, "category": "PER"}, {"start": 5, "end": 9, "category": "LOC"}]
    b = [{"start": 0, "end": 3, "category": "PER"}, {"start": 5, "end": 9, "category": "ORG"}]
    assert SPANS.agreement(a, a) == 1.0 and SPANS.agreement([], []) == 1.0
    assert SPANS.agreement(a, b) == 0.5 and SPANS.agreement(a, []) == 0.0


def test_uncertainty_of_a_tagger_and_of_another_models_spans():
    assert SPANS.uncertainty({"path_probability": 1.0, "tokens": 5}) == 0.0
    # Length-normalized: 0.5 over 1 token is as doubtful as 0.25 over 2.
    assert SPANS.uncertainty({"path_probability": 0.5, "tokens": 1}) == pytest.approx(0.5)
    assert SPANS.uncertainty({"path_probability": 0.25, "tokens": 2}) == pytest.approx(0.5)
    assert SPANS.uncertainty({"path_probability": 0.0, "tokens": 0}) == 0.0
    weak = json.dumps([{"start": 0, "end": 3, "category": "PER", "confidence": 0.2}])
    assert SPANS.uncertainty(weak) == pytest.approx(0.8) and SPANS.uncertainty("[]") == 0.5
    with pytest.raises(ValueError):
        SPANS.uncertainty({"tokens": 3})


def test_suggestions_keep_known_categories_and_confidences():
    raw = json.dumps([{"start": 4, "end": 7, "text": "Bo", "category": "PER", "confidence": 0.91234},
                      {"start": 0, "end": 3, "category": "CITY"}])
    assert SPANS.suggestion(raw, frozenset({"PER"})) == [
        {"start": 4, "end": 7, "text": "Bo", "category": "PER", "confidence": 0.9123}]
    assert SPANS.suggestion("nonsense", frozenset({"PER"})) is None
    assert SPANS.suggestion("[]", frozenset({"PER"})) is None


def test_the_tagger_learns_generated_entities_and_doubts_what_it_has_not_seen():
    corpus = make_span_corpus(700, seed=2)
    train, test = corpus[:400], corpus[400:]
    tagger = SpanTagger().fit([c["text"] for c in train], [c["spans"] for c in train])
    predicted = tagger.spans([c["text"] for c in test])
    assert entity_f1([c["spans"] for c in test], predicted) > 0.9
    assert all(c["text"][s["start"]:s["end"]] == s["text"] for c, p in zip(test, predicted) for s in p)
    known, odd = tagger.predict(["Nothing new to report.", "Zørbl qwx 77 ;; ?! Vrrk"])
    assert known.spans == [] and odd.uncertainty > known.uncertainty
    spans = [s for p in tagger.predict([c["text"] for c in test[:50]]) for s in p.spans]
    assert spans and all(0 < s["confidence"] <= 1 for s in spans)
    with pytest.raises(ValueError, match="none of the labeled texts has a span"):
        SpanTagger().fit(["a b"], [[]])


def test_entity_f1_counts_exact_offsets_and_category():
    truth = [[{"start": 0, "end": 3, "category": "PER"}], []]
    assert entity_f1(truth, truth) == 1.0
    assert entity_f1(truth, [[{"start": 0, "end": 4, "category": "PER"}], []]) == 0.0
    assert entity_f1(truth, [[{"start": 0, "end": 3, "category": "PER"}],
                             [{"start": 0, "end": 1, "category": "LOC"}]]) == pytest.approx(2 / 3)


def test_the_serving_order_puts_near_copies_of_a_text_just_taken_later():
    texts = ["Flights to Wes Bay are delayed again.", "Flights to Kor Bay are delayed again.",
             "Ask Ana or Bo about the Tri account.", "Thanks for your help!"]
    assert varied_order(texts, [0.9, 0.8, 0.7, 0.1], 4) == [0, 2, 3, 1]
    assert varied_order(texts, [0.9, 0.8, 0.7, 0.1], 2) == [0, 2]


def test_every_fourth_text_served_is_drawn_at_random_from_the_less_uncertain_ones():
    texts = [f"text number {k} " + "word " * k for k in range(100)]
    scores = [1.0 - k / 100 for k in range(100)]  # text 0 is the most uncertain
    order = serving_order(texts, scores, 20, np.random.default_rng(3))
    uncertain = [order[k] for k in range(20) if (k + 1) % 4]
    drawn = [order[k] for k in range(20) if (k + 1) % 4 == 0]
    assert uncertain == varied_order(texts, scores, 15)  # the 15 most uncertain, in their order
    assert len(drawn) == 5 and not set(drawn) & set(uncertain)
    assert max(drawn) > 40  # drawn from the whole rest, not the next most uncertain
    assert serving_order(texts, scores, 20, np.random.default_rng(3)) == order  # seeded: the same again
    assert serving_order(texts, scores, 20, np.random.default_rng(4)) != order
    everything = serving_order(texts, scores, 100, np.random.default_rng(3))
    assert sorted(everything) == list(range(100))  # all the candidates kept, once each
    unmixed = serving_order(texts, scores, 20, np.random.default_rng(3), explore=0)
    assert unmixed == varied_order(texts, scores, 20)
    with pytest.raises(ValueError, match="explore should be a share from 0 to 0.5"):
        serving_order(texts, scores, 20, np.random.default_rng(3), explore=0.9)


def test_simulate_spans_compares_uncertainty_and_random_by_entity_f1(tmp_path, capsys):
    assert main(["simulate", "--task", "spans", "--data", "builtin:entities", "--budget", "40",
                 "--batch-size", "10", "--repetitions", "1", "--out", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "mean entity-level F1 on held-out texts" in out and "uncertainty" in out and "random" in out
    summary = json.loads((tmp_path / "span_summary.json").read_text())
    assert sorted(summary) == ["20", "30", "40"] and all(0 <= v <= 1 for row in summary.values()
                                                          for v in row.values())


def test_simulate_spans_reads_a_table_and_says_what_is_wrong(tmp_path, capsys):
    import pandas as pd

    corpus = make_span_corpus(120, seed=4)
    gold = pd.DataFrame({"text": [c["text"] for c in corpus],
                         "spans": [json.dumps(c["spans"]) for c in corpus]})
    gold.to_csv(tmp_path / "gold.csv", index=False)
    assert main(["simulate", "--task", "spans", "--data", str(tmp_path / "gold.csv"), "--text-column", "text",
                 "--target", "spans", "--budget", "30", "--repetitions", "1", "--out", str(tmp_path / "o"),
                 "--quiet"]) == 0
    assert main(["simulate", "--task", "spans", "--data", str(tmp_path / "gold.csv"), "--text-column", "body",
                 "--target", "spans", "--out", str(tmp_path / "o")]) == 2
    assert "has no column 'body' (columns: text, spans)" in capsys.readouterr().err
