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
from functools import lru_cache
from typing import Final

import numpy as np
from rapidfuzz import fuzz, process

from floorplan.i18n import CATALOGUE, Lang, Record, hall_name, pick
from floorplan.schema import AmenityKind, Col, OpeningKind, Zone
from floorplan.venue import Venue

__all__ = [
    "ACCESSIBLE_SYNONYMS",
    "AMENITY_SYNONYMS",
    "DOOR_SYNONYMS",
    "STEP_FREE_SYNONYMS",
    "HitKind",
    "SearchHit",
    "SearchIndex",
    "normalize",
]


class HitKind(StrEnum):
    """What a search hit is; also the order of groups that score the same."""

    EXHIBITOR = "exhibitor"
    BOOTH = "booth"
    PRODUCT = "product"
    ZONE = "zone"
    AMENITY = "amenity"
    DOOR = "door"
    EVENT = "event"


_KIND_ORDER: Final = {k: i for i, k in enumerate(HitKind)}

#: Words visitors type for each amenity kind, in English, Chinese and pinyin.
AMENITY_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    AmenityKind.RESTROOM: (
        "restroom",
        "restrooms",
        "toilet",
        "toilets",
        "wc",
        "washroom",
        "bathroom",
        "lavatory",
        "loo",
        "ladies",
        "gents",
        "洗手间",
        "厕所",
        "卫生间",
        "公厕",
        "xishoujian",
        "cesuo",
        "weishengjian",
    ),
    AmenityKind.CAFE: (
        "cafe",
        "café",
        "coffee",
        "food",
        "restaurant",
        "canteen",
        "eat",
        "drink",
        "snack",
        "lunch",
        "餐饮",
        "餐厅",
        "咖啡",
        "咖啡厅",
        "饮料",
        "美食",
        "吃饭",
        "canyin",
        "canting",
        "kafei",
    ),
    AmenityKind.INFO: (
        "info",
        "information",
        "information desk",
        "help",
        "help desk",
        "service desk",
        "问询",
        "问询处",
        "服务台",
        "咨询",
        "咨询台",
        "wenxun",
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
        "急救站",
        "jijiu",
    ),
    AmenityKind.STAGE: ("stage", "forum", "舞台", "论坛"),
    AmenityKind.MEETING_ROOM: (
        "meeting room",
        "meeting",
        "matchmaking",
        "会议室",
        "洽谈",
        "洽谈室",
    ),
    AmenityKind.PRAYER_ROOM: ("prayer room", "prayer", "祈祷室"),
    AmenityKind.CLOAKROOM: ("cloakroom", "coat", "luggage", "bag drop", "衣帽间", "寄存"),
}

#: Words for the doors a visitor looks for, by opening kind (connections are not listed).
DOOR_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    OpeningKind.ENTRANCE: ("entrance", "entry", "way in", "door", "入口", "进口", "大门", "rukou"),
    OpeningKind.EXIT: ("exit", "way out", "door", "出口", "chukou"),
    OpeningKind.EMERGENCY_EXIT: (
        "emergency exit",
        "fire exit",
        "exit",
        "way out",
        "安全出口",
        "紧急出口",
        "疏散出口",
        "出口",
        "anquan chukou",
        "chukou",
    ),
}

#: Words that find an amenity fitted for wheelchair users (an accessible toilet).
ACCESSIBLE_SYNONYMS: Final[tuple[str, ...]] = (
    "wheelchair",
    "accessible",
    "accessible toilet",
    "disabled",
    "disabled toilet",
    "无障碍",
    "无障碍卫生间",
    "轮椅",
    "残疾人",
    "wuzhangai",
)

