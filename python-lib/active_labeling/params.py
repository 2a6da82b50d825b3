"""Turn a component's raw DSS config (plain JSON) into typed values, with errors a DSS user understands.

Every component's config module reads its parameters through a :class:`ParamReader`. The reader
records which parameters were read, so that the descriptor tests can check that every declared
parameter is used and every parameter read is declared.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Sequence


class ParamError(ValueError):
    """A parameter has a value the component cannot use; the message says which and what to do."""


_MISSING = object()


class ParamReader:
    """Typed access to a raw config dict.

    Parameters
    ----------
    raw : mapping
        The config as DSS passes it (``get_recipe_config()``, ``get_webapp_config()``...).
    component : str
        How the user knows the component ("Query Sampler recipe"), used in error messages.
    labels : mapping, optional
        Parameter name to the label shown in the DSS settings form.
    """

    def __init__(self, raw: Optional[Mapping[str, Any]], component: str,
                 labels: Optional[Mapping[str, str]] = None):
        self.raw = dict(raw or {})
        self.component = component
        self.labels = dict(labels or {})
        self.read_names: set = set()

    def _error(self, name: str, expected: str, value: Any) -> ParamError:
        label = self.labels.get(name)
        where = f"'{label}' ({name})" if label else f"'{name}'"
        return ParamError(
            f"{self.component}: parameter {where} should be {expected}, got {value!r}. "
            f"Fix it in the settings of the {self.component}."
        )

    def _get(self, name: str, default: Any) -> Any:
        self.read_names.add(name)
        value = self.raw.get(name, _MISSING)
        if value is _MISSING or value is None or value == "":
            return default
        return value

    def _require(self, name: str, expected: str) -> Any:
        value = self._get(name, _MISSING)
        if value is _MISSING:
            raise self._error(name, expected, None)
        return value

    def string(self, name: str, default: Any = _MISSING) -> Optional[str]:
        """A non-empty string (stripped); ``default`` when absent, an error if there is none."""
        value = self._get(name, default)
        if value is _MISSING:
            raise self._error(name, "a non-empty text", self.raw.get(name))
        if value is default:
            return value
        if not isinstance(value, str) or not value.strip():
            raise self._error(name, "a non-empty text", value)
        return value.strip()

    def integer(self, name: str, default: Any = _MISSING, minimum: Optional[int] = None,
                maximum: Optional[int] = None) -> int:
        """A whole number within ``[minimum, maximum]``."""
        bounds = _bounds_text(minimum, maximum)
        value = self._get(name, default)
        if value is _MISSING:
            raise self._error(name, f"a whole number{bounds}", self.raw.get(name))
        if isinstance(value, bool):
            raise self._error(name, f"a whole number{bounds}", value)
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise self._error(name, f"a whole number{bounds}", value) from None
        if number != value and not (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
            raise self._error(name, f"a whole number{bounds}", value)
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._error(name, f"a whole number{bounds}", value)
        return number

    def number(self, name: str, default: Any = _MISSING, minimum: Optional[float] = None,
               maximum: Optional[float] = None) -> float:
        """A real number within ``[minimum, maximum]``."""
        bounds = _bounds_text(minimum, maximum)
        value = self._get(name, default)
        if value is _MISSING or isinstance(value, bool):
            raise self._error(name, f"a number{bounds}", self.raw.get(name))
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise self._error(name, f"a number{bounds}", value) from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise self._error(name, f"a number{bounds}", value)
        return number

    def boolean(self, name: str, default: bool = False) -> bool:
        """A checkbox value."""
        value = self._get(name, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self._error(name, "true or false", value)

    def choice(self, name: str, choices: Sequence[str], default: Any = _MISSING) -> str:
        """One of ``choices`` (a SELECT parameter)."""
        expected = "one of " + ", ".join(repr(c) for c in choices)
        value = self._get(name, default)
        if value is _MISSING or value not in choices:
            raise self._error(name, expected, self.raw.get(name))
        return value

    def choices(self, name: str, choices: Sequence[str], default: Iterable[str] = ()) -> list:
        """A list of values among ``choices`` (a MULTISELECT parameter)."""
        expected = "a list of " + ", ".join(repr(c) for c in choices)
        value = self._get(name, list(default))
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or any(v not in choices for v in value):
            raise self._error(name, expected, value)
        return list(value)

    def string_list(self, name: str, default: Iterable[str] = ()) -> list:
        """A list of texts (COLUMNS, DATASET_COLUMNS, or a comma-separated STRING)."""
        value = self._get(name, list(default))
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise self._error(name, "a list of names", value)
        return list(value)

    def key_values(self, name: str, default: Any = _MISSING) -> list:
        """A KEY_VALUE_LIST as ordered ``(key, value)`` pairs.

        Recent DSS sends a list of ``{"from": key, "to": value}``; older DSS a dict: both are accepted.
        Keys must be non-empty and unique.
        """
        value = self._get(name, default)
        if value is _MISSING:
            raise self._error(name, "a non-empty list of key → value pairs", self.raw.get(name))
        if isinstance(value, Mapping):
            pairs = [(str(k), "" if v is None else str(v)) for k, v in value.items()]
        elif isinstance(value, (list, tuple)):
            pairs = []
            for entry in value:
                if not isinstance(entry, Mapping) or "from" not in entry:
                    raise self._error(name, "a list of key → value pairs", value)
                pairs.append((str(entry.get("from") or "").strip(), str(entry.get("to") or "")))
        else:
            raise self._error(name, "a list of key → value pairs", value)
        keys = [key for key, _ in pairs]
        if any(not key for key in keys):
            raise self._error(name, "pairs whose keys are not empty", value)
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise self._error(name, f"pairs with distinct keys (repeated: {', '.join(duplicates)})", value)
        return pairs


def _bounds_text(minimum, maximum) -> str:
    if minimum is not None and maximum is not None:
        return f" between {minimum} and {maximum}"
    if minimum is not None:
        return f" ≥ {minimum}"
    if maximum is not None:
        return f" ≤ {maximum}"
    return ""
