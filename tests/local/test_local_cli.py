import pytest

from active_labeling.cli import main
from active_labeling.local.demo import build_sample
from active_labeling.local.folder import FolderPool
from active_labeling.local.tabular import TabularFilePool


def test_serve_explains_bad_data_paths(tmp_path, capsys):
    assert main(["serve", "--data", str(tmp_path / "missing.csv"), "--categories", "a,b",
                 "--workspace", str(tmp_path / "ws")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["serve", "--kind", "image", "--data", __file__, "--categories", "a",
                 "--workspace", str(tmp_path / "ws")]) == 2
    assert "folder" in capsys.readouterr().err


def test_serve_refuses_a_workspace_made_for_other_data(tmp_path, capsys):
    (tmp_path / "one.csv").write_text("x\n1\n")
    (tmp_path / "two.csv").write_text("x\n2\n")
    from active_labeling.local.app import LocalSetup, build_app

    build_app(LocalSetup(kind="tabular", data=tmp_path / "one.csv", categories=["a"],
                         workspace=tmp_path / "ws")).close()
    assert main(["serve", "--data", str(tmp_path / "two.csv"), "--categories", "a",
                 "--workspace", str(tmp_path / "ws")]) == 2
    assert "was made for data" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["tabular", "image", "sound"])
def test_the_demo_samples_are_built_from_installed_data(tmp_path, kind):
    data, categories, description = build_sample(kind, tmp_path)
    pool = TabularFilePool(data) if kind == "tabular" else FolderPool(data, kind)
    assert len(pool.item_ids()) >= 15 and len(categories) == 3 and description
    assert build_sample(kind, tmp_path)[0] == data  # built once


def test_a_second_server_on_the_same_workspace_is_refused(tmp_path):
    from active_labeling.local.app import LocalSetup, build_app
    from active_labeling.local.workspace import WorkspaceError

    (tmp_path / "one.csv").write_text("x\n1\n")
    setup = LocalSetup(kind="tabular", data=tmp_path / "one.csv", categories=["a"], workspace=tmp_path / "ws")
    first = build_app(setup)
    try:
        with pytest.raises(WorkspaceError, match="another `active-labeling serve`"):
            build_app(setup)
    finally:
        first.close()
    build_app(setup).close()
