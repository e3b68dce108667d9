"""Find which of many short strings a typed query matches, fast at half a million strings.

A :class:`TextIndex` answers four questions about a list of strings (the choices):

- which start with the query (a bisection of the sorted choices);
- which contain it at the start of a word, or anywhere (an inverted index of character
  bigrams: the choices holding every bigram of the query, then checked);
- which are close to it despite typos: rapidfuzz's scorer over the choices sharing the
  most bigrams with the query, not over all of them.

Why own code and not rapidfuzz over every choice: at the 74,000-booth venue (520,000
choices) one ``process.extract`` with ``WRatio`` takes 0.4-1 s and a regular-expression
scan of the joined choices 15-30 ms per tier; the bisection and bigram lookups answer in a
few milliseconds (``benchmarks/bench_search.py``, "Search at scale" in RESULTS.md).
The typo tier is a candidate filter: a choice sharing few bigrams with the query can
still score above the cut-off (a short query inside a long name with two typos), and
is then missed; the benchmark measures how often against the exhaustive scan.

The index is plain arrays (:meth:`TextIndex.arrays`), so it can be saved and loaded
without pickling (``numpy.savez``, ``allow_pickle=False``).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np
from rapidfuzz import process

__all__ = ["TextIndex"]

#: Code points fit in 21 bits: a bigram is ``first << 21 | second``.
_SHIFT: Final = 21
#: Characters from here up (CJK and beyond) are also indexed alone: one Chinese
#: character is a query.
_WIDE: Final = 0x2E80
#: The typo tier scores at most this many candidates sharing bigrams with the query...
FUZZY_CANDIDATES: Final = 2000
#: ...and this many more per word of the query found whole at the start of a word.
WORD_CANDIDATES: Final = 300
_MAX_CHAR: Final = "\U0010ffff"


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def _postings(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return ``(unique keys, pointers, ids)``: the sorted, distinct ids of each key."""
    if not len(keys):
        empty = np.empty(0, dtype=np.int64)
        return empty, np.zeros(1, dtype=np.int64), empty.astype(np.int32)
    if int(keys.max()) < 1 << 42 and int(ids.max()) < 1 << _SHIFT:
        # One sort of one int64 (key and id packed) instead of a two-key lexsort; not
        # np.unique, whose hashing is 20x slower on these packed keys (numpy 2.3).
        both = np.sort((keys << _SHIFT) | ids)
        both = both[np.r_[True, both[1:] != both[:-1]]]
        keys, ids = both >> _SHIFT, both & ((1 << _SHIFT) - 1)
    else:
        order = np.lexsort((ids, keys))
        keys, ids = keys[order], ids[order]
        keep = np.ones(len(keys), dtype=bool)
        keep[1:] = (keys[1:] != keys[:-1]) | (ids[1:] != ids[:-1])
        keys, ids = keys[keep], ids[keep]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ptr = np.r_[starts, len(keys)].astype(np.int64)
    return keys[starts], ptr, ids.astype(np.int32)


