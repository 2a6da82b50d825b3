"""The kinds of items a labeling webapp labels, and what each kind's items are.

One entry per kind, read wherever the code depends on the kind, rather than ``if kind == ...``
branches in every module: a kind's items are the rows of a table (``tabular``, ``text``) or the
files of a folder (``image``, ``sound``), the page fetches the media routes it lists, and its model
receives what :mod:`active_labeling.learning.model_input` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Tuple


@dataclass(frozen=True)
class Kind:
    """What the items of one kind are.

    Attributes
    ----------
    name : str
        ``tabular``, ``text``, ``image`` or ``sound``.
    component : str
        The DSS webapp's name, in messages.
    table : bool
        True: the items are the rows of a dataset or table file; False: the files of a folder.
    media : tuple of str
        What ``GET /api/items/<id>/<what>`` serves for an item (empty for rows).
    noun : str
        The items, in a sentence ("texts", "images").
    model_input : str
        What its models receive (``learning.model_input``): ``table``, ``text`` or ``files``.
    """

    name: str
    component: str
    table: bool
    media: Tuple[str, ...] = ()
    noun: str = "items"
    model_input: str = "table"


KINDS: Dict[str, Kind] = {kind.name: kind for kind in (
    Kind("tabular", "Tabular labeling webapp", table=True, noun="rows"),
    Kind("text", "Text labeling webapp", table=True, noun="texts", model_input="text"),
    Kind("image", "Image labeling webapp", table=False, media=("media", "size"), noun="images",
         model_input="files"),
    Kind("sound", "Sound labeling webapp", table=False, media=("media", "waveform", "spectrogram"),
         noun="sounds", model_input="files"),
)}
NAMES: Tuple[str, ...] = tuple(KINDS)
TABLE_KINDS: Tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.table)
FOLDER_KINDS: Tuple[str, ...] = tuple(name for name, kind in KINDS.items() if not kind.table)


def kind_of(name: str) -> Kind:
    """The entry of ``name``; a ``ValueError`` naming the kinds there are for an unknown one."""
    try:
        return KINDS[name]
    except KeyError:
        raise ValueError(f"unknown kind {name!r}: expected one of {', '.join(NAMES)}") from None
