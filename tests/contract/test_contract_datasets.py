"""Contract of ``dataiku.Dataset`` (shared/dss-runtime.md, section Dataset): one test per rule."""

from __future__ import annotations

import dataiku
import pandas as pd
import pytest
from contract_helpers import entry_point, last_json


def labels_frame(start: int, n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"{i:03d}" for i in range(start, start + n)], "label": ["cat"] * n})


LABELS_SCHEMA = [{"name": "id", "type": "string"}, {"name": "label", "type": "string"}]


# -- names and the flow ------------------------------------------------------------------------
def test_name_short_name_and_project_key(dss):
    dss.create_dataset("pool")
    short, full = dataiku.Dataset("pool"), dataiku.Dataset("PROJ.pool")
    assert (short.name, short.short_name, short.project_key) == ("PROJ.pool", "pool", "PROJ")
    assert (full.name, full.short_name, full.project_key) == ("PROJ.pool", "pool", "PROJ")
    assert dataiku.Dataset("pool", project_key="OTHER").name == "OTHER.pool"


def test_recipe_refuses_undeclared_dataset_unless_ignore_flow(dss, tmp_path):
    dss.create_dataset("pool", labels_frame(0, 3))
    dss.create_dataset("elsewhere", labels_frame(0, 2))
    recipe = entry_point(tmp_path, "r", "recipe.py", """
        import json, dataiku
        try:
            dataiku.Dataset("elsewhere")
            refused = None
        except Exception as e:
            refused = str(e)
        n = len(dataiku.Dataset("elsewhere", ignore_flow=True).get_dataframe())
        declared = len(dataiku.Dataset("pool").get_dataframe())
        print(json.dumps({"refused": refused, "ignore_flow_rows": n, "declared_rows": declared}))
    """)
    out = last_json(dss.run_recipe(recipe, inputs={"pool": ["pool"]}).check().stdout)
    assert out["refused"] == ("Dataset PROJ.elsewhere cannot be used : "
                              "declare it as input or output of your recipe")
    assert out["ignore_flow_rows"] == 2 and out["declared_rows"] == 3


def test_no_flow_outside_recipes_any_dataset_opens(dss):
    dss.create_dataset("anything", labels_frame(0, 2))
    assert len(dataiku.Dataset("anything").get_dataframe()) == 2


def test_recipe_cannot_write_its_input_nor_set_partitions(dss, tmp_path):
    dss.create_dataset("pool", labels_frame(0, 3))
    recipe = entry_point(tmp_path, "r", "recipe.py", """
        import json, dataiku
        errors = []
        for attempt in (lambda: dataiku.Dataset("pool").get_writer(),
                        lambda: dataiku.Dataset("out").set_write_partition("2024")):
            try:
                attempt()
                errors.append(None)
            except Exception as e:
                errors.append(str(e))
        print(json.dumps(errors))
    """)
    errors = last_json(dss.run_recipe(recipe, {"pool": ["pool"]}, {"out": ["out"]}).check().stdout)
    assert "input" in errors[0] and "partition" in errors[1], errors
    assert len(dss.read_dataset("pool")) == 3


# -- schema ------------------------------------------------------------------------------------
def test_read_schema_raises_when_empty_unless_told(dss):
    dss.create_dataset("empty")
    with pytest.raises(Exception, match="schema"):
        dataiku.Dataset("empty").read_schema()
    assert dataiku.Dataset("empty").read_schema(raise_if_empty=False) == []


def test_write_schema_accepts_dss_types_only(dss):
    dss.create_dataset("typed")
    ds = dataiku.Dataset("typed")
    types = ("string", "int", "bigint", "float", "double", "boolean", "date")
    columns = [{"name": t + "_col", "type": t} for t in types]
    ds.write_schema(columns)
    assert ds.read_schema() == columns
    with pytest.raises(Exception, match="varchar"):
        ds.write_schema([{"name": "x", "type": "varchar"}])