class TextIndex:
    """A read-only index of ``choices`` for prefix, word, substring and typo matching.

    Parameters
    ----------
    choices
        The strings to match against, already normalised (case-folded) by the caller;
        none may contain a newline.
    """

    def __init__(self, choices: Sequence[str]) -> None:
        self.choices: list[str] = list(choices)
        n = len(self.choices)
        self._order = np.array(
            sorted(range(n), key=self.choices.__getitem__), dtype=np.int32
        ).reshape(-1)
        self._build_postings()
        self._finish()

    # --- building and saving -------------------------------------------------------------
    def _build_postings(self) -> None:
        lengths = np.fromiter((len(c) for c in self.choices), dtype=np.int64, count=len(self))
        codes = _codes("".join(self.choices))
        owner = np.repeat(np.arange(len(self), dtype=np.int64), lengths)
        # Bigrams inside one choice: not across the join between two.
        same = owner[1:] == owner[:-1] if len(owner) else np.empty(0, dtype=bool)
        keys = (codes[:-1] << _SHIFT) | codes[1:]
        self._bi_keys, self._bi_ptr, self._bi_ids = _postings(keys[same], owner[:-1][same])
        wide = codes >= _WIDE
        self._uni_keys, self._uni_ptr, self._uni_ids = _postings(codes[wide], owner[wide])
        self._lengths = lengths

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the index as named arrays (for :meth:`from_arrays`; no Python objects)."""
        blob = "\n".join(self.choices).encode("utf-8")
        return {
            "choices_utf8": np.frombuffer(blob, dtype=np.uint8),
            "order": self._order,
            "bi_keys": self._bi_keys,
            "bi_ptr": self._bi_ptr,
            "bi_ids": self._bi_ids,
            "uni_keys": self._uni_keys,
            "uni_ptr": self._uni_ptr,
            "uni_ids": self._uni_ids,
            "lengths": self._lengths,
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TextIndex:
        """Return the index :meth:`arrays` described."""
        self = cls.__new__(cls)
        blob = bytes(arrays["choices_utf8"]).decode("utf-8")
        self.choices = blob.split("\n") if len(arrays["lengths"]) else []
        for name in ("order", "bi_keys", "bi_ptr", "bi_ids", "uni_keys", "uni_ptr", "uni_ids"):
            setattr(self, f"_{name}", np.asarray(arrays[name]))
        self._lengths = np.asarray(arrays["lengths"])
        if len(self.choices) != len(self._lengths):
            msg = "saved text index is inconsistent: choices and lengths differ"
            raise ValueError(msg)
        self._finish()
        return self

    def _finish(self) -> None:
        self._sorted = [self.choices[i] for i in self._order.tolist()]

    def __len__(self) -> int:
        return len(self.choices)

    # --- exact tiers ---------------------------------------------------------------------
    def prefix(self, text: str) -> np.ndarray:
        """Return the ids of the choices that start with ``text``."""
        lo = bisect.bisect_left(self._sorted, text)
        hi = bisect.bisect_left(self._sorted, text + _MAX_CHAR, lo)
        return np.sort(self._order[lo:hi]).astype(np.int64)

    def contains(self, needle: str, *, most: int | None = None) -> np.ndarray:
        """Return the ids of the choices in which ``needle`` occurs, sorted.

        With ``most``, only the first ``most`` of them (the lowest ids).
        """
        if not needle or "\n" in needle:
            return np.empty(0, dtype=np.int64)
        codes = _codes(needle)
        if len(codes) == 1:
            if codes[0] >= _WIDE:
                return self._list(self._uni_keys, self._uni_ptr, self._uni_ids, int(codes[0]))
            return np.flatnonzero([needle in c for c in self.choices]).astype(np.int64)
        keys = sorted(set(((codes[:-1] << _SHIFT) | codes[1:]).tolist()))
        lists = sorted(
            (self._list(self._bi_keys, self._bi_ptr, self._bi_ids, int(k)) for k in keys),
            key=len,
        )
        found = lists[0]
        for other in lists[1:]:
            if not len(found):
                break
            mark = np.zeros(len(self), dtype=bool)
            mark[other] = True
            found = found[mark[found]]
        if len(codes) == 2:  # the bigram is the needle: no need to check
            return found[:most]
        choices = self.choices
        if most is None:
            return found[[needle in choices[i] for i in found.tolist()]]
        kept = []
        for i in found.tolist():
            if needle in choices[i]:
                kept.append(i)
                if len(kept) >= most:
                    break
        return np.asarray(kept, dtype=np.int64)

    @staticmethod
    def _list(keys: np.ndarray, ptr: np.ndarray, ids: np.ndarray, key: int) -> np.ndarray:
        at = int(np.searchsorted(keys, key))
        if at >= len(keys) or keys[at] != key:
            return np.empty(0, dtype=np.int64)
        return ids[ptr[at] : ptr[at + 1]].astype(np.int64)

    # --- typos ---------------------------------------------------------------------------
    def candidates(self, text: str, *, most: int = FUZZY_CANDIDATES) -> np.ndarray:
        """Return the choices worth scoring against ``text`` (sorted ids).

        Up to ``most`` choices sharing the most bigrams with ``text`` (at least a quarter
        of its bigrams: a swap of two letters breaks three; among those sharing as many,
        shorter ones first), and up to :data:`WORD_CANDIDATES` more per word of ``text``
        holding it at the start of a word (a scorer such as ``WRatio`` rates one shared
        word highly).
        """
        codes = _codes(text)
        if len(codes) < 2:
            return np.empty(0, dtype=np.int64)
        keys = sorted(set(((codes[:-1] << _SHIFT) | codes[1:]).tolist()))
        lists = [self._list(self._bi_keys, self._bi_ptr, self._bi_ids, int(k)) for k in keys]
        lists = [x for x in lists if len(x)]
        parts = []
        if lists:
            counts = np.bincount(np.concatenate(lists), minlength=len(self))
            found = np.flatnonzero(counts >= max(1, math.ceil(len(keys) / 4)))
            if len(found) > most:
                rank = counts[found] * 1000 - np.minimum(self._lengths[found], 999)
                found = found[np.argpartition(-rank, most - 1)[:most]]
            parts.append(found)
        for word in set(text.split()) if " " in text.strip() else ():
            if len(word) >= 3:
                # The lowest ids first: the order a scan of every choice breaks ties in.
                parts += [
                    self.prefix(word)[:WORD_CANDIDATES],
                    self.contains(" " + word, most=WORD_CANDIDATES),
                ]
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))

    def fuzzy(
        self,
        text: str,
        *,
        scorer: Callable[..., float],
        cutoff: float,
        limit: int,
        most: int = FUZZY_CANDIDATES,
    ) -> list[tuple[int, float]]:
        """Return ``(choice id, score)`` of the best typo-tolerant matches, best first."""
        ids = self.candidates(text, most=most).tolist()
        if not ids:
            return []
        choices = self.choices
        found: list[Any] = process.extract(
            text,
            [choices[i] for i in ids],
            scorer=scorer,
            processor=None,
            score_cutoff=cutoff,
            limit=limit,
        )
        return [(ids[at], float(score)) for _, score, at in found]
