"""Contract of ``dataiku.Folder`` (shared/dss-runtime.md, section Folder)."""

from __future__ import annotations

import io

import dataiku
import pytest
from contract_helpers import entry_point, last_json


def test_list_paths_have_a_leading_slash(dss):
    dss.create_folder("images", {"a.png": b"1", "sub/b.png": b"2"})
    assert dataiku.Folder("images").list_paths_in_partition() == ["/a.png", "/sub/b.png"]


def test_download_stream_is_a_file_like_context_manager(dss):
    dss.create_folder("images", {"/sub/b.png": b"\x89PNG data"})
    with dataiku.Folder("images").get_download_stream("/sub/b.png") as stream:
        assert stream.read(4) == b"\x89PNG" and stream.read() == b" data"
    with pytest.raises(Exception, match="does not exist"):
        dataiku.Folder("images").get_download_stream("/missing.png")


def test_uploads_json_and_delete(dss):
    dss.create_folder("work")
    folder = dataiku.Folder("work")
    folder.upload_stream("/a/blob.bin", io.BytesIO(b"\x00\x01"))
    folder.upload_data("text.txt", "héllo")
    folder.write_json("/state.json", {"n": 1})
    assert folder.read_json("state.json") == {"n": 1}
    assert dss.folder_files("work") == {"/a/blob.bin": b"\x00\x01", "/state.json": b'{"n": 1}',
                                        "/text.txt": "héllo".encode()}
    folder.delete_path("/a")
    assert "/a/blob.bin" not in dss.folder_files("work")


def test_path_details(dss):
    dss.create_folder("work", {"/d/x.txt": b"abc"})
    folder = dataiku.Folder("work")
    details = folder.get_path_details("/d/x.txt")
    assert details["exists"] and not details["directory"] and details["size"] == 3
    assert details["fullPath"] == "/d/x.txt"
    assert [c["fullPath"] for c in folder.get_path_details("/d")["children"]] == ["/d/x.txt"]
    assert folder.get_path_details("/nope")["exists"] is False


@pytest.mark.parametrize("path", ["/../outside.txt", "../outside.txt", "/a/../../outside.txt"])
def test_paths_escaping_the_folder_raise(dss, path):
    dss.create_folder("work", {"/a/x": b"1"})
    folder = dataiku.Folder("work")
    with pytest.raises(Exception, match="outside"):
        folder.upload_data(path, b"evil")
    with pytest.raises(Exception, match="outside"):
        folder.get_download_stream(path)
    assert not (dss.root / "projects" / "PROJ" / "folders" / "outside.txt").exists()


def test_get_path_and_file_path_refused_unless_local(dss):
    dss.create_folder("cloud", {"/x": b"1"})
    dss.create_folder("disk", {"/x": b"1"}, local=True)
    for call in (lambda f: f.get_path(), lambda f: f.file_path("x")):
        with pytest.raises(Exception, match="not on the local filesystem"):
            call(dataiku.Folder("cloud"))
    with open(dataiku.Folder("disk").file_path("x"), "rb") as f:
        assert f.read() == b"1"


def test_folder_found_by_id_or_name(dss):
    dss.create_folder("a1B2c3", {"/x": b"1"}, name="Images to label")
    assert dataiku.Folder("Images to label").get_id() == "a1B2c3"
    assert dataiku.Folder("PROJ.a1B2c3").get_name() == "Images to label"


def test_recipe_refuses_undeclared_folder(dss, tmp_path):
    dss.create_folder("declared", {"/x": b"1"})
    dss.create_folder("other", {"/x": b"1"})
    recipe = entry_point(tmp_path, "r", "recipe.py", """
        import json, dataiku
        try:
            dataiku.Folder("other")
            refused = None
        except Exception as e:
            refused = str(e)
        declared = dataiku.Folder("declared").list_paths_in_partition()
        print(json.dumps({"refused": refused, "declared": declared}))
    """)
    out = last_json(dss.run_recipe(recipe, inputs={"media": ["declared"]}).check().stdout)
    assert "cannot be used" in out["refused"] and out["declared"] == ["/x"]
