"""``dataiku.Folder``: a managed folder in ``<root>/projects/<KEY>/folders/<id>/`` (files/, folder.json).

Folders are non-local by default (like S3): ``get_path()`` and ``file_path()`` raise, so plugin code
that relies on them fails in tests as it would on a cloud connection.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any, List, Optional, Union

from ._base import check_declared, read_json, split_name, standin_root


def find_folder(project_key: str, lookup: str) -> str:
    """The id of the folder whose id or name is ``lookup``."""
    base = standin_root() / "projects" / project_key / "folders"
    if (base / lookup / "folder.json").exists():
        return lookup
    for conf in sorted(base.glob("*/folder.json")):
        if read_json(conf, {}).get("name") == lookup:
            return conf.parent.name
    raise Exception(f"Managed folder {lookup} does not exist in project {project_key}")


class Folder:
    def __init__(self, lookup: str, project_key: Optional[str] = None, ignore_flow: bool = False):
        self.project_key, lookup_short = split_name(lookup, project_key)
        self.odb_id = find_folder(self.project_key, lookup_short)
        self.full_name = f"{self.project_key}.{self.odb_id}"
        self._base = standin_root() / "projects" / self.project_key / "folders" / self.odb_id
        check_declared("Managed folder", self.full_name, ignore_flow)
        self._conf = read_json(self._base / "folder.json")
        self.name = self._conf.get("name", self.odb_id)

    def get_id(self) -> str:
        return self.odb_id

    def get_name(self) -> str:
        return self.name

    # -- paths -----------------------------------------------------------------------------
    def _file(self, path: str) -> Path:
        """The file behind a folder path; any path that leaves the folder is refused."""
        if not isinstance(path, str):
            raise TypeError(f"A folder path must be a string, got {path!r}")
        parts = PurePosixPath("/" + path.replace("\\", "/")).parts[1:]
        if any(p == ".." for p in parts):
            raise Exception(f"Invalid path {path!r}: it goes outside the managed folder")
        return self._base.joinpath("files", *parts)

    @staticmethod
    def _folder_path(path: str) -> str:
        return "/" + "/".join(p for p in path.replace("\\", "/").split("/") if p not in ("", "."))

    def get_path(self) -> str:
        if not self._conf.get("local"):
            raise Exception(f"Folder {self.full_name} is not on the local filesystem, "
                            "cannot perform this operation. "
                            "Use get_download_stream/upload_stream instead.")
        return str(self._base / "files")

    def file_path(self, filename: str) -> str:
        self.get_path()
        return str(self._file(filename))

    def list_paths_in_partition(self, partition: str = "") -> List[str]:
        root = self._base / "files"
        out = []
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                out.append("/" + Path(dirpath, name).relative_to(root).as_posix())
        return sorted(out)

    def get_path_details(self, path: str = "/") -> dict:
        target = self._file(path)
        details: dict = {"exists": target.exists(), "fullPath": self._folder_path(path),
                         "name": target.name if path.strip("/") else "", "directory": target.is_dir()}
        if target.is_file():
            stat = target.stat()
            details.update(size=stat.st_size, lastModified=int(stat.st_mtime * 1000))
        elif target.is_dir():
            details["children"] = [self.get_path_details(self._folder_path(path) + "/" + child.name)
                                   for child in sorted(target.iterdir())]
        return details

    # -- content ---------------------------------------------------------------------------
    def get_download_stream(self, path: str) -> io.BufferedReader:
        target = self._file(path)
        if not target.is_file():
            raise Exception(f"Path {path} does not exist in managed folder {self.full_name}")
        return open(target, "rb")

    def upload_stream(self, path: str, f) -> None:
        target = self._file(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".uploading")
        with open(tmp, "wb") as out:
            shutil.copyfileobj(f, out)
        os.replace(tmp, target)

    def upload_data(self, path: str, data: Union[bytes, str]) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.upload_stream(path, io.BytesIO(data))

    def upload_file(self, path: str, file_path: str) -> None:
        with open(file_path, "rb") as f:
            self.upload_stream(path, f)

    def read_json(self, path: str) -> Any:
        with self.get_download_stream(path) as f:
            return json.loads(f.read().decode("utf-8"))

    def write_json(self, path: str, obj: Any) -> None:
        self.upload_data(path, json.dumps(obj))

    def delete_path(self, path: str) -> None:
        target = self._file(path)
        if target == self._base / "files":
            shutil.rmtree(target)
            target.mkdir()
        elif target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

    def clear(self) -> None:
        self.delete_path("/")