def test_write_with_schema_sets_schema_from_dtypes_and_replaces_content(dss):
    dss.create_dataset("out", labels_frame(0, 5))
    df = pd.DataFrame({"n": [1, 2], "x": [0.5, 1.5], "ok": [True, False], "s": ["a", "b"],
                       "when": pd.to_datetime(["2024-01-02", "2024-03-04"])})
    dataiku.Dataset("out").write_with_schema(df)
    assert dss.dataset_schema("out") == [{"name": "n", "type": "bigint"}, {"name": "x", "type": "double"},
                                         {"name": "ok", "type": "boolean"}, {"name": "s", "type": "string"},
                                         {"name": "when", "type": "date"}]
    assert len(dss.read_dataset("out")) == 2
    assert len(dss.dataset_data_files("out")) == 1


def test_schema_types_come_back_with_infer_with_pandas_false(dss):
    schema = [{"name": "id", "type": "string"}, {"name": "count", "type": "int"},
              {"name": "big", "type": "bigint"},
              {"name": "score", "type": "double"}, {"name": "flag", "type": "boolean"},
              {"name": "when", "type": "date"}]
    df = pd.DataFrame({"id": ["007", "1e3"], "count": [3, 4], "big": [2**40, -1], "score": [0.1, 2.0],
                       "flag": [True, False],
                       "when": pd.to_datetime(["2024-01-02 03:04:05", "2023-12-31 00:00:00"])})
    dss.create_dataset("typed", df, schema=schema)
    back = dataiku.Dataset("typed").get_dataframe(infer_with_pandas=False)
    assert back["id"].tolist() == ["007", "1e3"]
    assert str(back["count"].dtype) == "int32" and back["count"].tolist() == [3, 4]
    assert str(back["big"].dtype) == "int64" and back["big"].tolist() == [2**40, -1]
    assert back["score"].tolist() == [0.1, 2.0]
    assert back["flag"].tolist() == [True, False]
    assert back["when"].tolist() == [pd.Timestamp("2024-01-02 03:04:05", tz="UTC"),
                                     pd.Timestamp("2023-12-31", tz="UTC")]


def test_default_infer_with_pandas_lets_pandas_guess_like_dss(dss):
    """DSS's default (infer_with_pandas=True) ignores the schema's types: digits become numbers."""
    dss.create_dataset("ids", pd.DataFrame({"id": ["007", "010"]}), schema=[{"name": "id", "type": "string"}])
    assert dataiku.Dataset("ids").get_dataframe()["id"].tolist() == [7, 10]


def test_dates_parsed_only_with_parse_dates(dss):
    dss.create_dataset("d", pd.DataFrame({"when": pd.to_datetime(["2024-05-06"])}))
    parsed = dataiku.Dataset("d").get_dataframe()["when"].iloc[0]
    raw = dataiku.Dataset("d").get_dataframe(parse_dates=False)["when"].iloc[0]
    assert parsed == pd.Timestamp("2024-05-06", tz="UTC")
    assert isinstance(raw, str) and raw.startswith("2024-05-06T00:00:00")


def test_empty_cells_come_back_as_missing(dss):
    dss.create_dataset("gaps", pd.DataFrame({"s": ["a", "", None], "x": [1.0, None, 3.0]}))
    back = dss.read_dataset("gaps")
    assert back["s"].isna().tolist() == [False, True, True]
    assert back["x"].isna().tolist() == [False, True, False]


def test_schema_is_cached_on_the_handle_even_empty_until_its_own_write_schema(dss):
    """dataset.py: ``if self.cols is None`` — a handle keeps the first schema it read."""
    dss.create_dataset("queries")
    handle = dataiku.Dataset("queries")
    assert handle.read_schema(raise_if_empty=False) == []
    dss.create_dataset("other")  # someone else (a recipe run) writes the dataset meanwhile
    dataiku.Dataset("queries").write_with_schema(pd.DataFrame({"id": ["a", "b"], "score": [0.9, 0.1]}))
    assert handle.read_schema(raise_if_empty=False) == []
    with pytest.raises(Exception, match="No column in schema"):
        handle.get_dataframe()  # reads go through read_schema(), which raises on the cached []
    fresh = dataiku.Dataset("queries")
    assert [c["name"] for c in fresh.read_schema()] == ["id", "score"] and len(fresh.get_dataframe()) == 2
    handle.write_schema([{"name": "id", "type": "string"}, {"name": "score", "type": "double"}])
    assert [c["name"] for c in handle.read_schema()] == ["id", "score"]


