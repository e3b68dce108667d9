"""Find exhibitors, booths, products, zones, amenities and events from a few typed letters.

One :class:`SearchIndex` is built per venue and shared read-only by every kiosk session.
It flattens everything searchable into one list of normalised strings (names in English
and Chinese, the Chinese names' pinyin in full and as initials, booth ids, products,
zone names, amenity words with their synonyms, event titles), then answers a query with
exact, prefix and substring matches first and rapidfuzz's typo-tolerant matches after.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

import numpy as np
from rapidfuzz import fuzz, process

from floorplan.i18n import CATALOGUE
from floorplan.schema import AmenityKind, Col, Zone
from floorplan.venue import Venue

__all__ = ["AMENITY_SYNONYMS", "HitKind", "SearchHit", "SearchIndex", "normalize"]


class HitKind(StrEnum):
    """What a search hit is; also the order of groups that score the same."""

    EXHIBITOR = "exhibitor"
    BOOTH = "booth"
    PRODUCT = "product"
    ZONE = "zone"
    AMENITY = "amenity"
    EVENT = "event"


_KIND_ORDER: Final = {k: i for i, k in enumerate(HitKind)}

#: Words visitors type for each amenity kind, in English, Chinese and pinyin.
AMENITY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    AmenityKind.RESTROOM: (
        "restroom",
        "toilet",
        "toilets",
        "wc",
        "washroom",
        "bathroom",
        "lavatory",
        "loo",
        "washroom",
        "ladies",
        "gents",
        "洗手间",
        "厕所",
        "卫生间",
        "xishoujian",
        "cesuo",
    ),
    AmenityKind.CAFE: (
        "cafe",
        "café",
        "coffee",
        "food",
        "restaurant",
        "eat",
        "drink",
        "snack",
        "lunch",
        "餐饮",
        "餐厅",
        "咖啡",
        "饮料",
        "canting",
        "kafei",
    ),
    AmenityKind.INFO: (
        "info",
        "information",
        "help",
        "help desk",
        "service desk",
        "问询",
        "服务台",
        "咨询",
    ),
    AmenityKind.FIRST_AID: (
        "first aid",
        "medical",
        "doctor",
        "nurse",
        "clinic",
        "急救",
        "医疗",
        "医务室",
    ),
    AmenityKind.STAGE: ("stage", "forum", "舞台", "论坛"),
    AmenityKind.MEETING_ROOM: ("meeting room", "meeting", "matchmaking", "会议室", "洽谈"),
    AmenityKind.PRAYER_ROOM: ("prayer room", "prayer", "祈祷室"),
    AmenityKind.CLOAKROOM: ("cloakroom", "coat", "luggage", "bag drop", "衣帽间", "寄存"),
}

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")
#: Fuzzy scores are scaled below the exact tiers so that a typed prefix always wins.
_FUZZY_WEIGHT: Final = 0.85
_FUZZY_CUTOFF: Final = 72.0
_FUZZY_MIN_CHARS: Final = 3
_STRONG: Final = 94.0
_NOISE_FLOOR: Final = 70.0
#: The lowest exact tier (a substring); every exact score is at least this.
_EXACT_MIN: Final = 88.0


def normalize(text: str) -> str:
    """Return ``text`` folded for matching: NFKC, case-folded, accents kept, spaces single."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _pinyin_forms(text: str) -> list[str]:
    """Return the full pinyin (joined and spaced) and the initials of a Chinese ``text``."""
    if not _CJK.search(text):
        return []
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - only needed for CJK text

    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    initials = [s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")]
    forms = ["".join(syllables), " ".join(syllables), "".join(initials)]
    return [normalize(f) for f in forms if f]


@dataclass(frozen=True)
class SearchHit:
    """One thing a query found.

    Attributes
    ----------
    kind
        Exhibitor, booth, product, zone, amenity or event.
    key
        Its id: a booth id, amenity id, zone value, event id (``booth_id:product`` for
        a product).
    label
        Its name as the data gives it (plain text, never markup): an exhibitor's name,
        a product, an event's title, an amenity's name or kind.
    detail
        Secondary text from the data: the booth id, the exhibitor of a product, the
        place of an event.
    target
        The place id a route would go to (booth, amenity), empty for a zone.
    score
        0-100; exact and prefix matches score above typo-tolerant ones.
    """

    kind: HitKind
    key: str
    label: str
    detail: str
    target: str
    score: float


@dataclass(frozen=True)
class _Entry:
    kind: HitKind
    key: str
    label: str
    detail: str
    target: str
    x: float
    y: float


class SearchIndex:
    """A prebuilt, read-only search index over one venue.

    Parameters
    ----------
    venue
        The venue to index. Its frames are read once; later edits are not seen.
    """

    def __init__(self, venue: Venue) -> None:
        self._entries: list[_Entry] = []
        texts: list[tuple[str, int]] = []
        for entry, words in self._collect(venue):
            idx = len(self._entries)
            self._entries.append(entry)
            texts.extend((w, idx) for w in {normalize(w) for w in words} if w)
        # One choice per distinct string: products and synonyms repeat across entries.
        by_text: dict[str, list[int]] = {}
        for t, idx in texts:
            by_text.setdefault(t, []).append(idx)
        self._choices: list[str] = list(by_text)
        self._owners: list[np.ndarray] = [np.asarray(v, dtype=np.int64) for v in by_text.values()]
        # The owners flattened (choice j owns _owner_flat[_owner_ptr[j]:_owner_ptr[j + 1]])
        # and the choices joined by newlines: a query is found with a few C-level scans
        # of one string, not a Python loop over every choice (500,000 at 74,000 booths;
        # measured in benchmarks/RESULTS.md, "Kiosk").
        sizes = np.array([len(v) for v in self._owners], dtype=np.int64)
        self._owner_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._owner_flat = (
            np.concatenate(self._owners) if self._owners else np.empty(0, dtype=np.int64)
        )
        self._joined = "\n" + "\n".join(self._choices) + "\n"
        lengths = np.array([len(c) for c in self._choices], dtype=np.int64)
        self._lengths = lengths
        self._starts = (
            np.cumsum(np.concatenate([[1], lengths[:-1] + 1])) if len(lengths) else lengths
        )
        places = {e.target: (e.x, e.y) for e in self._entries if e.kind is not HitKind.EVENT}
        self._entries = [
            replace(e, x=places[e.target][0], y=places[e.target][1])
            if e.kind is HitKind.EVENT and e.target in places
            else e
            for e in self._entries
        ]
        self._xy = np.array([(e.x, e.y) for e in self._entries], dtype=float).reshape(-1, 2)
        labels = [e.label for e in self._entries]
        order = sorted(range(len(labels)), key=labels.__getitem__)
        self._label_rank = np.empty(len(labels), dtype=np.int64)
        self._label_rank[order] = np.arange(len(labels))

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def _collect(venue: Venue) -> Iterable[tuple[_Entry, list[str]]]:
        booths = venue.booths
        cent = booths.geometry.centroid if len(booths) else booths.geometry
        for (_, row), pt in zip(booths.iterrows(), cent, strict=True):
            bid = str(row[Col.BOOTH_ID])
            name = str(row.get(Col.EXHIBITOR, "") or "")
            name_zh = str(row.get(Col.EXHIBITOR_ZH, "") or "")
            label = name or name_zh
            x, y = float(pt.x), float(pt.y)
            yield _Entry(HitKind.BOOTH, bid, label, bid, bid, x, y), [bid, bid.replace("-", "")]
            if label:
                words = [name, name_zh, *_pinyin_forms(name_zh), *_pinyin_forms(name)]
                yield _Entry(HitKind.EXHIBITOR, bid, label, bid, bid, x, y), words
            products = str(row.get(Col.PRODUCTS, "") or "")
            for product in dict.fromkeys(p.strip() for p in products.split(";") if p.strip()):
                entry = _Entry(
                    HitKind.PRODUCT, f"{bid}:{product}", product, label or bid, bid, x, y
                )
                yield entry, [product, *_pinyin_forms(product)]
        for zone in Zone:
            en, zh = CATALOGUE[f"zone.{zone.value}"]
            words = [zone.value, en, zh, *_pinyin_forms(zh)]
            yield _Entry(HitKind.ZONE, zone.value, zone.value, "", "", math.nan, math.nan), words
        for _, row in venue.amenities.iterrows():
            kind = str(row[Col.KIND])
            aid = str(row[Col.AMENITY_ID])
            name = str(row.get(Col.NAME, "") or "")
            words = [kind, kind.replace("_", " "), name, *AMENITY_SYNONYMS.get(kind, ())]
            if f"amenity.{kind}" in CATALOGUE:
                words.extend(CATALOGUE[f"amenity.{kind}"])
            pt = row.geometry
            entry = _Entry(HitKind.AMENITY, aid, name or kind, kind, aid, float(pt.x), float(pt.y))
            yield entry, words
        events = venue.events
        for _, row in events.iterrows():
            title = str(row[Col.TITLE])
            where = str(row[Col.WHERE])
            entry = _Entry(
                HitKind.EVENT, str(row[Col.EVENT_ID]), title, where, where, math.nan, math.nan
            )
            yield entry, [title, *_pinyin_forms(title)]

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        near: tuple[float, float] | None = None,
    ) -> list[SearchHit]:
        """Return what ``text`` finds, best first, grouped by kind.

        Parameters
        ----------
        text
            What the visitor typed so far (one character is enough).
        limit
            The most hits returned.
        near
            A point (venue metres); among hits scoring the same, nearer ones come first
            (the nearest restroom before the others).

        Returns
        -------
        list[SearchHit]
            Groups of one kind each, the group with the best hit first; within a group,
            best score first.
        """
        q = normalize(text)
        if not q or limit <= 0:
            return []
        scores = np.full(len(self._choices), -1.0)
        substring_ok = len(q) >= 2 or bool(_CJK.search(q))
        # Exact tiers, weakest first so that a choice keeps its best: anywhere in it, at
        # the start of one of its words, at its start.
        if substring_ok:
            scores[self._find(q, 0)] = 88.0
        scores[self._find(" " + q, 1)] = 94.0
        pre = self._find("\n" + q, 1)
        extra = self._lengths[pre] - len(q)
        scores[pre] = np.where(extra == 0, 100.0, 98.0 - np.minimum(extra, 30) / 10)
        best = self._entry_scores(scores)
        # Typo matches score at most 100 * _FUZZY_WEIGHT, below every exact tier: with
        # ``limit`` exact hits already they cannot reach the list (and they are the slow
        # part at 74,000 booths), so they are only looked for when they could.
        exact = int(np.count_nonzero(best >= _EXACT_MIN))
        if len(q) >= _FUZZY_MIN_CHARS and exact < limit:
            for _, score, i in process.extract(
                q,
                self._choices,
                scorer=fuzz.WRatio,
                processor=None,
                score_cutoff=_FUZZY_CUTOFF,
                limit=200,
            ):
                scores[i] = max(scores[i], score * _FUZZY_WEIGHT)
            best = self._entry_scores(scores)
        top = float(best.max()) if len(best) else -1.0
        # Once something matches exactly, faint typo matches are only noise.
        found = np.flatnonzero(best >= (_NOISE_FLOOR if top >= _STRONG else 0.0))
        if not len(found):
            return []
        if near is not None:
            d = np.hypot(self._xy[found, 0] - near[0], self._xy[found, 1] - near[1])
            dist = np.nan_to_num(d, nan=np.inf)
        else:
            dist = np.zeros(len(found))
        # Best score, then nearer, then by label, then index order (lexsort: last key first).
        order = np.lexsort((found, self._label_rank[found], dist, -best[found]))
        picked = [int(e) for e in found[order[:limit]]]
        group_best: dict[HitKind, float] = {}
        for e in picked:
            kind = self._entries[e].kind
            group_best.setdefault(kind, float(best[e]))
        rank = {e: n for n, e in enumerate(picked)}
        picked.sort(
            key=lambda e: (
                -group_best[self._entries[e].kind],
                _KIND_ORDER[self._entries[e].kind],
                rank[e],
            )
        )
        return [self._hit(e, float(best[e])) for e in picked]

    def _entry_scores(self, scores: np.ndarray) -> np.ndarray:
        """Return each entry's best score over the choices it owns (-1: none matched)."""
        best = np.full(len(self._entries), -1.0)
        hit = np.flatnonzero(scores >= 0)
        lo, hi = self._owner_ptr[hit], self._owner_ptr[hit + 1]
        sizes = hi - lo
        if sizes.sum():
            at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
            np.maximum.at(best, self._owner_flat[at], np.repeat(scores[hit], sizes))
        return best

    def _find(self, needle: str, skip: int) -> np.ndarray:
        """Return the choices in which ``needle`` occurs (its first ``skip`` chars before)."""
        if "\n" in needle[skip:]:
            return np.empty(0, dtype=np.int64)
        pos = np.fromiter(
            (m.start() + skip for m in re.finditer(re.escape(needle), self._joined)),
            dtype=np.int64,
        )
        return np.unique(np.searchsorted(self._starts, pos, side="right") - 1)

    def _hit(self, e: int, score: float) -> SearchHit:
        en = self._entries[e]
        return SearchHit(en.kind, en.key, en.label, en.detail, en.target, round(score, 1))
