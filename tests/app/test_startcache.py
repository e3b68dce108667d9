"""The start cache: the validated venue and its router kept between server starts."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from _race import race

import floorplan.io
import floorplan.io.store
from floorplan.app import startcache
from floorplan.app.context import VenueSnapshot
from floorplan.app.startcache import CACHE_FOLDER, StartCache, source_digest
from floorplan.cli import ExitCode, main
from floorplan.errors import NoRouteError, VenueError
from floorplan.io import load_venue
from floorplan.io.store import LayoutStore
from floorplan.routing.graph import WalkGraph
from floorplan.venue import Venue

from _browser import Server
from conftest import CATALOGUE, write_spec

KEY = b"k" * 32


class Counts:
    """How often the venue was read and validated, and a walking graph built."""

    def __init__(self) -> None:
        self.loads = 0
        self.graphs = 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    seen = Counts()
    real_load = floorplan.io.load_venue
    real_graph = WalkGraph.__init__

    def load(*args: Any, **kwargs: Any) -> Venue:
        seen.loads += 1
        return real_load(*args, **kwargs)

    def graph(self: WalkGraph, *args: Any, **kwargs: Any) -> None:
        seen.graphs += 1
        real_graph(self, *args, **kwargs)

    monkeypatch.setattr(floorplan.io, "load_venue", load)
    monkeypatch.setattr(WalkGraph, "__init__", graph)
    return seen


@pytest.fixture
def venue_dir(tmp_path: Path) -> Path:
    return write_spec(CATALOGUE["two_halls"](), tmp_path / "two halls")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _answers(snapshot: VenueSnapshot) -> list[Any]:
    """Every route from each kiosk to each place (step-free too) and a few searches."""
    out: list[Any] = []
    kiosks = list(snapshot.venue.kiosks["kiosk_id"])
    for origin in kiosks:
        for target in sorted(snapshot.places):
            for accessible in (False, True):
                try:
                    r = snapshot.router.route(origin, target, accessible=accessible)
                except NoRouteError as exc:  # the same refusal counts as the same answer
                    out.append((origin, target, accessible, str(exc)))
                    continue
                steps = [(s.text("en"), s.text("zh")) for s in r.steps]
                out.append((origin, target, round(r.length_m, 9), r.coords, r.halls, steps))
    for query in ("hall", "洗手", "restrom", "B-", "xishou"):
        hits = snapshot.search.search(query, limit=20, near=(10.0, 10.0))
        out.append([(h.kind, h.key, h.label, h.score) for h in hits])
    return out


def test_a_cached_start_answers_as_a_fresh_one(
    tmp_path: Path, venue_dir: Path, counts: Counts
) -> None:
    fresh = VenueSnapshot.build(load_venue(venue_dir))
    counts.loads = counts.graphs = 0
    folder = tmp_path / "cache"
    first = StartCache(folder, KEY)
    built = VenueSnapshot.build(
        first.load_venue(venue_dir), cache_dir=tmp_path / "search", start_cache=first
    )
    assert (counts.loads, counts.graphs) == (1, 1)
    assert not first.venue_was_kept
    assert [n.split("-")[0] for n in _files(folder)] == ["router", "venue"]

    threads = threading.active_count()
    again = StartCache(folder, KEY)  # a restart: a new process would have a new cache object
    venue = again.load_venue(venue_dir)
    loaded = VenueSnapshot.build(venue, cache_dir=tmp_path / "search", start_cache=again)
    assert (counts.loads, counts.graphs) == (1, 1), "read or built again"
    assert again.venue_was_kept
    assert threading.active_count() == threads  # nothing started before a fork
    assert venue.source == venue_dir
    assert not venue.problems
    assert loaded.router.venue is venue
    assert _answers(loaded) == _answers(fresh) == _answers(built)


def test_changed_bytes_are_read_and_built_again(
    tmp_path: Path, venue_dir: Path, counts: Counts
) -> None:
    folder = tmp_path / "cache"
    StartCache(folder, KEY).load_venue(venue_dir)
    spec = CATALOGUE["two_halls"]()
    spec.replace("booths", spec.layers["booths"][0][0]["booth_id"], exhibitor="Renamed Ltd 改名")
    write_spec(spec, venue_dir)
    cache = StartCache(folder, KEY)
    venue = cache.load_venue(venue_dir)
    assert counts.loads == 2
    assert "Renamed Ltd 改名" in set(venue.booths["exhibitor"])
    cache.router(venue)
    assert counts.graphs == 1
    # A copy with the same bytes elsewhere is the same venue: not read again.
    copy = write_spec(spec, tmp_path / "copy")
    assert source_digest(copy) == source_digest(venue_dir)
    assert StartCache(folder, KEY).load_venue(copy).source == copy
    assert counts.loads == 2


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a cache file")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


DAMAGES = [
    pytest.param((kind, damage), id=f"{kind}-{damage.__name__[1:]}")
    for kind in ("venue", "router")
    for damage in (_truncate, _flip, _garbage, _empty)
]


@pytest.mark.parametrize("case", DAMAGES)
def test_a_damaged_file_is_rebuilt_with_a_warning(
    tmp_path: Path, venue_dir: Path, counts: Counts, caplog: pytest.LogCaptureFixture, case: Any
) -> None:
    kind, damage = case
    folder = tmp_path / "cache"
    first = StartCache(folder, KEY)
    expected = _answers(VenueSnapshot.build(first.load_venue(venue_dir), start_cache=first))
    (target,) = folder.glob(f"{kind}-*.pickle")
    damage(target)
    caplog.set_level(logging.WARNING, "floorplan.app.startcache")
    again = StartCache(folder, KEY)
    snapshot = VenueSnapshot.build(again.load_venue(venue_dir), start_cache=again)
    assert _answers(snapshot) == expected
    assert (counts.loads, counts.graphs) == ((2, 1) if kind == "venue" else (1, 2))
    (warning,) = [r.getMessage() for r in caplog.records]
    assert "\n" not in warning
    assert str(target) in warning
    assert "building again" in warning
    # Written whole again: the next start uses it, quietly.
    caplog.clear()
    third = StartCache(folder, KEY)
    VenueSnapshot.build(third.load_venue(venue_dir), start_cache=third)
    assert (counts.loads, counts.graphs) == ((2, 1) if kind == "venue" else (1, 2))
    assert not caplog.records


def test_a_file_signed_with_another_key_is_not_used(
    tmp_path: Path, venue_dir: Path, counts: Counts, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache"
    StartCache(folder, b"another server's key 0123456789ab").load_venue(venue_dir)
    caplog.set_level(logging.WARNING, "floorplan.app.startcache")
    StartCache(folder, KEY).load_venue(venue_dir)
    assert counts.loads == 2
    assert "not signed by this server" in caplog.text


def test_a_file_renamed_to_another_venue_is_not_used(
    tmp_path: Path, counts: Counts, caplog: pytest.LogCaptureFixture
) -> None:
    """The signature covers the name: a kept venue passed off as other bytes is refused."""
    folder = tmp_path / "cache"
    good = write_spec(CATALOGUE["tiny_hall"](), tmp_path / "good")
    bad = write_spec(CATALOGUE["walled_in"](), tmp_path / "bad")
    StartCache(folder, KEY).load_venue(good)
    (kept,) = folder.glob("venue-*.pickle")
    digest, bad_digest = source_digest(good), source_digest(bad)
    assert digest
    assert bad_digest
    kept.rename(kept.with_name(kept.name.replace(digest, bad_digest)))
    caplog.set_level(logging.WARNING, "floorplan.app.startcache")
    with pytest.raises(VenueError):
        StartCache(folder, KEY).load_venue(bad)
    assert "not signed by this server" in caplog.text


def test_an_invalid_venue_is_refused_as_without_a_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    venue = write_spec(CATALOGUE["walled_in"](), tmp_path / "walled in")
    with pytest.raises(VenueError) as plain:
        load_venue(venue)
    users = tmp_path / "config" / "users.json"
    # The cache holds a valid venue (the same folder before it was broken) and its router.
    write_spec(CATALOGUE["tiny_hall"](), tmp_path / "tiny")
    StartCache.for_users(users).load_venue(tmp_path / "tiny")
    folder = users.parent / CACHE_FOLDER
    before = _files(folder)
    assert before
    argv = ["serve", "--venue", str(venue), "--port", "1", "--users", str(users)]
    argv += ["--store", str(tmp_path / "layouts.gpkg")]
    for _ in range(2):
        assert main(argv) == ExitCode.PROBLEMS
        err = capsys.readouterr().err
        for problem in plain.value.problems:
            assert problem.message in err
    with pytest.raises(VenueError) as cached:
        StartCache.for_users(users).load_venue(venue)
    assert cached.value.problems == plain.value.problems
    assert _files(folder) == before  # nothing kept of the refused venue


def test_a_refused_venue_leaves_no_secret_behind(tmp_path: Path) -> None:
    venue = write_spec(CATALOGUE["walled_in"](), tmp_path / "walled in")
    users = tmp_path / "config" / "users.json"
    with pytest.raises(VenueError):
        StartCache.for_users(users).load_venue(venue)
    assert not users.parent.exists()


def test_without_a_usable_secret_nothing_is_kept(
    tmp_path: Path, venue_dir: Path, counts: Counts
) -> None:
    users = tmp_path / "config" / "users.json"
    cache = StartCache.for_users(users, secret="too short")
    VenueSnapshot.build(cache.load_venue(venue_dir), start_cache=cache)
    assert _files(users.parent / CACHE_FOLDER) == []
    assert (counts.loads, counts.graphs) == (1, 1)


def test_something_unpicklable_is_served_without_being_kept(
    tmp_path: Path,
    venue_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(self: Any, obj: Any) -> None:
        raise TypeError("cannot pickle '_thread.lock' object")

    monkeypatch.setattr(startcache._Pickler, "persistent_id", refuse)
    caplog.set_level(logging.WARNING, "floorplan.app.startcache")
    cache = StartCache(tmp_path / "cache", KEY)
    snapshot = VenueSnapshot.build(cache.load_venue(venue_dir), start_cache=cache)
    assert len(snapshot.router.route("KA", "B-WC").coords) > 1
    assert _files(tmp_path / "cache") == []
    assert [r.getMessage() for r in caplog.records] == [
        f"cannot keep {kind} in the start cache (cannot pickle '_thread.lock' object)"
        for kind in ("venue", "router")
    ]


# Each child waits until both have started (``_race.race``), then builds and keeps the cache.
_RACE_CHILD = """
import sys
from pathlib import Path
from floorplan.app.context import VenueSnapshot
from floorplan.app.startcache import StartCache
cache = StartCache(Path(sys.argv[1]), bytes.fromhex(sys.argv[3]))
sys.stdin.readline()
snapshot = VenueSnapshot.build(cache.load_venue(Path(sys.argv[2])), start_cache=cache)
print(len(snapshot.router.route("KA", "B-WC").coords))
"""


def test_two_processes_racing_both_succeed_and_leave_one_valid_cache(
    tmp_path: Path, venue_dir: Path, counts: Counts, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "cache"
    argv = [str(folder), str(venue_dir), KEY.hex()]
    answers = [int(out.strip()) for out in race(_RACE_CHILD, [argv, argv], timeout_s=300)]
    assert answers[0] == answers[1] > 1
    names = _files(folder)
    assert [n.split("-")[0] for n in names] == ["router", "venue"], names  # no temporaries
    caplog.set_level(logging.WARNING, "floorplan.app.startcache")
    cache = StartCache(folder, KEY)
    VenueSnapshot.build(cache.load_venue(venue_dir), start_cache=cache)
    assert (counts.loads, counts.graphs) == (0, 0)
    assert not caplog.records


def test_a_layout_version_is_read_once_until_a_row_changes(
    tmp_path: Path, venue_dir: Path, counts: Counts, monkeypatch: pytest.MonkeyPatch
) -> None:
    booth_id = CATALOGUE["two_halls"]().layers["booths"][0][0]["booth_id"]
    store = LayoutStore(tmp_path / "layouts.gpkg")
    version = store.save(load_venue(venue_dir), message="first", author="pat")
    # A zone the format does not know: a problem the version keeps listed.
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE booths SET zone = 'fashion' WHERE booth_id = ?", (booth_id,))
    fresh = store.load(version)
    assert fresh.problems, "the hand-edited row breaks a rule"
    validations = []
    real = floorplan.io.store.validate
    monkeypatch.setattr(floorplan.io.store, "validate", lambda v: validations.append(1) or real(v))
    folder = tmp_path / "cache"
    answers = []
    for _ in range(2):  # a start, then a restart
        cache = StartCache(folder, KEY)
        venue = store.load(version, cache=cache)
        assert venue.problems == fresh.problems
        answers.append(_answers(VenueSnapshot.build(venue, version=version, start_cache=cache)))
    assert (len(validations), counts.graphs) == (1, 1)
    assert answers[0] == answers[1]
    # A row changed by hand (same version number, same record): read and validated again.
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE booths SET zone = 'digital' WHERE booth_id = ?", (booth_id,))
    venue = store.load(version, cache=StartCache(folder, KEY))
    assert len(validations) == 2
    assert not venue.problems
    assert "digital" in set(venue.booths["zone"])


def _get(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url + path, timeout=60) as r:
        return json.loads(r.read())


def test_a_restarted_server_answers_as_the_first_start(tmp_path: Path, venue_dir: Path) -> None:
    users = tmp_path / "users.json"
    args = ["--venue", str(venue_dir), "--users", str(users)]
    args += ["--store", str(tmp_path / "layouts.gpkg"), "--kiosk-sessions-per-minute", "0"]
    paths = [
        "/api/v1/route?from=KA&to=B-WC",
        "/api/v1/route?from=KB&to=A-1&lang=zh",
        "/api/v1/route?from=KA&to=A-1&accessible=true",
        "/api/v1/search?q=restrom&limit=5",
        "/api/v1/search?q=%E6%B4%97%E6%89%8B",
    ]
    server = Server(*args)
    try:
        first = [_get(server, p) for p in paths]
        kept = _files(tmp_path / CACHE_FOLDER)
        assert [n.split("-")[0] for n in kept] == ["router", "venue"]
        (router,) = (tmp_path / CACHE_FOLDER).glob("router-*.pickle")
        _truncate(router)
        server = server.restarted()
        assert [_get(server, p) for p in paths] == first
        assert _files(tmp_path / CACHE_FOLDER) == kept  # the router written whole again
        said = server.log.read_text()
        assert "floorplan: venue loaded from the start cache in " in said
        (warning,) = [line for line in said.splitlines() if str(router) in line]
        assert "truncated, corrupt or not signed by this server; building again" in warning
    finally:
        server.stop()