def test_a_stale_schema_parses_new_columns_under_old_names(dss):
    dss.create_dataset("pool", pd.DataFrame({"a": ["x", "y"]}))
    handle = dataiku.Dataset("pool")
    assert list(handle.get_dataframe().columns) == ["a"]
    dataiku.Dataset("pool").write_with_schema(pd.DataFrame({"a": ["x"], "b": ["new"]}))
    assert "b" not in handle.get_dataframe().columns
    assert list(dataiku.Dataset("pool").get_dataframe().columns) == ["a", "b"]


def test_default_na_spellings_read_back_as_missing_unless_told(dss):
    texts = ["NA", "N/A", "null", "None", "nan", "NaN", "#N/A", "", "cat"]
    dss.create_dataset("labels", pd.DataFrame({"label": texts}), schema=[{"name": "label", "type": "string"}])
    default = dataiku.Dataset("labels").get_dataframe(infer_with_pandas=False)["label"]
    # pandas's own list (its version decides: "None" joined it in pandas 2.0)
    from pandas._libs.parsers import STR_NA_VALUES

    assert default.isna().tolist() == [t in STR_NA_VALUES or t == "" for t in texts]
    assert default.isna().tolist()[:3] == [True] * 3 and not default.isna().iloc[-1]
    kept = dataiku.Dataset("labels").get_dataframe(infer_with_pandas=False, keep_default_na=False,
                                                     na_values=[""])["label"]
    assert kept.tolist()[:7] == texts[:7] and pd.isna(kept.iloc[7]) and kept.iloc[8] == "cat"


def test_schema_typed_read_raises_on_blank_ints_and_narrows_float(dss):
    schema = [{"name": "n", "type": "bigint"}, {"name": "flag", "type": "boolean"},
              {"name": "f", "type": "float"}]
    dss.create_dataset("t", pd.DataFrame({"n": [1.0, None], "flag": [True, None], "f": [1234567.891, 2.5]}),
                       schema=schema)
    with pytest.raises(Exception, match="NA|non-finite|integer"):
        dataiku.Dataset("t").get_dataframe(infer_with_pandas=False)
    floats = dataiku.Dataset("t").get_dataframe(columns=["f"], infer_with_pandas=False)["f"]
    assert str(floats.dtype) == "float32" and float(floats.iloc[0]) != 1234567.891


def test_forced_types_read_gives_exact_text(dss):
    """dataset.py ``iter_dataframes_forced_types``: the caller's dtypes, as DSS's scoring recipes read."""
    schema = [{"name": "n", "type": "bigint"}, {"name": "flag", "type": "boolean"},
              {"name": "f", "type": "double"}, {"name": "when", "type": "date"},
              {"name": "s", "type": "string"}]
    df = pd.DataFrame({"n": pd.array([2**62 + 1, None], dtype="Int64"), "flag": [False, None],
                       "f": [1234567.891, None], "when": pd.to_datetime(["2024-01-02 03:04:05", None]),
                       "s": ["NA", None]})
    dss.create_dataset("t", df, schema=schema)
    names = [c["name"] for c in schema]
    chunks = list(dataiku.Dataset("t").iter_dataframes_forced_types(
        names, {n: object for n in names}, False, keep_default_na=False, na_values=[""]))
    rows = pd.concat(chunks).to_dict("records")
    assert rows[0] == {"n": str(2**62 + 1), "flag": "false", "f": "1234567.891",
                       "when": "2024-01-02T03:04:05.000Z", "s": "NA"}
    assert all(pd.isna(v) for v in rows[1].values())


def test_restricted_columns_with_parse_dates_is_refused_by_the_standin(dss):
    """DSS parses the columns at the date columns' schema positions: the stand-in refuses that read."""
    dss.create_dataset("m", pd.DataFrame({"a": ["x"], "when": pd.to_datetime(["2024-05-06"])}))
    with pytest.raises(Exception, match="parse_dates=False"):
        dataiku.Dataset("m").get_dataframe(columns=["when"])
    assert dataiku.Dataset("m").get_dataframe(columns=["a", "when"])["when"].iloc[0].year == 2024


