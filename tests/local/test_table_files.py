"""A CSV that pandas can't parse, as each command that reads a table reports it: the file, the line,
what was expected, and the --sep / --quotechar to give; with them, the same file reads."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from active_labeling.cli import build_parser, main
from active_labeling.commands.serve import setup_from
from active_labeling.local.app import build_app
from active_labeling.local.retrain_round import RetrainSettings, read_pool
from active_labeling.table_files import CsvFormat, TableFileError, read_table

# European spreadsheets: ';' between values, ',' in decimals. Read with ',', the header has one
# column and line 4 (the first with a decimal comma) has two values.
SEMICOLONS = "a;b;label\n1;2;x\n3;4;y\n0,5;6;x\n7;8;y\n9;1,5;x\n2;3;y\n4;5;x\n6;7;y\n8;9;x\n1;3;y\n"


def _semicolon_file(tmp_path):
    path = tmp_path / "pool.csv"
    path.write_text(SEMICOLONS)
    return path


def _says_line_4_and_sep(message, path):
    # What is wrong (file, line, what was expected) and what to do (the option, with its value).
    assert f"{path}, line 4: 2 values where the header line has 1" in message
    assert "looks separated by ';': give --sep ';'" in message
    assert "Error tokenizing" not in message


def _model(tmp_path):
    frame = pd.read_csv(tmp_path / "pool.csv", sep=";", decimal=",")
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(LogisticRegression().fit(frame[["a", "b"]], frame["label"])))
    return str(path)


def test_serve_names_the_file_and_line_and_offers_sep(tmp_path, capsys):
    path = _semicolon_file(tmp_path)
    argv = ["serve", "--data", str(path), "--categories", "x,y", "--workspace", str(tmp_path / "ws")]
    assert main(argv) == 2
    _says_line_4_and_sep(capsys.readouterr().err, path)
    local = build_app(setup_from(build_parser().parse_args([*argv, "--sep", ";"])))
    try:
        assert local.service.pool.columns == ["a", "b", "label"]
        assert len(local.service.pool.item_ids()) == 10
    finally:
        local.close()


def test_sample_names_the_file_and_line_and_offers_sep(tmp_path, capsys):
    path = _semicolon_file(tmp_path)
    model = _model(tmp_path)
    argv = ["sample", "--model", model, "--data", str(path), "--out", str(tmp_path / "q.csv"), "--n", "3"]
    assert main(argv) == 2
    _says_line_4_and_sep(capsys.readouterr().err, path)
    # Decimal commas stay text with --sep alone: give the model numbers with a clean file instead.
    path.write_text(SEMICOLONS.replace("0,5", "0.5").replace("1,5", "1.5"))
    assert main([*argv, "--sep", ";"]) == 0
    assert len(pd.read_csv(tmp_path / "q.csv")) == 3


def test_simulate_reads_a_tab_separated_file_with_sep_tab_and_says_so_without(tmp_path, capsys):
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=60).round(2), "b": rng.normal(size=60).round(2)})
    table["label"] = np.where(table.a > 0, "x", "y")
    text = table.to_csv(sep="\t", index=False)
    lines = text.splitlines()
    lines[5] = lines[5] + "\tnote, with a comma"  # a fourth value: line 6 of the file
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n")
    argv = ["simulate", "--data", str(tmp_path / "data.csv"), "--target", "label", "--out",
            str(tmp_path / "out"), "--strategies", "random", "--budget", "20", "--initial-labels", "10",
            "--repetitions", "1", "--quiet"]
    assert main(argv) == 2  # read with ',', the comma in line 6 makes a second value
    message = capsys.readouterr().err
    assert f"{tmp_path / 'data.csv'}, line 6: 2 values where the header line has 1" in message
    assert "give --sep tab" in message
    (tmp_path / "data.csv").write_text(text)
    assert main([*argv, "--sep", "tab"]) == 0


def test_an_empty_file_an_open_quote_and_other_text_encodings_say_what_to_do(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(TableFileError, match=r"empty\.csv is empty \(0 bytes\): a CSV table starts with a "
                                             "header line naming its columns"):
        read_table(empty, csv=CsvFormat())
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('name,size\nscreen,27\nphone,"6 inch\nlamp,12\n')
    with pytest.raises(TableFileError) as raised:
        read_table(quoted, csv=CsvFormat())
    message = str(raised.value)
    assert "quoted.csv, line 3: a value opened with the quote character '\"' is never closed" in message
    assert "--quotechar" in message
    latin = tmp_path / "latin.csv"
    latin.write_bytes("city,n\nParis,1\nSão Paulo,2\n".encode("latin-1"))
    with pytest.raises(TableFileError, match=r"latin\.csv, line 3: not UTF-8 text; save the file as UTF-8"):
        read_table(latin, csv=CsvFormat())


def test_quotechar_reads_values_that_hold_the_separator(tmp_path):
    path = tmp_path / "quotes.csv"
    path.write_text("text;n\n'c';2\n'a; b';1\n")
    with pytest.raises(TableFileError, match="line 3: 3 values where the header line has 2"):
        read_table(path, csv=CsvFormat(";"))
    assert read_table(path, csv=CsvFormat(";", "'"))["text"].tolist() == ["c", "a; b"]


def test_files_active_labeling_writes_itself_get_no_option_advice(tmp_path):
    path = _semicolon_file(tmp_path)
    with pytest.raises(TableFileError) as raised:
        read_table(path)  # e.g. a queries file: --sep would not apply to it
    assert "should be comma-separated, as active-labeling writes it" in str(raised.value)
    assert "--sep" not in str(raised.value)


@pytest.mark.parametrize("command", ["serve", "sample", "simulate"])
def test_every_command_that_reads_a_table_offers_sep_and_quotechar(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    shown = capsys.readouterr().out
    assert "--sep CHAR" in shown and "--quotechar CHAR" in shown


def test_bad_sep_or_quotechar_is_refused_with_what_to_give(tmp_path, capsys):
    path = _semicolon_file(tmp_path)
    base = ["serve", "--data", str(path), "--categories", "x,y", "--workspace", str(tmp_path / "ws")]
    with pytest.raises(SystemExit):
        main([*base, "--sep", ";;"])
    assert "--sep: should be one character, like ';' or tab; got ';;'" in capsys.readouterr().err
    assert main([*base, "--sep", ";", "--quotechar", ";"]) == 2
    assert "--sep and --quotechar are both ';': they must differ" in capsys.readouterr().err


def test_the_retrain_loop_reads_the_pool_with_the_same_sep(tmp_path):
    path = _semicolon_file(tmp_path)
    pool = read_pool(RetrainSettings(kind="tabular", data=path, workspace=tmp_path, every=5,
                                     csv=CsvFormat(";")))
    assert pool.features == ["a", "b"] and len(pool.ids) == 10


def test_a_first_row_longer_than_the_header_is_refused_not_shifted(tmp_path):
    """pandas alone would take the first column for row names and shift every value left."""
    path = tmp_path / "pool.csv"
    path.write_text("text,stars\nfine,4,extra\nbad,1\n")
    with pytest.raises(TableFileError) as refused:
        read_table(path, csv=CsvFormat())
    message = str(refused.value)
    assert "pool.csv, line 2" in message and "more values than the header line" in message
    assert "name in the header line" in message
    path.write_text("text,stars\nfine,4\nbad,1\n")
    assert read_table(path, csv=CsvFormat()).to_dict("list") == {"text": ["fine", "bad"], "stars": [4, 1]}
