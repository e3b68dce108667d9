"""The shared venue snapshot, its swap on a publish, and the push to open sessions."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from floorplan.app.context import PublishWatcher, VenueContext, VenueSnapshot
from floorplan.app.kiosk import KioskPage
from floorplan.errors import PlaceError, PublishRefusedError
from floorplan.io.store import LayoutStore
from floorplan.layout import LayoutEditor
from floorplan.versions import KioskStatus

from _browser import kiosk_venue


class FakeDocument:
    """A session's document as the context sees it: it queues next-tick callbacks."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[], None]] = []
        self.queued = threading.Event()

    def add_next_tick_callback(self, callback: Callable[[], None]) -> None:
        self.callbacks.append(callback)
        self.queued.set()

    def run(self) -> None:
        todo, self.callbacks = self.callbacks, []
        for cb in todo:
            cb()


@pytest.fixture
def store(tmp_path: Path) -> LayoutStore:
    s = LayoutStore(tmp_path / "layouts.gpkg")
    s.save(kiosk_venue(), message="initial", author="pat")
    return s


def _publish_moved(store: LayoutStore, booth: str = "A-101", dx_m: float = 8.0) -> int:
    """Save and publish a layout with ``booth`` moved east; return its version."""
    latest = store.latest()
    assert latest is not None
    ed = LayoutEditor(store.load(latest))
    ed.move(booth, dx_m=dx_m, dy_m=0.0)
    version = store.save(ed.venue, message=f"move {booth}", base=latest, author="pat")
    store.publish(version)
    return version


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    built: list[int | None] = []
    real = VenueSnapshot.build.__func__  # type: ignore[attr-defined]

    def build(cls: type[VenueSnapshot], venue: Any, **kw: Any) -> VenueSnapshot:
        built.append(kw.get("version"))
        return real(cls, venue, **kw)  # type: ignore[no-any-return]

    monkeypatch.setattr(VenueSnapshot, "build", classmethod(build))
    return built


