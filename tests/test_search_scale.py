"""Search at scale: the index kept on disk per venue content, and typos on a large venue."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from floorplan.generate import generate_venue
from floorplan.search import SearchIndex, venue_digest
from floorplan.textindex import TextIndex
from floorplan.venue import Venue

from _browser import kiosk_venue

QUERIES = ["a", "ac", "acme", "acne motrs", "toilet", "tiolet", "数字", "shuzilong", "A-1", "zzz"]


def _same(a: SearchIndex, b: SearchIndex) -> None:
    for q in QUERIES:
        assert a.search(q, limit=7) == b.search(q, limit=7), q
        assert a.search(q, near=(0.0, 0.0)) == b.search(q, near=(0.0, 0.0)), q


def test_saved_index_answers_the_same(tmp_path: Path) -> None:
    built = SearchIndex(kiosk_venue())
    built.save(tmp_path / "i.npz")
    _same(built, SearchIndex.load(tmp_path / "i.npz"))


def test_cached_builds_once_per_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venue = kiosk_venue()
    first = SearchIndex.cached(venue, tmp_path)
    assert len(list(tmp_path.glob("search-*.npz"))) == 1
    builds: list[int] = []
    real = SearchIndex.__init__

    def counting(self: SearchIndex, v: Venue) -> None:
        builds.append(1)
        real(self, v)

    monkeypatch.setattr(SearchIndex, "__init__", counting)
    again = SearchIndex.cached(kiosk_venue(), tmp_path)  # the same content, another object
    assert builds == []
    _same(first, again)
    moved = venue.copy()
    moved.booths.loc[0, "exhibitor"] = "Renamed Motors"
    assert venue_digest(moved) != venue_digest(venue)
    renamed = SearchIndex.cached(moved, tmp_path)
    assert builds == [1]
    assert renamed.search("renamed")[0].key == moved.booths["booth_id"].iloc[0]
    assert len(list(tmp_path.glob("search-*.npz"))) == 2


def test_a_broken_cache_file_is_built_again(tmp_path: Path) -> None:
    venue = kiosk_venue()
    SearchIndex.cached(venue, tmp_path)
    (path,) = tmp_path.glob("search-*.npz")
    path.write_bytes(b"not an index")
    _same(SearchIndex(venue), SearchIndex.cached(venue, tmp_path))
    assert SearchIndex.load(path)  # written again, readable


def test_only_the_newest_are_kept(tmp_path: Path) -> None:
    venue = kiosk_venue()
    for i in range(4):
        v = venue.copy()
        v.booths.loc[0, "exhibitor"] = f"Name {i}"
        SearchIndex.cached(v, tmp_path, keep=2)
    assert len(list(tmp_path.glob("search-*.npz"))) == 2


def test_unwritable_cache_folder_still_serves(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    index = SearchIndex.cached(kiosk_venue(), blocker / "sub")  # cannot make the folder
    assert index.search("acme")


@pytest.mark.slow
def test_typos_lose_little_to_the_exhaustive_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    venue = generate_venue(booths=6000, seed=11)
    index = SearchIndex(venue)
    rng = random.Random(5)
    let = venue.booths[venue.booths["exhibitor"].fillna("") != ""]
    typos = []
    for _, row in let.sample(40, random_state=5).iterrows():
        name = " ".join(str(row["exhibitor"]).split()[:2])
        i = rng.randrange(1, len(name) - 2)
        typos.append(name[:i] + name[i + 1] + name[i] + name[i + 2 :])  # two letters swapped
    with_index = [index.search(t, limit=20) for t in typos]
    # The reference: the typo tier scores every string, as before the index existed.
    everything = np.arange(len(index.choices))
    monkeypatch.setattr(TextIndex, "candidates", lambda self, text, most=0: everything)
    fresh = SearchIndex(venue)  # no answers kept from the searches above
    exhaustive = [fresh.search(t, limit=20) for t in typos]
    found = total = 0
    for shown, best in zip(with_index, exhaustive, strict=True):
        keys = {h.key for h in shown}
        lowest = min((h.score for h in shown), default=0.0)
        total += len(best)
        found += sum(h.key in keys for h in best)
        # A hit the full scan finds is missing only where the list was full of hits that
        # score as well (which of many equal hits fill the last places is arbitrary).
        lost = [h for h in best if h.key not in keys]
        assert all(len(shown) == 20 and h.score <= lowest for h in lost), (lost, lowest)
    assert total > 200  # the typos do find things
    # The candidate filter keeps most of the same hits, not merely as good ones.
    assert found >= 0.85 * total, (found, total)
