"""Spans on local texts: serve --kind text --task spans over HTTP, pre-annotations, exports, tagger loop."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from local_helpers import Api, running

from active_labeling.analysis.span_corpus import make_span_corpus
from active_labeling.cli import main
from active_labeling.local.app import LocalSetup

# Right-to-left, emoji (two UTF-16 units each), combining characters: Python offsets count code points.
TEXTS = ["Ana Lopez joined Kalo Bank in Paris.",
         "שלום דנה כהן מתל אביב",
         "Zoé 👩‍💻 met Jose\u0301 at 🇫🇷 Lyon!",
         "Nothing to see here."]


def _spans(text, *parts):
    """Spans of ``(substring, category)`` pairs, found in order in ``text``."""
    out, at = [], 0
    for part, category in parts:
        start = text.index(part, at)
        out.append({"start": start, "end": start + len(part), "text": part, "category": category})
        at = start + len(part)
    return out


@pytest.fixture
def texts(tmp_path):
    path = tmp_path / "texts.csv"
    pd.DataFrame({"id": ["en", "he", "emoji", "none"], "body": TEXTS}).to_csv(path, index=False)
    return path


def setup_for(tmp_path, texts, **extra):
    return LocalSetup(kind="text", data=texts, categories=["PER", "ORG", "LOC"], workspace=tmp_path / "ws",
                      annotator="alice", task="spans", id_column="id", text_column="body", **extra)


def _item(api, item_id):
    _, batch = api.get("/api/batch?size=10")
    return next(i for i in batch["items"] if i["id"] == item_id)


def test_spans_are_checked_stored_counted_and_exported_as_spacy_and_conll(tmp_path, texts):
    emoji = _spans(TEXTS[2], ("Zoé", "PER"), ("Jose\u0301", "PER"), ("Lyon", "LOC"))
    assert emoji[1]["start"] == 12 and emoji[2]["start"] == 24   # code points, not UTF-16 units (14, 28)
    english = _spans(TEXTS[0], ("Ana Lopez", "PER"), ("Kalo Bank", "ORG"), ("Paris", "LOC"))
    hebrew = _spans(TEXTS[1], ("דנה כהן", "PER"), ("תל אביב", "LOC"))
    with running(setup_for(tmp_path, texts)) as (local, port):
        api = Api(port)
        _, config = api.get("/api/config")
        assert (config["task"], config["kind"], config["overlapping_spans"]) == ("spans", "text", False)
        api.get("/api/batch?size=10")
        # Sent in any order, stored by start.
        for item_id, label in (("en", english[::-1]), ("he", hebrew), ("emoji", emoji), ("none", [])):
            status, answer = api.post("/api/label", {"id": item_id, "label": label})
            assert status == 200, answer
        _, entry = api.get("/api/history")
        assert entry["entry"]["label"] == []
        stored = dict(local.workspace.db.execute("SELECT item_id, label FROM labels"))
        assert json.loads(stored["en"]) == english and json.loads(stored["emoji"]) == emoji
        for item_id, text in zip(("en", "he", "emoji"), TEXTS):
            assert all(text[s["start"]:s["end"]] == s["text"] for s in json.loads(stored[item_id]))
        _, stats = api.get("/api/stats")
        assert stats["per_category"] == {"PER": 4, "ORG": 1, "LOC": 3}   # one count per span
        folder = local.workspace.folder
    out = tmp_path / "out"
    assert main(["export", "--workspace", str(folder), "--out", str(out)]) == 0
    labels = pd.read_csv(out / "labels.csv", keep_default_na=False)
    assert json.loads(dict(zip(labels["id"], labels["label"]))["he"]) == hebrew

    assert main(["export", "--workspace", str(folder), "--out", str(out), "--format", "spacy"]) == 0
    lines = [json.loads(line) for line in (out / "spans.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {line["meta"]["item_id"]: line for line in lines}
    assert by_id["emoji"]["text"] == TEXTS[2] and by_id["none"]["spans"] == []
    assert by_id["emoji"]["spans"] == [{"start": s["start"], "end": s["end"], "label": s["category"]}
                                       for s in emoji]

    assert main(["export", "--workspace", str(folder), "--out", str(out), "--format", "conll"]) == 0
    blocks = (out / "spans.conll").read_text(encoding="utf-8").strip("\n").split("\n\n")
    conll = {block.splitlines()[0]: [line.split("\t") for line in block.splitlines()[1:]] for block in blocks}
    assert conll["# item_id = en"] == [
        ["Ana", "B-PER"], ["Lopez", "I-PER"], ["joined", "O"], ["Kalo", "B-ORG"], ["Bank", "I-ORG"],
        ["in", "O"], ["Paris", "B-LOC"], [".", "O"]]
    assert conll["# item_id = emoji"] == [
        ["Zoé", "B-PER"], ["👩‍💻", "O"], ["met", "O"], ["Jose\u0301", "B-PER"], ["at", "O"], ["🇫🇷", "O"],
        ["Lyon", "B-LOC"], ["!", "O"]]
    assert conll["# item_id = he"][:3] == [["שלום", "O"], ["דנה", "B-PER"], ["כהן", "I-PER"]]


SPAN = {"start": 0, "end": 9, "text": "Ana Lopez", "category": "PER"}


@pytest.mark.parametrize("label, says", [
    ([{"start": 30, "end": 40, "text": "Paris.", "category": "LOC"}],
     "span 1 (30-40) goes outside the text, which has 36 characters: keep 0 ≤ start < end ≤ 36"),
    ([{"start": 9, "end": 0, "text": "", "category": "PER"}], "span 1: start 9 is not before end 0"),
    ([SPAN, {"start": 4, "end": 16, "text": "Lopez joined", "category": "ORG"}],
     "spans 0-9 'Ana Lopez' and 4-16 'Lopez joined' overlap, and this webapp's spans don't"),
    ([{"start": 0, "end": 9, "text": "Ana López", "category": "PER"}],
     'span 1: text "Ana López" is not what the offsets 0-9 hold in the item\'s text ("Ana Lopez")'),
    ([SPAN, {"start": 30, "end": 35, "text": "Paris", "category": "CITY"}],
     "span 2: unknown category 'CITY'; categories are ['LOC', 'ORG', 'PER']"),
    ([{"start": "0", "end": 9, "text": "Ana Lopez", "category": "PER"}],
     "span 1: start and end should be whole numbers"),
    ([{"start": 0, "end": 9, "category": "PER"}], "label should be a list of spans"),
    ("PER", "label should be a list of spans"),
])
def test_bad_spans_are_a_400_that_says_what_to_send_and_nothing_is_written(tmp_path, texts, label, says):
    with running(setup_for(tmp_path, texts)) as (local, port):
        api = Api(port)
        api.get("/api/batch?size=10")
        status, answer = api.post("/api/label", {"id": "en", "label": label})
        assert status == 400 and says in answer["error"], answer
        assert local.workspace.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 0
        assert api.get("/api/history")[1]["entry"] is None


def test_overlapping_spans_are_taken_when_the_switch_allows_them(tmp_path, texts):
    nested = [SPAN, {"start": 4, "end": 9, "text": "Lopez", "category": "ORG"}]
    with running(setup_for(tmp_path, texts, overlapping_spans=True)) as (local, port):
        api = Api(port)
        assert api.get("/api/config")[1]["overlapping_spans"] is True
        api.get("/api/batch?size=10")
        assert api.post("/api/label", {"id": "en", "label": nested})[0] == 200
        twice = api.post("/api/label", {"id": "he", "label": [
            {"start": 5, "end": 8, "text": "דנה", "category": "PER"}] * 2})
        assert twice[0] == 400 and "marked 'PER' twice: send it once" in twice[1]["error"]


def test_queries_bring_pre_annotations_that_the_page_draws(tmp_path, texts):
    suggested = [dict(SPAN, confidence=0.42), {"start": 30, "end": 35, "text": "Paris", "category": "CITY"}]
    pd.DataFrame({"id": ["en", "none"], "rank": [1, 2],
                  "prediction": [json.dumps(suggested), "[]"]}).to_csv(tmp_path / "q.csv", index=False)
    with running(setup_for(tmp_path, texts, queries=tmp_path / "q.csv")) as (_, port):
        api = Api(port)
        _, batch = api.get("/api/batch?size=10")
        assert [i["id"] for i in batch["items"][:2]] == ["en", "none"]
        # Unknown categories are left out; the confidence comes along for the page to show.
        assert batch["items"][0]["suggestion"] == [dict(SPAN, confidence=0.42)]
        assert batch["items"][1]["suggestion"] is None


@pytest.mark.parametrize("extra, says", [
    (["--task", "spans", "--kind", "image"], "--task spans is for --kind text, not --kind image"),
    (["--task", "category", "--overlapping-spans"], "--overlapping-spans is for --task spans"),
    (["--task", "spans", "--retrain-every", "5", "--model", "m.pkl"], "--task spans retrains its own token"),
])
def test_serve_refuses_spans_options_that_do_not_fit(tmp_path, texts, capsys, monkeypatch, extra, says):
    monkeypatch.chdir(tmp_path)
    import pickle

    from sklearn.linear_model import LogisticRegression
    (tmp_path / "m.pkl").write_bytes(pickle.dumps(LogisticRegression()))
    (tmp_path / "images").mkdir()
    data = str(tmp_path / "images") if "image" in extra else str(texts)
    kind = [] if "--kind" in extra else ["--kind", "text", "--text-column", "body"]
    assert main(["serve", "--data", data, *kind, "--categories", "PER,ORG", "--workspace",
                 str(tmp_path / "ws"), "--port", "0", *extra]) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()


def test_exports_of_spans_refuse_a_workspace_of_categories(tmp_path, texts, capsys):
    plain = LocalSetup(kind="text", data=texts, categories=["a", "b"], workspace=tmp_path / "ws",
                       annotator="alice", id_column="id", text_column="body")
    with running(plain):
        pass
    assert main(["export", "--workspace", str(tmp_path / "ws"), "--out", str(tmp_path / "o"),
                 "--format", "conll"]) == 2
    assert "this workspace holds category labels: use --format csv or parquet" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_the_retrain_loop_tags_the_texts_and_serves_its_spans_most_uncertain_first(tmp_path):
    corpus = make_span_corpus(400, seed=3)
    path = tmp_path / "corpus.csv"
    pd.DataFrame({"id": [f"t{i}" for i in range(len(corpus))], "text": [c["text"] for c in corpus]}).to_csv(
        path, index=False)
    truth = {f"t{i}": c["spans"] for i, c in enumerate(corpus)}
    from active_labeling.local.retrain_cli import attach_worker
    from active_labeling.local.retrain_round import RetrainSettings

    setup = LocalSetup(kind="text", data=path, categories=["PER", "ORG", "LOC"], workspace=tmp_path / "ws",
                       annotator="alice", task="spans", id_column="id", text_column="text",
                       refresh_seconds=0.1)
    settings = RetrainSettings(kind="text", data=path, workspace=tmp_path / "ws", every=30, id_column="id",
                               text_column="text", n_queries=100, task="spans")
    setup.queries = settings.queries_path
    with running(setup) as (local, port):
        attach_worker(local, settings)
        api = Api(port)
        _, batch = api.get("/api/batch?size=30")
        assert all(item["suggestion"] is None for item in batch["items"])   # no model yet
        for item in batch["items"]:
            assert api.post("/api/label", {"id": item["id"], "label": truth[item["id"]]})[0] == 200
        deadline = time.monotonic() + 60
        while not settings.queries_path.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert settings.queries_path.exists(), "no round ran"
        time.sleep(0.5)   # the service looks at the queries file every refresh_seconds
        _, batch = api.get("/api/batch?size=30")
    items = batch["items"]
    queries = pd.read_parquet(settings.queries_path)
    # Served in the order of the round's queries: the most uncertain text first, near copies later.
    assert [item["id"] for item in items] == queries["id"].tolist()[:len(items)]
    scores = [item["al"]["score"] for item in items]
    assert scores[0] == queries["score"].max() and scores[0] > sorted(scores)[len(scores) // 2]
    suggested = [item for item in items if item["suggestion"]]
    assert suggested, "the tagger's spans come with the queries"
    right = sum(all({k: s[k] for k in ("start", "end", "text", "category")} in truth[item["id"]]
                    for s in item["suggestion"]) for item in suggested)
    assert right >= len(suggested) // 2   # after 30 labels it is right on most texts
    for item in suggested:
        assert all(0 <= s["confidence"] <= 1 for s in item["suggestion"])
    rounds = [json.loads(line) for line in (settings.folder / "rounds.jsonl").read_text().splitlines()] \
        if (settings.folder / "rounds.jsonl").exists() else []
    assert not rounds or rounds[-1]["status"] == "ok"


def test_a_predictions_file_of_another_models_spans_orders_the_texts(tmp_path, texts):
    sure = [dict(SPAN, confidence=0.95)]
    weak = [{"start": 5, "end": 8, "text": "דנה", "category": "PER", "confidence": 0.3}]
    predictions = pd.DataFrame({"id": ["en", "he", "none"],
                                "prediction": [json.dumps(sure), json.dumps(weak), "[]"]})
    predictions.to_csv(tmp_path / "p.csv", index=False)
    with running(setup_for(tmp_path, texts, predictions=tmp_path / "p.csv")) as (_, port):
        _, batch = Api(port).get("/api/batch?size=10")
        # 1 - mean confidence, a text without spans 0.5; texts the file does not score come last.
        assert [i["id"] for i in batch["items"]] == ["he", "none", "en", "emoji"]
        assert [round(i["al"]["score"], 2) for i in batch["items"][:3]] == [0.7, 0.5, 0.05]
        assert batch["items"][0]["suggestion"] == weak