#: Words that find a step-free door. Each starts with a word of ACCESSIBLE_SYNONYMS
#: rather than being one, so "wheelchair" lists accessible toilets first (an exact
#: match) and step-free doors after them (a prefix match).
STEP_FREE_SYNONYMS: Final[tuple[str, ...]] = (
    "step-free",
    "step free",
    "barrier-free",
    "wheelchair access",
    "accessible entrance",
    "accessible door",
    "disabled access",
    "无障碍出入口",
    "无障碍通道",
    "轮椅通道",
    "wuzhangai tongdao",
)

#: The opening kinds a search lists, and the words for them, (English, Chinese).
_DOOR_WORDS: Final[dict[str, tuple[str, str]]] = {
    OpeningKind.ENTRANCE: ("Entrance, {hall}", "{hall}入口"),
    OpeningKind.EXIT: ("Exit, {hall}", "{hall}出口"),
    OpeningKind.EMERGENCY_EXIT: ("Emergency exit, {hall}", "{hall}安全出口"),
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
    return list(_pinyin_of(text))


@lru_cache(maxsize=4096)
def _pinyin_of(text: str) -> tuple[str, ...]:
    # Cached: product words repeat across thousands of booths.
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - only needed for CJK text

    syllables = [s for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    initials = [s[:1] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")]
    forms = ["".join(syllables), " ".join(syllables), "".join(initials)]
    return tuple(normalize(f) for f in forms if f)


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
        a product, an event's title, an amenity's name or kind, a door's kind and hall.
    detail
        Secondary text from the data: the booth id, the exhibitor of a product, the
        place of an event.
    target
        The place id a route would go to (booth, amenity), empty for a zone.
    score
        0-100; exact and prefix matches score above typo-tolerant ones.
    label_zh
        ``label`` in Chinese (the data's ``*_zh`` column; ``label`` where it has none).
    """

    kind: HitKind
    key: str
    label: str
    detail: str
    target: str
    score: float
    label_zh: str = ""

    def label_in(self, lang: Lang | str) -> str:
        """Return the label in ``lang`` (Chinese falls back to English and back)."""
        return pick({"label": self.label, "label_zh": self.label_zh}, "label", lang)


@dataclass(frozen=True)
class _Entry:
    kind: HitKind
    key: str
    label: str
    detail: str
    target: str
    x: float
    y: float
    label_zh: str = ""


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
        yield from _booth_entries(venue)
        for zone in Zone:
            en, zh = CATALOGUE[f"zone.{zone.value}"]
            words = [zone.value, en, zh, *_pinyin_forms(zh)]
            entry = _Entry(HitKind.ZONE, zone.value, zone.value, "", "", math.nan, math.nan, zh)
            yield entry, words
        yield from _amenity_entries(venue)
        yield from _door_entries(venue)
        for _, row in venue.events.iterrows():
            title = str(row[Col.TITLE])
            title_zh = pick(row, Col.TITLE, Lang.ZH)
            where = str(row[Col.WHERE])
            eid = str(row[Col.EVENT_ID])
            entry = _Entry(HitKind.EVENT, eid, title, where, where, math.nan, math.nan, title_zh)
            # The Chinese title's hanzi are words already; its pinyin is left out (9,000
            # launches at Canton Fair size would cost seconds of pypinyin at start).
            yield entry, [title, title_zh, *_pinyin_forms(title)]

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
        return SearchHit(
            en.kind, en.key, en.label, en.detail, en.target, round(score, 1), en.label_zh
        )


# ------------------------------------------------------------------ what is searchable


def _booth_entries(venue: Venue) -> Iterable[tuple[_Entry, list[str]]]:
    """Yield each booth, its exhibitor and its products (in English and Chinese)."""
    booths = venue.booths
    cent = booths.geometry.centroid if len(booths) else booths.geometry
    for (_, row), pt in zip(booths.iterrows(), cent, strict=True):
        bid = str(row[Col.BOOTH_ID])
        name = str(row.get(Col.EXHIBITOR, "") or "")
        name_zh = str(row.get(Col.EXHIBITOR_ZH, "") or "")
        label, label_zh = name or name_zh, name_zh or name
        x, y = float(pt.x), float(pt.y)
        booth = _Entry(HitKind.BOOTH, bid, label, bid, bid, x, y, label_zh)
        yield booth, [bid, bid.replace("-", "")]
        if label:
            words = [name, name_zh, *_pinyin_forms(name_zh), *_pinyin_forms(name)]
            yield _Entry(HitKind.EXHIBITOR, bid, label, bid, bid, x, y, label_zh), words
        for en, zh in _products(row):
            product = en or zh
            entry = _Entry(
                HitKind.PRODUCT, f"{bid}:{product}", product, label or bid, bid, x, y, zh or en
            )
            yield entry, [en, zh, *_pinyin_forms(zh), *_pinyin_forms(en)]


def _products(row: Record) -> list[tuple[str, str]]:
    """Return a booth's products as (English, Chinese), paired by their place in the lists."""
    en = [p.strip() for p in str(row.get(Col.PRODUCTS, "") or "").split(";")]
    zh = [p.strip() for p in str(row.get(Col.PRODUCTS_ZH, "") or "").split(";")]
    out: dict[str, tuple[str, str]] = {}
    for k in range(max(len(en), len(zh))):
        e, z = (en[k] if k < len(en) else ""), (zh[k] if k < len(zh) else "")
        if e or z:
            out.setdefault(e or z, (e, z))
    return list(out.values())


def _amenity_entries(venue: Venue) -> Iterable[tuple[_Entry, list[str]]]:
    """Yield each amenity with its names, its kind's words, and wheelchair words if fitted."""
    for _, row in venue.amenities.iterrows():
        kind = str(row[Col.KIND])
        aid = str(row[Col.AMENITY_ID])
        name = str(row.get(Col.NAME, "") or "")
        name_zh = pick(row, Col.NAME, Lang.ZH)
        words = [kind, kind.replace("_", " "), name, name_zh, *AMENITY_SYNONYMS.get(kind, ())]
        if f"amenity.{kind}" in CATALOGUE:
            words.extend(CATALOGUE[f"amenity.{kind}"])
        if _true(row.get(Col.ACCESSIBLE, False)):
            words.extend(ACCESSIBLE_SYNONYMS)
        pt = row.geometry
        entry = _Entry(
            HitKind.AMENITY, aid, name or kind, kind, aid, float(pt.x), float(pt.y), name_zh
        )
        yield entry, words


def _door_entries(venue: Venue) -> Iterable[tuple[_Entry, list[str]]]:
    """Yield the entrances and exits, named by kind and hall, step-free ones as accessible."""
    halls = {str(h[Col.HALL_ID]): h for _, h in venue.halls.iterrows()}
    ops = venue.openings
    if not len(ops):
        return
    mids = ops.geometry.interpolate(0.5, normalized=True)
    for (_, row), mid in zip(ops.iterrows(), mids, strict=True):
        kind = str(row[Col.KIND])
        if kind not in _DOOR_WORDS:
            continue
        hid = str(row[Col.HALL_ID])
        hall = halls.get(hid, {Col.HALL_ID: hid})
        en, zh = _DOOR_WORDS[kind]
        label = en.format(hall=hall_name(hall, Lang.EN))
        label_zh = zh.format(hall=hall_name(hall, Lang.ZH))
        oid = str(row[Col.OPENING_ID])
        words = [kind.replace("_", " "), *DOOR_SYNONYMS[kind]]
        if _true(row.get(Col.STEP_FREE, True)):
            words.extend(STEP_FREE_SYNONYMS)
        x, y = (float(mid.x), float(mid.y)) if mid is not None else (math.nan, math.nan)
        yield _Entry(HitKind.DOOR, oid, label, kind, oid, x, y, label_zh), words


def _true(value: object) -> bool:
    """Return a flag as read (a bool, or text from a frame not normalised)."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "y", "t"}
    return bool(value) and not (isinstance(value, float) and math.isnan(value))
