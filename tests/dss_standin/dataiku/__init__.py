"""A file-backed stand-in for the part of DSS's ``dataiku`` package described in
``shared/dss-runtime.md``. Test-only: python-lib never imports it and it is never shipped.
"""

from ._base import default_project_key
from .auth import api_client
from .dataset import Dataset
from .folder import Folder
from .model import Model
from .project import Project

__all__ = ["Dataset", "Folder", "Model", "Project", "api_client", "default_project_key"]
