"""`serve --kind text`: texts served with their context, labels exported with every column, and
the mistakes a user makes with text columns named with what to do."""

from __future__ import annotations

import pandas as pd
import pytest
from local_helpers import Api, running
from text_corpus import headlines

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup
from active_labeling.local.export import frames
from active_labeling.local.tabular import TabularFilePool
from active_labeling.local.text_pool import TextFilePool
from active_labeling.local.workspace import open_workspace


@pytest.fixture
def pool(tmp_path):
    table = headlines(30, rtl=0.2, long=0.1, missing=0.1)
    table["id"] = [f"h{i:03d}" for i in range(len(table))]
    table[["id", "headline", "source"]].to_csv(tmp_path / "pool.csv", index=False)
    return table


def setup(tmp_path, **options):
    values = dict(kind="text", data=tmp_path / "pool.csv", categories=["news", "clickbait"],
                  workspace=tmp_path / "ws", annotator="ana", text_column="headline")
    values.update(options)
    return LocalSetup(**values)


def test_texts_are_served_with_their_context_and_labels_keep_every_column(tmp_path, pool):
    with running(setup(tmp_path, columns=["source"], id_column="id")) as (local, port):
        api = Api(port)
        _, config = api.get("/api/config")
        assert (config["kind"], config["text_column"], config["columns"]) == ("text", "headline",
                                                                             ["headline", "source"])
        _, batch = api.get("/api/batch?size=30")
        by_id = {item["id"]: item for item in batch["items"]}
        assert set(by_id) == set(pool["id"])
        long = pool["headline"].fillna("").str.len().idxmax()
        item = by_id[pool["id"][long]]
        assert item["data"] == {"headline": pool["headline"][long], "source": pool["source"][long]}
        assert item["media"] is None
        assert len(item["data"]["headline"]) == 5000 and "\n\n" in item["data"]["headline"]
        missing = pool["headline"].isna().idxmax()
        assert by_id[pool["id"][missing]]["data"]["headline"] is None
        status, answer = api.get(f"/api/items/{pool['id'][0]}/media")
        assert status == 404 and "not files" in answer["error"]
        for position in (long, missing, 1):
            assert api.post("/api/label", {"id": pool["id"][position], "label": "news"})[0] == 200
    workspace = open_workspace(tmp_path / "ws", create=False)
    try:
        labels, metadata = frames(workspace)
    finally:
        workspace.close()
    assert list(labels.columns) == ["item_id", "id", "headline", "source", "label", "final_label",
                                    "final_status"]
    assert labels.set_index("id").loc[pool["id"][long], "headline"] == pool["headline"][long]
    assert len(metadata) == 3 and set(metadata["status"]) == {"labeled"}


def test_text_items_have_the_ids_of_the_same_rows_in_a_tabular_pool(tmp_path, pool):
    # What `sample` writes and the export joins on: one id per row, whichever kind serves it.
    texts = TextFilePool(tmp_path / "pool.csv", "headline")
    assert texts.item_ids() == TabularFilePool(tmp_path / "pool.csv").item_ids()
    assert len(set(texts.item_ids())) == len(pool)


def test_a_file_of_one_column_needs_no_text_column(tmp_path):
    pd.DataFrame({"review": ["great", "bad", None]}).to_csv(tmp_path / "pool.csv", index=False)
    with running(setup(tmp_path, text_column=None)) as (_, port):
        _, config = Api(port).get("/api/config")
    assert (config["text_column"], config["columns"]) == ("review", ["review"])


@pytest.mark.parametrize("extra, message", [
    ([], "--kind text: give --text-column, the column of"),
    (["--text-column", "title"], "--text-column title: not a column of"),
    (["--text-column", "id", "--id-column", "id"], "--text-column and --id-column are both 'id'"),
    (["--text-column", "headline", "--columns", "author"], "--columns author: not in"),
])
def test_text_column_mistakes_say_what_to_do(tmp_path, pool, capsys, extra, message):
    code = main(["serve", "--kind", "text", "--data", str(tmp_path / "pool.csv"), "--categories", "a,b",
                 "--workspace", str(tmp_path / "ws"), "--port", "0", *extra])
    assert code == 2
    error = capsys.readouterr().err
    assert message in error
    assert "headline" in error or "both 'id'" in message  # the file's columns are listed
    assert not (tmp_path / "ws").exists()


def test_a_text_column_is_for_the_text_kind(tmp_path, pool, capsys):
    assert main(["serve", "--data", str(tmp_path / "pool.csv"), "--categories", "a,b", "--workspace",
                 str(tmp_path / "ws"), "--port", "0", "--text-column", "headline"]) == 2
    assert "--text-column is for --kind text" in capsys.readouterr().err