def test_snapshot_is_one_frozen_record() -> None:
    snap = VenueSnapshot.build(kiosk_venue(), version=3)
    assert snap.version == 3
    assert snap.router is not None
    assert snap.search.search("Acme", limit=5)
    assert snap.places["A-101"][0] == "booths"
    assert snap.booth_at(16.0, 12.0) == "A-101"
    assert snap.booth_at(-5.0, -5.0) is None
    assert snap.kiosk("K2") == (90.0, 4.0, 90.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.venue = kiosk_venue()  # type: ignore[misc]
    with pytest.raises(TypeError):
        snap.places["X"] = ("booths", 0.0, 0.0)  # type: ignore[index]


def test_publish_is_built_once_and_pushed_to_every_session(
    store: LayoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = VenueContext(store.load(1), store=store)
    first = ctx.snapshot
    docs = [FakeDocument() for _ in range(3)]
    got: list[list[VenueSnapshot]] = [[] for _ in docs]
    tokens = [ctx.subscribe(d, got[i].append) for i, d in enumerate(docs)]
    assert all(snap is first for _, snap in tokens)
    assert ctx.sessions == 3
    built = _counting_builds(monkeypatch)
    watcher = PublishWatcher(ctx)
    assert not watcher.check()  # nothing published yet
    version = _publish_moved(store)
    assert watcher.check()
    assert built == [version]  # one build for the whole server, whatever the sessions
    assert ctx.snapshot is not first
    assert ctx.served_version == version
    assert first.places["A-101"][1] == pytest.approx(16.0)  # the old snapshot is untouched
    for doc in docs:
        doc.run()
    assert all(g == [ctx.snapshot] for g in got)
    assert ctx.snapshot.places["A-101"][1] == pytest.approx(24.0)
    # Nothing new: no build, nothing pushed.
    assert not watcher.check()
    assert built == [version]
    assert all(not d.callbacks for d in docs)
    # A closed session gets no more.
    ctx.unsubscribe(tokens[0][0])
    _publish_moved(store, "B-101", dx_m=2.0)
    assert watcher.check()
    assert not docs[0].callbacks
    assert all(len(d.callbacks) == 1 for d in docs[1:])


def test_watcher_thread_wakes_on_a_local_publish(store: LayoutStore) -> None:
    # A period far longer than the test: only the wake-up can make it see the publish.
    ctx = VenueContext(store.load(1), store=store, poll_s=3600.0)
    doc = FakeDocument()
    ctx.subscribe(doc, lambda _snap: None)
    watcher = PublishWatcher(ctx).start()
    try:
        assert ctx.watcher is watcher
        version = _publish_moved(store)
        ctx.check_published()
        assert doc.queued.wait(60), "the publish never reached the session"
        assert ctx.served_version == version
    finally:
        watcher.stop()


def test_a_broken_version_is_skipped_once(
    store: LayoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = VenueContext(store.load(1), store=store)
    first = ctx.snapshot
    _publish_moved(store)
    loads: list[int] = []

    def broken(version: int, **_: Any) -> Any:
        loads.append(version)
        msg = "disk on fire"
        raise OSError(msg)

    monkeypatch.setattr(store, "load", broken)
    watcher = PublishWatcher(ctx)
    assert not watcher.check()
    assert not watcher.check()
    assert loads == [2]  # logged once, not retried on every poll
    assert ctx.snapshot is first


def test_kiosk_page_follows_a_new_snapshot(store: LayoutStore) -> None:
    ctx = VenueContext(store.load(1), store=store)
    page = KioskPage(ctx, {"kiosk": "K1", "to": "A-102"}, base_url="http://x")
    before = list(page.state.route.coords)
    # A-101 moved 8 m east, across the old route: the page re-routes on the new layout.
    _publish_moved(store)
    assert PublishWatcher(ctx).check()
    page.follow(ctx.snapshot)
    assert page.state.snap is ctx.snapshot
    assert page.state.mode == "card"
    assert list(page.state.route.coords) != before
    shown = page.map.zone_renderers["automobile"].data_source.data  # type: ignore[attr-defined]
    i = list(shown["booth_id"]).index("A-101")
    assert min(shown["xs"][i]) == pytest.approx(18.0)
    # The chosen booth is gone in the next layout: the kiosk goes home.
    ed = LayoutEditor(ctx.venue)
    ed.remove("A-102")
    gone = VenueSnapshot.build(ed.venue, version=99)
    page.follow(gone)
    assert (page.state.mode, page.state.selected, page.state.route) == ("home", "", None)


def test_a_local_publish_is_built_before_it_is_marked_and_served_at_once(
    store: LayoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = VenueContext(store.load(1), store=store)
    doc = FakeDocument()
    ctx.subscribe(doc, lambda _snap: None)
    built = _counting_builds(monkeypatch)
    marked: list[int | None] = []
    real_record = store._record_publication

    def record(version: int, *args: Any) -> Any:
        marked.append(version)
        assert built == [version]  # the kiosks' snapshot exists before the store says so
        return real_record(version, *args)

    monkeypatch.setattr(store, "_record_publication", record)
    ed = LayoutEditor(store.load(1))
    ed.move("A-101", dx_m=8.0, dy_m=0.0)
    v2 = store.save(ed.venue, message="move", base=1, author="pat")
    pub = ctx.publish_version(v2, author="pat")
    assert (pub.version, marked, ctx.served_version) == (v2, [v2], v2)
    assert not PublishWatcher(ctx).check()  # nothing left to build for the watcher
    assert built == [v2]
    doc.run()
    assert ctx.shown_versions() == {v2: 1}


def test_a_version_that_fails_to_build_is_never_published(
    store: LayoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issue's reproduction: the server cannot load it, so nothing changes."""
    store.publish(1)
    ctx = VenueContext(store.load(1), store=store, served_version=1)
    first = ctx.snapshot
    v2 = store.save(store.load(1), message="again", base=1, author="pat")

    def broken(cls: type[VenueSnapshot], venue: Any, **kw: Any) -> VenueSnapshot:
        msg = "place K1 is inside booth A-101"
        raise PlaceError(msg)

    monkeypatch.setattr(VenueSnapshot, "build", classmethod(broken))
    with pytest.raises(PublishRefusedError, match="could not build it for the kiosks"):
        ctx.publish_version(v2, author="pat")
    assert store.published_version() == 1
    assert ctx.snapshot is first


def test_sessions_report_the_version_they_show_in_a_heartbeat(store: LayoutStore) -> None:
    store.publish(1)
    ctx = VenueContext(store.load(1), store=store, served_version=1)
    docs = [FakeDocument() for _ in range(3)]
    shown: list[list[int | None]] = [[] for _ in docs]

    def follow(i: int, snap: VenueSnapshot) -> None:
        if i == 2:
            msg = "this session's map cannot draw it"
            raise RuntimeError(msg)
        shown[i].append(snap.version)

    for i, doc in enumerate(docs):
        ctx.subscribe(doc, lambda snap, i=i: follow(i, snap))
    planner = FakeDocument()
    statuses: list[KioskStatus] = []
    ctx.subscribe_status(planner, statuses.append)
    watcher = PublishWatcher(ctx, heartbeat_s=3600.0)
    assert watcher.heartbeat() is not None
    planner.run()
    assert statuses[-1].text() == "published v1; all 3 kiosk sessions on v1"
    assert watcher.heartbeat() is None  # nothing changed, not due: no write
    v2 = _publish_moved(store)
    assert watcher.check()
    # Pushed, not yet drawn: the sessions still show v1, and the store says so.
    watcher.heartbeat()
    planner.run()
    assert statuses[-1].text() == "published v2; 0 of 3 kiosk sessions on v2, 3 on v1"
    docs[0].run()
    docs[1].run()
    with pytest.raises(RuntimeError):
        docs[2].run()  # this one fails to draw v2: it still shows v1
    watcher.heartbeat()
    planner.run()
    assert statuses[-1].text() == f"published v{v2}; 2 of 3 kiosk sessions on v{v2}, 1 on v1"
    assert store.kiosk_status() == statuses[-1]
    watcher.stop()  # its heartbeat goes with it
    assert store.kiosk_sessions() == {}