# -- reading -----------------------------------------------------------------------------------
def test_get_dataframe_columns_and_limit(dss):
    dss.create_dataset("pool", pd.DataFrame({"a": range(50), "b": range(50), "c": ["x"] * 50}))
    df = dataiku.Dataset("pool").get_dataframe(columns=["c", "a"], limit=7)
    assert list(df.columns) == ["c", "a"] and len(df) == 7
    with pytest.raises(Exception, match="nope"):
        dataiku.Dataset("pool").get_dataframe(columns=["nope"])


def _three_sessions(dss, name="pool"):
    dss.create_dataset(name, pd.DataFrame({"n": range(10), "t": ["x"] * 10}))
    ds = dataiku.Dataset(name)
    ds.spec_item["appendMode"] = True
    for start in (10, 20):
        with ds.get_writer() as writer:
            writer.write_dataframe(pd.DataFrame({"n": range(start, start + 8), "t": ["y"] * 8}))
    return ds


def test_iter_dataframes_chunk_sizes_and_columns(dss):
    _three_sessions(dss)
    chunks = list(dataiku.Dataset("pool").iter_dataframes(chunksize=7, columns=["n"]))
    assert [len(c) for c in chunks] == [7, 7, 7, 5]
    assert all(list(c.columns) == ["n"] for c in chunks)
    assert pd.concat(chunks)["n"].tolist() == list(range(18)) + list(range(20, 28))
    assert pd.concat(chunks).index.tolist() == list(range(26))


def test_iter_dataframes_streams_files_lazily(dss, monkeypatch):
    _three_sessions(dss)
    opened = []
    original = pd.read_csv

    def spy(path, *args, **kwargs):
        opened.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(dataiku._tables.pd, "read_csv", spy)
    chunks = dataiku.Dataset("pool").iter_dataframes(chunksize=5)
    first = next(chunks)
    assert len(first) == 5 and len(opened) == 1  # the other data files are not read yet
    assert sum(len(c) for c in chunks) == 21 and len(opened) == 3


# -- writing -----------------------------------------------------------------------------------
def test_only_one_writer_open_per_dataset(dss):
    dss.create_dataset("labels", schema=LABELS_SCHEMA)
    ds = dataiku.Dataset("labels")
    with ds.get_writer() as writer:
        with pytest.raises(Exception, match="already another active writer"):
            dataiku.Dataset("labels").get_writer()
        writer.write_row_dict({"id": "1", "label": "dog"})
    with ds.get_writer() as writer:  # closed: a new one may open
        writer.write_row_dict({"id": "2", "label": "cat"})
    assert dss.read_dataset("labels")["id"].tolist() == ["2"]


def test_writer_needs_a_schema(dss):
    dss.create_dataset("labels")
    writer = dataiku.Dataset("labels").get_writer()
    with pytest.raises(Exception, match="schema"):
        writer.write_row_dict({"id": "1"})
    dataiku.dataset.DatasetWriter.active_writers.clear()


def test_write_row_dict_leaves_missing_keys_empty(dss):
    dss.create_dataset("labels", schema=LABELS_SCHEMA)
    with dataiku.Dataset("labels").get_writer() as writer:
        writer.write_row_dict({"id": "1"})
        writer.write_dataframe(labels_frame(5, 1))
    back = dss.read_dataset("labels")
    assert back["id"].tolist() == ["1", "005"] and back["label"].isna().tolist() == [True, False]


def test_outside_flow_spec_item_starts_overwrite_and_replaces(dss):
    dss.create_dataset("labels", labels_frame(0, 4), schema=LABELS_SCHEMA)
    ds = dataiku.Dataset("labels")
    assert ds.spec_item == {"appendMode": False}
    with ds.get_writer() as writer:
        writer.write_dataframe(labels_frame(100, 1))
    assert dss.read_dataset("labels")["id"].tolist() == ["100"]
    assert len(dss.dataset_data_files("labels")) == 1


def test_outside_flow_append_mode_adds_a_data_file_and_keeps_rows(dss):
    dss.create_dataset("labels", labels_frame(0, 4), schema=LABELS_SCHEMA)
    ds = dataiku.Dataset("labels")
    ds.spec_item["appendMode"] = True
    for i in (100, 101):
        with ds.get_writer() as writer:
            writer.write_row_dict({"id": str(i), "label": "dog"})
    assert dss.read_dataset("labels")["id"].tolist() == ["000", "001", "002", "003", "100", "101"]
    assert len(dss.dataset_data_files("labels")) == 3


