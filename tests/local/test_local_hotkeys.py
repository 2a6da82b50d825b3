"""Hotkeys belong to category names: re-ordering --categories keeps them, --hotkeys sets them."""

import sqlite3

import pytest

from active_labeling.cli import main
from active_labeling.local.app import LocalSetup, build_app
from active_labeling.local.workspace import DB_NAME, WorkspaceError


def _keys(tmp_path, categories, hotkeys=None):
    """The hotkeys the page gets from a server started on ``categories``."""
    chosen = {"hotkeys": hotkeys} if hotkeys else {}
    local = build_app(LocalSetup(kind="tabular", data=tmp_path / "pool.csv", categories=categories,
                                 workspace=tmp_path / "ws", annotator="alice", **chosen))
    try:
        return {c["name"]: c["hotkey"] for c in local.service.settings.config()["categories"]}
    finally:
        local.close()


@pytest.fixture()
def pool(tmp_path):
    (tmp_path / "pool.csv").write_text("text\none\ntwo\n")
    return tmp_path


def test_reordered_categories_keep_their_hotkeys_and_a_new_one_gets_the_next_free_key(pool, capsys):
    assert _keys(pool, ["clickbait", "news"]) == {"clickbait": "1", "news": "2"}
    assert _keys(pool, ["news", "clickbait"]) == {"news": "2", "clickbait": "1"}
    assert _keys(pool, ["sports", "news", "clickbait"]) == {"sports": "3", "news": "2", "clickbait": "1"}
    assert main(["status", "--workspace", str(pool / "ws")]) == 0
    assert "Hotkeys: 3 sports, 2 news, 1 clickbait" in capsys.readouterr().out


def test_hotkeys_set_explicitly_are_kept_from_then_on(pool):
    _keys(pool, ["clickbait", "news"])
    swapped = {"clickbait": "2", "news": "1"}
    assert _keys(pool, ["clickbait", "news"], {"news": "1", "clickbait": "2"}) == swapped
    assert _keys(pool, ["clickbait", "news"]) == {"clickbait": "2", "news": "1"}
    assert _keys(pool, ["clickbait", "news"], {"news": "n"}) == {"clickbait": "2", "news": "n"}
    assert _keys(pool, ["clickbait", "news", "tech"]) == {"clickbait": "2", "news": "n", "tech": "1"}


def test_a_key_another_category_keeps_is_refused_with_what_to_give(pool):
    _keys(pool, ["clickbait", "news"])
    with pytest.raises(WorkspaceError) as refused:
        _keys(pool, ["clickbait", "news"], {"news": "1"})
    message = str(refused.value)
    assert "'1' is the hotkey of 'clickbait'" in message and "--hotkeys news=1,clickbait=3" in message
    assert _keys(pool, ["clickbait", "news"]) == {"clickbait": "1", "news": "2"}  # nothing changed


def test_a_removed_category_does_not_hand_its_key_to_a_new_one(pool):
    _keys(pool, ["a", "b", "c"])
    assert _keys(pool, ["a", "c", "d"]) == {"a": "1", "c": "3", "d": "4"}
    assert _keys(pool, ["a", "b", "c", "d"]) == {"a": "1", "b": "2", "c": "3", "d": "4"}  # b back: its key


def test_bad_hotkeys_on_the_command_line_say_what_a_hotkey_can_be(pool, capsys):
    command = ["serve", "--data", str(pool / "pool.csv"), "--categories", "news,clickbait",
               "--workspace", str(pool / "ws"), "--port", "0"]
    assert main([*command, "--hotkeys", "news=s"]) == 2
    err = capsys.readouterr().err
    assert "'s'" in err and "digit 1-9 or one of the letters bdefghijklmnpqtuvwxyz" in err
    assert main([*command, "--hotkeys", "sport=2"]) == 2
    assert "not one of the categories (news, clickbait)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*command, "--hotkeys", "news"])
    assert "is not name=key" in capsys.readouterr().err
    assert not (pool / "ws").exists()


def test_a_schema_3_workspace_keeps_the_keys_its_order_gave(pool):
    _keys(pool, ["clickbait", "news", "sports"])
    db = sqlite3.connect(pool / "ws" / DB_NAME)  # as active-labeling wrote it before schema 4
    db.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    db.execute("DELETE FROM meta WHERE key = 'hotkeys'")
    db.commit()
    db.close()
    assert _keys(pool, ["sports", "news", "clickbait"]) == {"clickbait": "1", "news": "2", "sports": "3"}
