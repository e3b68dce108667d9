"""Find exhibitors, booths, products, zones, amenities and events from a few typed letters.

One :class:`SearchIndex` is built per venue and shared read-only by every kiosk session.
It flattens everything searchable into one list of normalised strings (names in English
and Chinese, the Chinese names' pinyin in full and as initials, booth ids, products,
zone names, amenity words with their synonyms, event titles), then answers a query with
exact, prefix and substring matches first and rapidfuzz's typo-tolerant matches after.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
from rapidfuzz import fuzz

from floorplan.atomic import atomic_file
from floorplan.i18n import CATALOGUE, Lang, Record, hall_name, pick
from floorplan.schema import AmenityKind, Col, OpeningKind, Zone
from floorplan.textindex import TextIndex
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
    "venue_digest",
]

_log = logging.getLogger(__name__)


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
#: Answers kept per index: visitors type the same first letters (and keystrokes repeat).
_ANSWERS_KEPT: Final = 4096


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
    try:
        from pypinyin.core import seg  # type: ignore[attr-defined]  # noqa: PLC0415
    except ImportError:  # pragma: no cover - a pypinyin without its segmenter in core

        def seg(text: str) -> list[str]:
            return [text]

    # pypinyin segments the text into words (so 银行 reads yinhang) and converts each;
    # names share few words (有限公司, 科技...), so each word is converted once: a fifth
    # of the time of converting every name whole (74,000 names: 3 s rather than 16 s).
    syllables = [s for word in seg(text) for s in _word_pinyin(word) if s.strip()]
    # The first letter of each syllable: what pypinyin's FIRST_LETTER style gives.
    initials = [s[:1] for s in syllables]
    forms = ["".join(syllables), " ".join(syllables), "".join(initials)]
    return tuple(normalize(f) for f in forms if f)


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin  # noqa: PLC0415 - only needed for CJK text

    return tuple(lazy_pinyin(word, errors="ignore"))


def _blob(texts: list[str]) -> np.ndarray:
    """Return strings as one UTF-8 byte array (separated by a unit separator)."""
    return np.frombuffer("\x1f".join(texts).encode("utf-8"), dtype=np.uint8)


def _unblob(blob: np.ndarray, n: int) -> list[str]:
    texts = bytes(blob).decode("utf-8").split("\x1f") if n else []
    if len(texts) != n:
        msg = f"saved search index is inconsistent: {len(texts)} texts for {n} entries"
        raise ValueError(msg)
    return texts


def _code_digest() -> bytes:
    """Return a digest of the code that makes an index (a new release builds anew)."""
    import pypinyin  # noqa: PLC0415

    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("search.py", "textindex.py", "i18n.py", "schema.py"):
        h.update((here / name).read_bytes())
    h.update(str(pypinyin.__version__).encode())
    return h.digest()


def venue_digest(venue: Venue) -> str:
    """Return a digest of a venue's content: its layers' attributes and geometry, and events.

    Two venues with the same digest give the same search index.
    """
    import pandas as pd  # noqa: PLC0415
    import shapely  # noqa: PLC0415

    h = hashlib.blake2b(_code_digest(), digest_size=20)
    frames = {**venue.layers(), "events": venue.events}
    for name, frame in frames.items():
        attrs = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
        h.update(f"{name}:{len(frame)}:{','.join(map(str, attrs.columns))}".encode())
        h.update(pd.util.hash_pandas_object(attrs.astype(str), index=False).to_numpy().tobytes())
        if "geometry" in frame.columns:
            h.update(b"".join(shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object))))
    return h.hexdigest()


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


@dataclass(frozen=True)
class _Columns:
    """The entries of an index, column by column (cheap to save and load)."""

    kinds: list[HitKind]
    keys: list[str]
    labels: list[str]
    details: list[str]
    targets: list[str]
    labels_zh: list[str]


class SearchIndex:
    """A prebuilt, read-only search index over one venue.

    Parameters
    ----------
    venue
        The venue to index. Its frames are read once; later edits are not seen.
    """

    def __init__(self, venue: Venue) -> None:
        entries: list[_Entry] = []
        by_text: dict[str, list[int]] = {}
        for entry, words in self._collect(venue):
            idx = len(entries)
            entries.append(entry)
            for w in {normalize(w) for w in words}:
                if w:
                    by_text.setdefault(w, []).append(idx)
        # One choice per distinct string: products and synonyms repeat across entries.
        # Choice j is owned by entries _owner_flat[_owner_ptr[j]:_owner_ptr[j + 1]].
        sizes = np.fromiter((len(v) for v in by_text.values()), dtype=np.int64, count=len(by_text))
        owner_ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        owner_flat = np.fromiter(
            (i for v in by_text.values() for i in v), dtype=np.int64, count=int(sizes.sum())
        )
        places = {e.target: (e.x, e.y) for e in entries if e.kind is not HitKind.EVENT}
        entries = [
            replace(e, x=places[e.target][0], y=places[e.target][1])
            if e.kind is HitKind.EVENT and e.target in places
            else e
            for e in entries
        ]
        labels = [e.label for e in entries]
        order = sorted(range(len(labels)), key=labels.__getitem__)
        label_rank = np.empty(len(labels), dtype=np.int64)
        label_rank[order] = np.arange(len(labels))
        self._setup(
            columns=_Columns(
                kinds=[e.kind for e in entries],
                keys=[e.key for e in entries],
                labels=labels,
                details=[e.detail for e in entries],
                targets=[e.target for e in entries],
                labels_zh=[e.label_zh for e in entries],
            ),
            xy=np.array([(e.x, e.y) for e in entries], dtype=float).reshape(-1, 2),
            label_rank=label_rank,
            owner_ptr=owner_ptr,
            owner_flat=owner_flat,
            text=TextIndex(list(by_text)),
        )

    def _setup(
        self,
        *,
        columns: _Columns,
        xy: np.ndarray,
        label_rank: np.ndarray,
        owner_ptr: np.ndarray,
        owner_flat: np.ndarray,
        text: TextIndex,
    ) -> None:
        self._cols = columns
        self._xy = xy
        self._label_rank = label_rank
        self._owner_ptr = owner_ptr
        self._owner_flat = owner_flat
        self._text = text
        self._lengths = np.fromiter((len(c) for c in text.choices), dtype=np.int64)
        self._answers: OrderedDict[tuple[Any, ...], list[SearchHit]] = OrderedDict()
        self._answers_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._cols.kinds)

    # --- kept on disk ----------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write the index to ``path`` (``.npz``, plain arrays, atomically)."""
        c = self._cols
        arrays = {f"text_{k}": v for k, v in self._text.arrays().items()}
        for name in ("keys", "labels", "details", "targets", "labels_zh"):
            arrays[f"col_{name}"] = _blob(getattr(c, name))
        arrays["col_kinds"] = np.array([_KIND_ORDER[k] for k in c.kinds], dtype=np.int8)
        arrays |= {
            "xy": self._xy,
            "label_rank": self._label_rank,
            "owner_ptr": self._owner_ptr,
            "owner_flat": self._owner_flat,
        }
        savez: Any = np.savez  # numpy's stubs take the first keyword for allow_pickle
        with atomic_file(path) as tmp, tmp.open("wb") as f:
            savez(f, **arrays)

    @classmethod
    def load(cls, path: Path) -> SearchIndex:
        """Read an index :meth:`save` wrote (no pickles: arrays only)."""
        with np.load(path, allow_pickle=False) as z:
            a = {k: z[k] for k in z.files}
        kinds = list(HitKind)
        n = len(a["col_kinds"])
        self = cls.__new__(cls)
        self._setup(
            columns=_Columns(
                kinds=[kinds[int(k)] for k in a["col_kinds"]],
                keys=_unblob(a["col_keys"], n),
                labels=_unblob(a["col_labels"], n),
                details=_unblob(a["col_details"], n),
                targets=_unblob(a["col_targets"], n),
                labels_zh=_unblob(a["col_labels_zh"], n),
            ),
            xy=a["xy"],
            label_rank=a["label_rank"],
            owner_ptr=a["owner_ptr"],
            owner_flat=a["owner_flat"],
            text=TextIndex.from_arrays({k[5:]: v for k, v in a.items() if k.startswith("text_")}),
        )
        return self

    @classmethod
    def cached(
        cls, venue: Venue, folder: Path, *, keep: int = 6, digest: str | None = None
    ) -> SearchIndex:
        """Return the index of ``venue``, built once and kept in ``folder``.

        The file is named by a digest of everything the index is made of (every layer's
        attributes and geometry, and this module's code), so a venue, a published layout
        version or a new floorplan release gets its own; the newest ``keep`` are kept.
        A file that cannot be read is built again. ``digest`` is
        :func:`venue_digest` of ``venue`` when the caller knows it already.
        """
        path = Path(folder) / f"search-{digest or venue_digest(venue)}.npz"
        if path.is_file():
            try:
                index = cls.load(path)
            except (OSError, ValueError, KeyError, IndexError):
                _log.warning("search index %s is unreadable; building it again", path)
            else:
                with contextlib.suppress(OSError):  # its age keeps it among the newest
                    path.touch()
                return index
        index = cls(venue)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            index.save(path)
            old = sorted(path.parent.glob("search-*.npz"), key=lambda p: p.stat().st_mtime)
            for stale in old[:-keep]:
                stale.unlink(missing_ok=True)
        except OSError:  # a read-only folder: serve without keeping it
            _log.warning("cannot keep the search index in %s", folder, exc_info=True)
        return index

    @property
    def choices(self) -> list[str]:
        """Return every searchable string (normalised), once each."""
        return self._text.choices

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
        key = (q, limit, near)
        with self._answers_lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return list(self._answers[key])
        hits = self._search(q, limit, near)
        with self._answers_lock:
            self._answers[key] = hits
            while len(self._answers) > _ANSWERS_KEPT:
                self._answers.popitem(last=False)
        return list(hits)

    def _search(self, q: str, limit: int, near: tuple[float, float] | None) -> list[SearchHit]:
        scores, best = self._exact_scores(q, limit)
        # Typo matches score at most 100 * _FUZZY_WEIGHT, below every exact tier: with
        # ``limit`` exact hits already they cannot reach the list (and they are the slow
        # part at 74,000 booths), so they are only looked for when they could.
        exact = int(np.count_nonzero(best >= _EXACT_MIN))
        if len(q) >= _FUZZY_MIN_CHARS and exact < limit:
            for i, score in self._text.fuzzy(
                q, scorer=fuzz.WRatio, cutoff=_FUZZY_CUTOFF, limit=200
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
        kinds = self._cols.kinds
        group_best: dict[HitKind, float] = {}
        for e in picked:
            group_best.setdefault(kinds[e], float(best[e]))
        rank = {e: n for n, e in enumerate(picked)}
        picked.sort(key=lambda e: (-group_best[kinds[e]], _KIND_ORDER[kinds[e]], rank[e]))
        return [self._hit(e, float(best[e])) for e in picked]

    def _exact_scores(self, q: str, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """Return the exact tiers' scores per choice and per entry (-1: not matched).

        Tiers, strongest first: the whole choice or its start (95-100), the start of one
        of its words (94), anywhere in it (88). Once ``limit`` entries matched a stronger
        tier, a weaker one cannot bring a hit into the best ``limit`` and is not looked at.
        """
        scores = np.full(len(self._lengths), -1.0)
        pre = self._text.prefix(q)
        extra = self._lengths[pre] - len(q)
        scores[pre] = np.where(extra == 0, 100.0, 98.0 - np.minimum(extra, 30) / 10)
        best = self._entry_scores(scores)
        tiers = [(" " + q, 94.0)]
        if len(q) >= 2 or _CJK.search(q):
            tiers.append((q, 88.0))
        for needle, score in tiers:
            if np.count_nonzero(best >= 0) >= limit:
                break
            ids = self._text.contains(needle)
            scores[ids] = np.maximum(scores[ids], score)
            best = self._entry_scores(scores)
        return scores, best

    def _entry_scores(self, scores: np.ndarray) -> np.ndarray:
        """Return each entry's best score over the choices it owns (-1: none matched)."""
        best = np.full(len(self), -1.0)
        hit = np.flatnonzero(scores >= 0)
        lo, hi = self._owner_ptr[hit], self._owner_ptr[hit + 1]
        sizes = hi - lo
        if sizes.sum():
            at = np.repeat(lo - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
            np.maximum.at(best, self._owner_flat[at], np.repeat(scores[hit], sizes))
        return best

    def _hit(self, e: int, score: float) -> SearchHit:
        c = self._cols
        return SearchHit(
            c.kinds[e],
            c.keys[e],
            c.labels[e],
            c.details[e],
            c.targets[e],
            round(score, 1),
            c.labels_zh[e],
        )


# ------------------------------------------------------------------ what is searchable


def _booth_entries(venue: Venue) -> Iterable[tuple[_Entry, list[str]]]:
    """Yield each booth, its exhibitor and its products (in English and Chinese)."""
    booths = venue.booths
    cent = booths.geometry.centroid if len(booths) else booths.geometry
    for row, pt in zip(booths.to_dict("records"), cent, strict=True):
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
