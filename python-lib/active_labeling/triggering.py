"""When the "every n labelings" trigger fires: pure counting and deciding, no DSS.

The trigger is re-run as a fresh script every few seconds, and DSS keeps its state only when it
fires. So each run recounts from the metadata's ``status`` and ``date`` columns and compares with
what the state recorded at the last fire.

Rules
-----
* A *labeling* is a metadata row whose status is ``labeled``. Skips are not labelings. A changed
  label (the same annotator labeling the same item again) **counts**: it changes the labels the
  model is trained on, and counting it needs no more than the two cheap columns.
* With a queries dataset, a labeling belongs to the current generation when it is dated at or
  after the generation's date. The first fire needs ``n`` labelings in the current generation
  (older ones did not answer these queries). After a fire, the trigger fires again when a *new*
  generation holds ``n`` labelings, or when ``n`` labelings were made since the last fire,
  whatever the generation: labelings made while the scenario runs count for the next fire, a
  failed retrain is retried ``n`` labelings later, and the same labelings never fire twice, so the
  trigger never loops while its scenario runs.
* Without a queries dataset: ``n`` labelings since the last fire (since the start before any fire).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

import numpy as np
import pandas as pd

LABELED = "labeled"


@dataclass(frozen=True)
class Counts:
    """Labelings counted in the metadata.

    ``in_generation`` is None when the generation's date is unknown (never sampled, or written
    by a sampler that did not record it).
    """

    total: int
    in_generation: Optional[int]


@dataclass(frozen=True)
class FireState:
    """What the trigger remembers of its last fire (DSS stores it as a string)."""

    generation: Optional[int]
    total: int

    def to_json(self) -> str:
        """The string handed to ``Trigger.fire(state=...)``."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: Optional[str]) -> Optional[FireState]:
        """The state of the last fire, or None when it never fired (or the state is unreadable)."""
        if not text:
            return None
        try:
            raw = json.loads(text)
            generation = raw.get("generation")
            return cls(generation=None if generation is None else int(generation), total=int(raw["total"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            # An unreadable state is treated as "never fired": at worst one extra retrain.
            return None


@dataclass(frozen=True)
class FireDecision:
    """Whether to fire, why, and what to hand to ``Trigger.fire``."""

    fire: bool
    reason: str
    params: Dict[str, Any]
    state: Optional[str]


def count_labelings(status: pd.Series, dates: pd.Series, since: Optional[str]) -> Counts:
    """Count the labelings, in all and dated at or after ``since``.

    Parameters
    ----------
    status : Series
        The metadata's ``status`` column (``labeled`` / ``skipped``).
    dates : Series
        The metadata's ``date`` column: ISO 8601 UTC texts, or datetimes when DSS parsed them.
    since : str, optional
        When the current queries generation was written (ISO 8601 UTC); None to skip that count.
    """
    labeled = np.asarray(status.to_numpy(dtype=object) == LABELED, dtype=bool)
    total = int(labeled.sum())
    if since is None:
        return Counts(total=total, in_generation=None)
    start = _to_utc(pd.Series([since])).iloc[0]
    if pd.isna(start):
        return Counts(total=total, in_generation=None)
    return Counts(total=total, in_generation=_count_at_or_after(dates, labeled, start))


def decide(counts: Counts, n: int, generation: Optional[int], last: Optional[FireState]) -> FireDecision:
    """Decide whether the trigger fires now.

    Parameters
    ----------
    counts : Counts
        From :func:`count_labelings`.
    n : int
        Number of labelings between two retrains.
    generation : int, optional
        The current queries generation; None when the trigger has no queries dataset.
    last : FireState, optional
        The state saved at the last fire; None if it never fired.
    """
    last_total = last.total if last is not None else 0
    # A metadata dataset that shrank was emptied or replaced: count from zero again.
    since_fire = counts.total - last_total if counts.total >= last_total else counts.total
    in_generation = counts.in_generation
    if generation is not None and in_generation is None:
        # Without the generation's date, fall back to what was labeled since the last fire, which
        # can never make the trigger fire again right after the generation it caused.
        in_generation = since_fire
    params = {"n": n, "generation": generation, "labelings_total": counts.total,
              "labelings_since_last_fire": since_fire, "labelings_in_generation": in_generation}

    if generation is None:
        fire = since_fire >= n
        reason = f"{since_fire} labeling(s) since the last fire, {n} needed"
    elif last is None or last.generation != generation:
        fire = in_generation >= n or (last is not None and since_fire >= n)
        reason = f"{in_generation} labeling(s) in generation {generation}, {n} needed"
        if last is not None:
            reason += f" (or {n} since the last fire: {since_fire} so far)"
    else:
        fire = since_fire >= n
        reason = (f"generation {generation} already triggered a retrain; {since_fire} labeling(s) "
                  f"since then, {n} needed")
    state = FireState(generation=generation, total=counts.total).to_json() if fire else None
    return FireDecision(fire=fire, reason=reason, params=params, state=state)


def _count_at_or_after(dates: pd.Series, labeled: np.ndarray, start: pd.Timestamp) -> int:
    """How many labeled rows are dated at or after ``start``, without parsing a million texts.

    ISO 8601 texts sort like their moments, except when a time zone offset or a different spelling
    of the seconds ("Z", ".000Z", "+00:00") comes into play: that only matters within 15 hours of
    ``start``. So texts are compared as texts, and only those within 15 hours of ``start`` and
    spelled differently from the webapp's ``2026-11-22T10:00:00.123Z`` are parsed.
    """
    if pd.api.types.is_datetime64_any_dtype(dates.dtype) or not len(dates):
        return int((_to_utc(dates[labeled]) >= start).sum())
    texts = dates.to_numpy(dtype=object)
    canonical = start.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    low = (start - pd.Timedelta(hours=15)).strftime("%Y-%m-%dT%H")
    high = (start + pd.Timedelta(hours=16)).strftime("%Y-%m-%dT%H")
    try:
        late = texts >= low  # the one pass over every row: a generation is usually the recent tail
    except TypeError:  # missing dates (NaN) or other objects among the texts
        texts = np.where(pd.isna(texts), "", texts)  # "" sorts before any date: never in the generation
        try:
            late = texts >= low
        except TypeError:
            return int((_to_utc(dates[labeled]) >= start).sum())
    ends = [value for value in (texts[0], texts[-1]) if value]
    if not all(isinstance(value, str) and _ISO_START.match(value) for value in ends):
        return int((_to_utc(dates[labeled]) >= start).sum())  # not ISO texts: parse them all
    candidates = texts[late & labeled]
    near = candidates < high
    far_after = int(np.count_nonzero(~near))  # 16 hours or more after start, whatever the offset
    close = candidates[near]
    # Fixed width, so the spelling check is vectorized; a longer text is cut, hence not plain.
    codes = close.astype("U32").view(np.uint32).reshape(len(close), 32)
    plain = (codes[:, 10] == ord("T")) & (codes[:, 23] == ord("Z")) & (codes[:, 24] == 0)
    exact = int(np.count_nonzero(close[plain] >= canonical))
    exact += int((_to_utc(pd.Series(close[~plain], dtype=object)) >= start).sum())
    return far_after + exact


_ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}")


def _to_utc(values: pd.Series) -> pd.Series:
    """Datetimes in UTC (NaT where unreadable) from ISO texts or already-parsed dates."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        if getattr(values.dt, "tz", None) is None:
            return values.dt.tz_localize("UTC")
        return values.dt.tz_convert("UTC")
    texts = values.astype(object)
    if int(pd.__version__.split(".")[0]) >= 2:
        # pandas 2 guesses one format from the first value; "ISO8601" accepts every ISO variant.
        return pd.to_datetime(texts, utc=True, errors="coerce", format="ISO8601")
    return pd.to_datetime(texts, utc=True, errors="coerce")
