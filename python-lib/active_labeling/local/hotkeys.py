"""Which key labels which category in a workspace: kept by category name across restarts.

An annotator learns "2 is news"; re-ordering ``--categories`` must not silently turn 2 into
another category. So the workspace stores name -> key: a category keeps its key until
``--hotkeys`` sets another, and a new category gets the first key nobody holds. Keys of categories
since removed stay reserved while other keys are free, so that a new category does not inherit a
key annotators still associate with the old one.
"""

from __future__ import annotations

from typing import Dict, Mapping, Sequence

from active_labeling.service.settings import HOTKEY_LETTERS, HOTKEYS


class HotkeyError(ValueError):
    """``--hotkeys`` can't be applied; the message says why and what to give instead."""


def first_hotkeys(names: Sequence[str]) -> Dict[str, str]:
    """The keys given by display order (what workspaces before schema 4 showed): 1-9, then letters."""
    return dict(zip(names, HOTKEYS))


def parse_hotkeys(text: str) -> Dict[str, str]:
    """``name=key,name=key`` (the CLI's ``--hotkeys``) as a mapping, keys lower-cased."""
    chosen: Dict[str, str] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sign, key = part.rpartition("=")
        if not sign or not name.strip() or not key.strip():
            raise HotkeyError(f"--hotkeys: {part!r} is not name=key; write for example "
                              "--hotkeys news=n,clickbait=c")
        chosen[name.strip()] = key.strip().lower()
    return chosen


def keep_hotkeys(names: Sequence[str], stored: Mapping[str, str],
                 explicit: Mapping[str, str]) -> Dict[str, str]:
    """The workspace's new name -> key mapping (current and former categories).

    Parameters
    ----------
    names : sequence of str
        The categories served now, in display order.
    stored : mapping
        The mapping the workspace kept (may name categories no longer served).
    explicit : mapping
        Keys set with ``--hotkeys``; they win, and are kept from now on.

    Raises
    ------
    HotkeyError
        A key that is not a hotkey, one given twice, a name that is not a category, or a key that
        another current category holds and keeps.
    """
    for name, key in explicit.items():
        if name not in names:
            raise HotkeyError(f"--hotkeys names {name!r}, which is not one of the categories "
                              f"({', '.join(names)}): use the category names")
        if key not in HOTKEYS:
            raise HotkeyError(f"--hotkeys gives {name!r} the key {key!r}: a hotkey is a digit 1-9 or one "
                              f"of the letters {HOTKEY_LETTERS} (the others are commands of the page)")
    if len(set(explicit.values())) != len(explicit):
        raise HotkeyError("--hotkeys gives the same key to two categories: give each its own key")
    current = set(names)
    mapping = {name: key for name, key in stored.items() if key in HOTKEYS}
    for name, key in explicit.items():
        holder = next((n for n, k in mapping.items() if k == key and n != name), None)
        if holder in current and holder not in explicit:
            free = next((k for k in HOTKEYS if k not in mapping.values() and k not in explicit.values()), "?")
            raise HotkeyError(
                f"--hotkeys gives {key!r} to {name!r}, but {key!r} is the hotkey of {holder!r} in this "
                f"workspace (hotkeys stay with their category so that annotators' habits hold): give "
                f"{holder!r} a key too, for example --hotkeys {name}={key},{holder}={free}")
        if holder is not None:
            del mapping[holder]
        mapping[name] = key
    for name in names:
        if name in mapping:
            continue
        taken = set(mapping.values())
        key = next((k for k in HOTKEYS if k not in taken), None)
        if key is None:  # every key is held: take one back from a category no longer served
            key = next((k for n, k in mapping.items() if n not in current), None)
            if key is None:
                continue  # more categories than keys: the rest are chosen with the mouse
            del mapping[next(n for n, k in mapping.items() if k == key)]
        mapping[name] = key
    return mapping


def describe(names: Sequence[str], mapping: Mapping[str, str]) -> str:
    """``1 news, 2 clickbait`` for ``status``, in display order."""
    return ", ".join(f"{mapping[name]} {name}" if name in mapping else f"(no key) {name}" for name in names)