def test_write_with_schema_writes_through_a_writer_so_append_mode_applies(dss):
    """DSS's write_with_schema = write the schema, then get_writer(): it appends in append mode."""
    dss.create_dataset("labels", labels_frame(0, 2))
    ds = dataiku.Dataset("labels")
    ds.spec_item["appendMode"] = True
    ds.write_with_schema(labels_frame(7, 1))
    assert dss.read_dataset("labels")["id"].tolist() == ["000", "001", "007"]


def test_writer_rows_appear_when_it_closes(dss):
    dss.create_dataset("labels", labels_frame(0, 2), schema=LABELS_SCHEMA)
    ds = dataiku.Dataset("labels")
    ds.spec_item["appendMode"] = True
    with ds.get_writer() as writer:
        writer.write_row_dict({"id": "9", "label": "dog"})
        assert len(dss.read_dataset("labels")) == 2
    assert len(dss.read_dataset("labels")) == 3


RECIPE_WRITING_ONE_ROW = """
    import dataiku, pandas as pd
    from dataiku.customrecipe import get_output_names_for_role
    out = dataiku.Dataset(get_output_names_for_role("labels")[0])
    with out.get_writer() as writer:
        writer.write_dataframe(pd.DataFrame({"id": ["new"], "label": ["dog"]}))
    print(out.spec_item["appendMode"])
"""


def test_recipe_append_mode_comes_from_the_flow(dss, tmp_path):
    dss.create_dataset("labels", labels_frame(0, 3), schema=LABELS_SCHEMA)
    recipe = entry_point(tmp_path, "r", "recipe.py", RECIPE_WRITING_ONE_ROW)
    run = dss.run_recipe(recipe, outputs={"labels": ["labels"]}, append={"labels"}).check()
    assert run.stdout.split()[-1] == "True"
    assert dss.read_dataset("labels")["id"].tolist() == ["000", "001", "002", "new"]
    assert len(dss.dataset_data_files("labels")) == 2


def test_recipe_without_append_overwrites(dss, tmp_path):
    dss.create_dataset("labels", labels_frame(0, 3), schema=LABELS_SCHEMA)
    recipe = entry_point(tmp_path, "r", "recipe.py", RECIPE_WRITING_ONE_ROW)
    run = dss.run_recipe(recipe, outputs={"labels": ["labels"]}).check()
    assert run.stdout.split()[-1] == "False"
    assert dss.read_dataset("labels")["id"].tolist() == ["new"]
    assert len(dss.dataset_data_files("labels")) == 1


def test_write_dataframe_columns_must_match_schema(dss):
    """Stricter than DSS (which maps values by position): a mismatch would corrupt data there."""
    dss.create_dataset("labels", schema=LABELS_SCHEMA)
    with pytest.raises(Exception, match="names and order"), dataiku.Dataset("labels").get_writer() as writer:
        writer.write_dataframe(pd.DataFrame({"label": ["dog"], "id": ["1"]}))


def test_metadata_round_trip(dss):
    dss.create_dataset("labels", schema=LABELS_SCHEMA)
    ds = dataiku.Dataset("labels")
    meta = ds.read_metadata()
    assert set(meta) >= {"checklists", "custom", "tags"}
    meta["tags"] = ["labeled"]
    meta["custom"]["kv"]["generation"] = 3
    ds.write_metadata(meta)
    assert dataiku.Dataset("labels").read_metadata()["custom"]["kv"] == {"generation": 3}
    assert dataiku.Dataset("labels").read_metadata()["tags"] == ["labeled"]


def test_dataset_without_rows_reads_as_empty_frame_with_its_columns(dss):
    dss.create_dataset("labels", schema=LABELS_SCHEMA)
    df = dataiku.Dataset("labels").get_dataframe()
    assert list(df.columns) == ["id", "label"] and len(df) == 0
    assert list(dataiku.Dataset("labels").iter_dataframes()) == []
