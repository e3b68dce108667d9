"""The planner's autosaved drafts without a browser: DraftKeeper over PlannerState and a store."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from floorplan.app.context import PublishWatcher, VenueContext
from floorplan.app.planner import PlannerPage
from floorplan.app.planner_drafts import DraftKeeper, draft_time
from floorplan.app.planner_state import PlannerState
from floorplan.i18n import Lang
from floorplan.io.store import LayoutStore
from floorplan.schema import Col

from _browser import kiosk_venue

USER = "pat 北京"


@pytest.fixture
def store(tmp_path: Path) -> LayoutStore:
    return LayoutStore(tmp_path / "layouts.gpkg")


def _session(store: LayoutStore, user: str = USER) -> tuple[PlannerState, DraftKeeper]:
    state = PlannerState(store, kiosk_venue(), author=user)
    return state, DraftKeeper(state, author=user)


def _booths(state: PlannerState) -> list[tuple[object, ...]]:
    b = state.venue.booths
    cols = [c for c in b.columns if c != "geometry"]
    return [(*(str(v) for v in row[cols]), shapely.to_wkb(row.geometry)) for _, row in b.iterrows()]


def _edit(state: PlannerState) -> None:
    """Four edits: rotate, move, assign (Chinese text), add; and an undo and a redo.

    Two booths differ from the version then (A-101 and the new one): the planner counts
    booths changed, not edits.
    """
    state.select(["A-101"])
    state.rotate(15.0)
    state.move_selected(2.0, 0.0)
    state.assign("数字龙 <b>Ünïcode</b>", "digital")
    state.add_rectangle(40.0, 30.0, 3.0, 2.0)
    state.undo()
    state.redo()


def test_edits_are_autosaved_and_restored_exactly(store: LayoutStore) -> None:
    state, keeper = _session(store)
    assert keeper.offer() is None
    _edit(state)
    assert state.unsaved == 2
    (draft,) = store.drafts(USER)
    assert (draft.base, draft.origin, draft.edits) == (1, 1, 2)
    # A new session (a restart, another tab): the draft is offered; nothing is written
    # until it is answered, not even by the new session's own changes.
    again, keeper2 = _session(store)
    assert keeper2.offer() == draft
    when = draft_time(draft.saved_at)
    assert keeper2.question()[0] == f"Restore your unsaved changes from {when}? Booths changed: 2."
    assert keeper2.restore()
    assert keeper2.pending is None
    assert _booths(again) == _booths(state)
    assert (again.base, again.unsaved) == (1, 2)
    assert again.editor.history == state.editor.history
    # One full check after the replay finds what the checks after each edit found.
    assert [p.to_dict() for p in again.problems] == [p.to_dict() for p in state.problems]
    assert "Restored the unsaved changes from" in again.notice
    # The same undo history: undo every step on both, they stay the same.
    while state.editor.can_undo:
        state.undo()
        again.undo()
        assert _booths(again) == _booths(state)
    assert not again.editor.can_undo


def test_save_discard_and_undo_delete_the_draft(store: LayoutStore) -> None:
    state, _ = _session(store)
    state.select(["A-101"])
    state.rotate(15.0)
    assert len(store.drafts(USER)) == 1
    assert state.save("rotate A-101") == 2
    assert store.drafts(USER) == []  # saved: the draft goes
    # Edits after a save start from the opened version: the draft says so.
    state.move_selected(1.0, 0.0)
    (d,) = store.drafts(USER)
    assert (d.base, d.origin, d.edits) == (2, 1, 1)
    again, keeper = _session(store)
    assert keeper.offer() == d
    assert keeper.restore()
    assert again.base == 2
    assert _booths(again) == _booths(state)
    assert again.save("and move it") == 3  # saved on base 2, not stale
    assert store.drafts(USER) == []
    # Undoing every edit leaves nothing unsaved to keep.
    again.select(["A-101"])
    again.move_selected(1.0, 0.0)
    assert len(store.drafts(USER)) == 1
    again.undo()
    assert store.drafts(USER) == []
    # Dropping the edits for another version deletes the draft too.
    again.move_selected(1.0, 0.0)
    assert len(store.drafts(USER)) == 1
    again.open_version(1)
    assert store.drafts(USER) == []
    # Discarding an offered draft deletes it and keeps what is open.
    again.select(["A-101"])
    again.move_selected(1.0, 0.0)
    third, keeper3 = _session(store)
    assert keeper3.offer() is not None
    keeper3.discard()
    assert store.drafts(USER) == []
    assert third.unsaved == 0
    assert "Discarded" in third.notice


def test_drafts_are_per_user_and_never_reach_kiosks(store: LayoutStore) -> None:
    pat, _ = _session(store)
    kim, _ = _session(store, "kim")
    pat.select(["A-101"])
    pat.rotate(15.0)
    kim.select(["B-101"])
    kim.remove()
    assert [d.author for d in store.drafts()] == ["kim", USER]
    assert [v.version for v in store.versions()] == [1]
    store.publish(1)
    ctx = VenueContext(kiosk_venue(), store=store, served_version=None)
    assert PublishWatcher(ctx).check()
    assert ctx.served_version == 1
    assert "A-101" in set(ctx.venue.booths[Col.BOOTH_ID])
    served = ctx.venue.booths.set_index(Col.BOOTH_ID).geometry["A-101"]
    assert served.bounds == pytest.approx((10, 8, 22, 16))  # not pat's rotated draft
    assert "B-101" in set(ctx.venue.booths[Col.BOOTH_ID])  # not kim's removal


def test_a_broken_draft_is_kept_and_said(store: LayoutStore) -> None:
    state, _ = _session(store)
    state.select(["A-101"])
    state.rotate(15.0)
    (d,) = store.drafts(USER)
    store.save_draft(USER, base=1, origin=1, edits=1, text='{"format": 1, "undo": [}')
    again, keeper = _session(store)
    assert keeper.offer() is not None
    assert not keeper.restore()
    assert "could not be restored" in again.error
    assert keeper.pending is not None  # still offered: to discard or keep
    assert len(store.drafts(USER)) == 1
    assert again.unsaved == 0
    del d


def test_the_offer_speaks_the_planner_language(store: LayoutStore) -> None:
    state, _ = _session(store)
    state.select(["A-101"])
    state.rotate(15.0)
    _, keeper = _session(store)
    keeper.lang = Lang.ZH
    keeper.offer()
    question, detail = keeper.question()
    assert question.startswith("恢复 ")
    assert "改动的展位：1 个" in question
    assert "版本 1" in detail


def test_the_page_offers_the_draft_in_a_dialog(store: LayoutStore) -> None:
    state, _ = _session(store)
    state.select(["A-101"])
    state.rotate(15.0)
    state.rotate(15.0)
    ctx = VenueContext(kiosk_venue(), store=store)
    page = PlannerPage(ctx, author=USER)
    assert page.draft_offer.visible
    assert "Booths changed: 1." in page.draft_text.object
    page._restore_draft()
    assert not page.draft_offer.visible
    i = list(page.source.data["booth_id"]).index("A-101")
    want = shapely.get_coordinates(state.booth_geometry("A-101"))[:-1]
    assert page.source.data["xs"][i] == want[:, 0].tolist()
    assert page.source.data["ys"][i] == want[:, 1].tolist()
    assert not page.undo_btn.disabled
    # Without a draft there is no dialog.
    store.delete_draft(USER, 1)
    assert not PlannerPage(ctx, author=USER).draft_offer.visible


def test_draft_time() -> None:
    from datetime import UTC, datetime  # noqa: PLC0415

    now = datetime(2023, 11, 28, 14, 40, tzinfo=UTC)
    assert draft_time("2023-11-28T14:32:59.999+00:00", now=now) == "14:32"
    assert draft_time("2023-11-27T14:32:00+00:00", now=now) == "2023-11-27 14:32"
    assert draft_time("not a time", now=now) == "not a time"
