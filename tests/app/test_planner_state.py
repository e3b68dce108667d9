"""Planner page logic without a browser: PlannerState over a LayoutEditor and a LayoutStore."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

import floorplan
from floorplan.app.context import VenueContext, VenueSnapshot
from floorplan.app.planner_state import INITIAL_MESSAGE, PlannerState
from floorplan.errors import PlaceError
from floorplan.io.store import LayoutStore
from floorplan.layout import layout_stats
from floorplan.rules import PublishGate
from floorplan.schema import Col

from _browser import ZH_NAME, kiosk_venue
from conftest import ORIGIN, unsafe_hall, write_spec


@pytest.fixture
def store(tmp_path: Path) -> LayoutStore:
    # As the server makes it: publishes go through every rule of the engine.
    return LayoutStore(tmp_path / "layouts.gpkg", gate=PublishGate())


@pytest.fixture
def state(store: LayoutStore) -> PlannerState:
    return PlannerState(store, kiosk_venue(), author="pat")


def _bounds(state: PlannerState, bid: str) -> tuple[float, ...]:
    return tuple(state.booth_geometry(bid).bounds)


def test_empty_store_gets_the_served_venue_as_version_1(
    store: LayoutStore, state: PlannerState
) -> None:
    assert [(v.version, v.message, v.author) for v in state.versions] == [
        (1, INITIAL_MESSAGE, "pat")
    ]
    assert state.base == 1
    assert state.unsaved == 0
    # A second session opens the latest version instead of saving again.
    state.select(["A-101"])
    state.move_selected(5.0, 0.0)
    assert state.save("shift A-101") == 2
    again = PlannerState(store, kiosk_venue(), author="kim")
    assert again.base == 2
    assert _bounds(again, "A-101") == _bounds(state, "A-101")


def test_tap_and_search_select(state: PlannerState) -> None:
    assert state.tap(15.0, 12.0) == "A-101"
    assert state.selected == ["A-101"]
    assert state.tap(75.0, 12.0, add=True) == "B-101"
    assert state.selected == ["A-101", "B-101"]
    assert state.tap(75.0, 12.0, add=True) == "B-101"  # a second tap takes it out again
    assert state.selected == ["A-101"]
    assert state.tap(1.0, 1.0) is None  # the aisle clears the selection
    assert state.selected == []
    hits = state.search("sunpower")
    assert [b for b, _ in hits] == ["A-201"]
    assert state.search("a-1")[0][0] == "A-101"
    assert state.search("   ") == []
    state.select([hits[0][0], "NOPE"], zoom=True)
    assert state.selected == ["A-201"]
    assert state.focus == pytest.approx((35.0, 8.0, 47.0, 16.0))


def test_drag_snaps_to_grid_and_edges_and_undoes(state: PlannerState) -> None:
    before = _bounds(state, "A-101")
    # x 10 + 1.3 = 11.3 -> the 0.5 m grid: 11.5; y 8.2 -> A-201's bottom edge at 8.
    assert state.drag(["A-101"], 1.3, 0.2) == pytest.approx((1.5, 0.0))
    assert _bounds(state, "A-101") == pytest.approx((11.5, 8.0, 23.5, 16.0))
    assert state.selected == ["A-101"]
    assert state.unsaved == 1
    assert state.can_undo
    assert state.undo()
    assert _bounds(state, "A-101") == pytest.approx(before)
    assert state.redo()
    assert _bounds(state, "A-101") == pytest.approx((11.5, 8.0, 23.5, 16.0))
    # A tiny drag snaps back to where it was: no edit.
    rev = state.revision
    assert state.drag(["A-101"], 0.1, 0.1) == (0.0, 0.0)
    assert state.revision == rev + 1  # redrawn all the same (the browser moved it)
    assert state.editor.history == ["move A-101 by (1.5, 0) m"]


def test_block_move_rotate_resize(state: PlannerState) -> None:
    state.select(["A-101", "A-102"])
    assert state.move_selected(0.0, 2.0) == pytest.approx((0.0, 2.0))
    assert _bounds(state, "A-102")[1] == pytest.approx(28.0)
    assert state.rotate()  # 15° about the pair's centre
    geom = state.booth_geometry("A-101")
    assert geom.area == pytest.approx(96.0)
    assert geom.minimum_rotated_rectangle.area == pytest.approx(96.0)
    assert not state.resize(3.0, 4.0)  # two booths selected
    assert "exactly one" in state.error
    state.select(["A-201"])
    assert state.resize(6.0, 3.0)
    assert state.booth_geometry("A-201").area == pytest.approx(18.0)
    assert not state.resize(0.0, 3.0)
    assert "width_m and depth_m must be > 0" in state.error
    assert state.booth_geometry("A-201").area == pytest.approx(18.0)


def test_nothing_selected_is_a_clear_message(state: PlannerState) -> None:
    assert not state.rotate()
    assert "select a booth first" in state.error
    assert state.unsaved == 0


def test_add_duplicate_remove_assign(state: PlannerState) -> None:
    n = state.stats.booths
    new = state.add_rectangle(2.0, 2.0, 3.0, 3.0, zone="health")
    assert new == "A-N1"
    assert state.stats.booths == n + 1
    assert state.add_rectangle(500.0, 500.0, 3.0, 3.0) is None
    assert "inside a hall" in state.error
    assert state.add_booth([(0, 0), (1, 1)]) is None
    poly = state.add_booth([(50, 30), (55, 30), (52, 35)], zone="energy")
    assert poly == "A-N2"
    state.select(["B-101"])
    copy = state.duplicate()
    assert copy == "B-101-copy"
    assert state.booth(copy)[Col.EXHIBITOR] in {"", None}
    assert _bounds(state, copy)[0] == pytest.approx(_bounds(state, "B-101")[2])
    assert state.assign("  Über Cars 汽车  ", zone="automobile")
    row = state.booth(copy)
    assert (row[Col.EXHIBITOR], row[Col.ZONE]) == ("Über Cars 汽车", "automobile")
    assert not state.assign("x", zone="nonsense")
    assert "zone" in state.error
    sold = state.stats.sold
    state.select(["A-N1", "A-N2", copy])
    assert state.remove()
    assert state.stats.booths == n
    assert state.stats.sold == sold - 1
    assert state.selected == []


def test_problems_name_booths_and_focus(state: PlannerState) -> None:
    assert state.problems == [] or all(p.rule for p in state.problems)
    before = len(state.problems)
    state.select(["A-101"])
    state.move_selected(0.0, 15.0)  # onto A-102 (10-22 x 26-34): an overlap
    assert len(state.problems) > before
    overlap = next(i for i, p in enumerate(state.problems) if "A-102" in p.ids)
    state.select([])
    p = state.choose_problem(overlap)
    assert set(state.selected) >= {"A-101"} & set(p.ids)
    assert "A-102" in state.selected
    x0, _, x1, _ = state.focus
    assert (x0, x1) == pytest.approx((10.0, 22.0))
    assert {"A-101", "A-102"} <= state.problem_booths()
    state.undo()
    assert len(state.problems) == before


def test_stats_follow_edits(state: PlannerState) -> None:
    s = state.stats
    assert s == layout_stats(kiosk_venue())
    assert s.booths == 8
    assert s.gross_m2 == pytest.approx(4800.0)
    state.select(["A-101"])
    state.assign("")
    assert state.stats.sold == s.sold - 1
    assert state.stats.unsold_m2 == pytest.approx(s.unsold_m2 + 96.0)


def test_stale_save_keeps_edits_and_offers_both_ways(store: LayoutStore) -> None:
    ann = PlannerState(store, kiosk_venue(), author="ann")
    bob = PlannerState(store, kiosk_venue(), author="bob")
    ann.select(["A-101"])
    ann.move_selected(1.0, 0.0)
    assert ann.save("ann moves A-101") == 2
    bob.select(["B-101"])
    bob.assign(ZH_NAME)
    assert bob.save("  ") is None
    assert "message" in bob.error
    assert bob.save("bob assigns B-101") is None
    assert bob.stale
    assert "version 2 was saved since by ann" in bob.error
    assert "save as a copy" in bob.error
    assert bob.booth("B-101")[Col.EXHIBITOR] == ZH_NAME  # nothing lost
    assert [v.version for v in store.versions()] == [1, 2]
    assert bob.save("bob assigns B-101", as_copy=True) == 3
    assert not bob.stale
    assert store.info(3).parent == 1
    assert store.load(3).booths.set_index(Col.BOOTH_ID).loc["B-101", Col.EXHIBITOR] == ZH_NAME
    # Ann reloads instead: her view now is version 3 (bob's copy), her edits are gone.
    ann.select(["A-102"])
    ann.move_selected(0.0, 1.0)
    assert ann.save("again") is None
    assert ann.reload_latest() == 3
    assert (ann.base, ann.unsaved, ann.stale) == (3, 0, False)


def test_history_diff_and_publish(store: LayoutStore, state: PlannerState) -> None:
    state.select(["A-101"])
    state.move_selected(0.0, -2.0)
    state.select(["B-202"])
    state.remove()
    state.add_rectangle(2.0, 2.0, 3.0, 3.0)
    state.select(["B-101"])
    state.assign("Someone new")
    v2 = state.save("move, remove, add, reassign")
    assert v2 == 2
    assert [v.message for v in state.versions] == [INITIAL_MESSAGE, "move, remove, add, reassign"]
    shapes = state.compare(1, 2)
    assert shapes is not None
    d = shapes.diff
    assert (d.moved, d.removed, d.added, d.reassigned) == (
        ("A-101",),
        ("B-202",),
        ("A-N1",),
        ("B-101",),
    )
    assert shapely.equals(shapes.moved_from[0], kiosk_venue().booths.geometry.iloc[0])
    assert len(shapes.changed) == 1
    assert "1 moved" in state.notice
    assert state.compare(1, 9) is None
    assert "9" in state.error
    assert state.published is None
    assert state.publish() == 2
    assert (state.published, store.published_version()) == (2, 2)
    assert state.notice == "published version 2"
    assert state.kiosks == "published v2; no kiosk session open"
    state.select(["A-102"])
    state.move_selected(1.0, 0.0)
    assert state.publish(1) == 1  # a named version: the open edits do not matter
    assert store.published_version() == 1
    assert state.notice == "rolled back to version 1"
    assert state.publish(42) is None
    assert "no version 42" in state.error
    assert store.published_version() == 1
    assert [p.version for p in store.publications()] == [2, 1]
    assert all(p.author == "pat" for p in store.publications())


def test_open_old_version_then_save_as_copy(state: PlannerState) -> None:
    state.select(["A-101"])
    state.move_selected(3.0, 0.0)
    state.save("v2")
    assert state.open_version(1)
    assert _bounds(state, "A-101")[0] == pytest.approx(10.0)
    state.select(["A-101"])
    state.move_selected(0.0, 1.0)
    assert state.save("from v1") is None
    assert state.stale
    assert state.save("from v1", as_copy=True) == 3
    assert not state.open_version(7)


def test_reshape_moves_a_vertex_and_refuses_degenerate_outlines(state: PlannerState) -> None:
    # A-101 is 10-22 x 8-16: pull its north-east corner 2 m further north.
    assert state.reshape("A-101", [(10, 8), (22, 8), (22, 18), (10, 16)])
    assert state.selected == ["A-101"]
    assert state.booth_geometry("A-101").area == pytest.approx(96.0 + 12.0)
    assert state.editor.history[-1] == "reshape A-101"
    before = state.booth_geometry("A-101")
    rev = state.revision
    # Dragging a corner across the opposite side makes a bow tie: refused, nothing changes.
    assert not state.reshape("A-101", [(10, 8), (22, 8), (10, 18), (22, 16)])
    assert "booth A-101: the polygon is degenerate" in state.error
    assert state.booth_geometry("A-101").equals(before)
    assert state.revision == rev + 1  # redrawn, so the browser's outline goes back
    assert not state.reshape("A-101", [(10, 8), (22, 8), (30, 8)])
    assert "the polygon is degenerate" in state.error  # all three points on one line
    assert state.undo()
    assert state.booth_geometry("A-101").area == pytest.approx(96.0)


def test_draw_rectangle_snaps_and_refuses_slivers(state: PlannerState) -> None:
    n = state.stats.booths
    bid = state.draw_rectangle(5.2, 30.9, 1.1, 34.2, zone="health")  # any two corners
    assert bid == "A-N1"
    assert _bounds(state, bid) == pytest.approx((1.0, 31.0, 5.0, 34.0))
    assert state.booth(bid)[Col.ZONE] == "health"
    assert state.selected == [bid]
    assert state.draw_rectangle(2.0, 2.0, 2.1, 6.0) is None
    assert "bigger rectangle" in state.error
    assert state.draw_rectangle(500.0, 500.0, 505.0, 505.0) is None
    assert "inside a hall" in state.error
    assert state.stats.booths == n + 1


def test_planner_checks_the_code_per_hall(tmp_path: Path) -> None:
    venue = floorplan.read_venue(write_spec(unsafe_hall(), tmp_path / "unsafe"))
    state = PlannerState(LayoutStore(tmp_path / "u.gpkg"), venue, author="pat")
    travel = {p.id: p for p in state.problems if p.rule == "travel_distance"}
    # The unsafe hall's south-east floor is over 40 m from its exits: one problem, the hall's.
    assert sorted(travel) == ["U"]
    assert "the gb50016 limit is 37.5 m" in travel["U"].message  # the venue is sprinklered
    index = state.problems.index(travel["U"])
    state.choose_problem(index)
    assert state.focus == pytest.approx((ORIGIN[0], ORIGIN[1], ORIGIN[0] + 90, ORIGIN[1] + 40))
    assert {str(p.rule) for p in state.problems} == {
        "exit_blocked",
        "exit_width",
        "travel_distance",
    }


# ------------------------------------------------------------------ publishing


def test_opens_the_published_version_or_the_one_asked_for(store: LayoutStore) -> None:
    first = PlannerState(store, kiosk_venue(), author="pat")
    first.select(["A-101"])
    first.move_selected(0.0, 2.0)
    assert first.save("v2") == 2
    assert first.publish(1) == 1
    assert PlannerState(store, kiosk_venue(), author="kim").base == 1  # what kiosks show
    assert PlannerState(store, kiosk_venue(), author="kim", version=2).base == 2
    lost = PlannerState(store, kiosk_venue(), author="kim", version=9)
    assert lost.base == 1
    assert "has no version 9" in lost.error
    assert "opened version 1 instead" in lost.error


def test_unsaved_counts_net_changes(state: PlannerState) -> None:
    state.select(["A-101"])
    state.move_selected(2.0, 0.0)
    assert state.unsaved == 1
    state.move_selected(2.0, 0.0)
    assert state.unsaved == 1  # the same booth moved twice is one change
    state.move_selected(-4.0, 0.0)
    assert state.unsaved == 0  # moved back by hand: nothing to save
    state.move_selected(0.0, 2.0)
    state.select(["B-101"])
    state.assign("Someone")
    assert state.unsaved == 2
    assert state.undo()
    assert state.undo()
    assert state.unsaved == 0  # undone back to the version opened
    assert state.redo()
    assert state.save("one move") == 2
    assert state.unsaved == 0
    assert state.undo()
    assert state.unsaved == 1  # against the version saved now


def test_publish_with_unsaved_edits_asks_to_save_first(
    store: LayoutStore, state: PlannerState
) -> None:
    state.select(["A-101"])
    state.move_selected(0.0, 2.0)
    assert state.publish() is None
    assert state.confirm is not None
    assert state.confirm.kind == "save"
    assert "1 booth changed since version 1 and not saved" in state.confirm.text
    assert store.published_version() is None
    assert state.answer(False) is None
    assert (state.confirm, state.notice, store.published_version()) == (None, "not published", None)
    assert state.publish() is None
    assert state.answer(True, message="A-101 north") == 2
    assert [v.message for v in state.versions][-1] == "A-101 north"
    assert (state.base, state.unsaved, store.published_version()) == (2, 0, 2)
    assert state.confirm is None


def test_warnings_need_a_yes_and_errors_refuse(store: LayoutStore, state: PlannerState) -> None:
    # A booth 1.4 m beside the entrance A-E1 (28..32 at y=0), off the strip in front of it.
    assert state.add_rectangle(33.0, 1.0, 3.0, 3.0) is not None
    assert [str(p.rule) for p in state.problems] == ["door_keep_clear"]
    assert state.save("beside the door") == 2
    assert state.publish() is None
    question = state.confirm
    assert question is not None
    assert (question.kind, question.version) == ("acknowledge", 2)
    assert [str(p.rule) for p in question.problems] == ["door_keep_clear"]
    assert store.published_version() is None
    assert state.answer(True) == 2
    assert store.published_version() == 2
    assert state.notice == "published version 2 (1 warning acknowledged)"
    (pub,) = store.publications()
    assert (pub.author, [a["rule"] for a in pub.acknowledged]) == ("pat", ["door_keep_clear"])
    # A booth over kiosk K1 (30, 4): an error, refused, whatever anyone says.
    state.select([])
    assert state.add_rectangle(28.0, 3.0, 4.0, 3.0) is not None
    assert state.save("over the kiosk") == 3
    assert state.publish() is None
    assert state.confirm is None
    assert "version 3 cannot be published: it breaks 1 rule that block" in state.error
    assert "kiosk_blocked" in state.error
    assert store.published_version() == 2
    assert state.publish(3, acknowledge=True) is None
    assert store.published_version() == 2


def test_roll_back_to_the_version_published_before(store: LayoutStore, state: PlannerState) -> None:
    assert state.rollback() is None
    assert "no version to roll back to" in state.error
    assert state.publish() == 1
    state.select(["A-101"])
    state.move_selected(0.0, 2.0)
    assert state.save("v2") == 2
    assert state.publish() == 2
    assert state.previous == 1
    assert state.rollback() == 1
    assert (store.published_version(), state.published, state.previous) == (1, 1, 2)
    assert state.notice == "rolled back to version 1"


def test_a_version_the_server_cannot_build_shows_why(
    store: LayoutStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = VenueContext(store.load(store.save(kiosk_venue(), message="v1")), store=store)
    state = PlannerState(store, kiosk_venue(), author="pat", publisher=ctx.publish_version)

    def broken(cls: type[VenueSnapshot], venue: object, **kw: object) -> VenueSnapshot:
        msg = "place K1 is inside booth A-101"
        raise PlaceError(msg)

    monkeypatch.setattr(VenueSnapshot, "build", classmethod(broken))
    assert state.publish() is None
    assert "could not build it for the kiosks (PlaceError: place K1 is inside booth" in state.error
    assert store.published_version() is None
    assert state.kiosks == "nothing published; no kiosk session open"
