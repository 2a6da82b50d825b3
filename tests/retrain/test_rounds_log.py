"""The rounds' log survives a crash mid-write and is read back in order."""

from active_labeling.local.rounds import RoundLog, format_rounds


def test_a_torn_last_line_is_ignored_and_rounds_keep_their_order(tmp_path):
    log = RoundLog(tmp_path)
    log.append({"round": 1, "status": "failed", "error": "boom"})
    log.append({"round": 2, "status": "ok", "labels": 20, "accuracy": 0.9, "queries": 5,
                "queries_file": "q.parquet", "seconds": 1.5})
    with open(log.path, "a", encoding="utf-8") as stream:
        stream.write('{"round": 3, "sta')  # the process died here
    assert [entry["round"] for entry in log.read()] == [1, 2]
    assert log.last_success()["round"] == 2
    table = "\n".join(format_rounds(log.read()))
    assert "boom" in table and "0.900" in table and "Current queries: q.parquet (round 2)" in table


def test_no_round_yet(tmp_path):
    assert RoundLog(tmp_path).read() == [] and RoundLog(tmp_path).last_success() == {}
    assert format_rounds([]) == ["No retrain round yet."]
