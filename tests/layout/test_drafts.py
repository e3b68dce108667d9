"""Tests of floorplan.layout.drafts and the editor's replay: a draft restores edits exactly."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pandas as pd
import pytest
import shapely
from _edits import random_edits as _random_edits

from floorplan.errors import EditError
from floorplan.generate import generate_venue
from floorplan.layout import LayoutEditor
from floorplan.layout.drafts import history_from_json, history_to_json
from floorplan.schema import Col
from floorplan.venue import Venue


@pytest.fixture(scope="module")
def venue() -> Venue:
    v = generate_venue(booths=40, halls=1, seed=7)
    b = v.booths.copy()
    b.loc[b.index[0], Col.EXHIBITOR] = '北京 Ünïcode "quoted" \\ Ltd.\n'
    v.booths = b
    return v


def _cells(frame: pd.DataFrame) -> list[list[object]]:
    rows = pd.DataFrame(frame).astype(object).to_numpy().tolist()
    return [
        ["<NA>" if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in row]
        for row in rows
    ]


def _same_by_id(a: Venue, b: Venue) -> None:
    """Assert two layouts have the same booths, each with the same row, in any order."""
    cols = [c for c in a.booths.columns if c != "geometry"]
    assert sorted(cols) == sorted(c for c in b.booths.columns if c != "geometry")
    ra = sorted(map(str, _cells(a.booths[[*cols, "geometry"]])))
    rb = sorted(map(str, _cells(b.booths[[*cols, "geometry"]])))
    assert ra == rb
    ga = {r[Col.BOOTH_ID]: shapely.to_wkb(r.geometry) for _, r in a.booths.iterrows()}
    gb = {r[Col.BOOTH_ID]: shapely.to_wkb(r.geometry) for _, r in b.booths.iterrows()}
    assert ga == gb


def _same_booths(a: Venue, b: Venue) -> None:
    """Assert two layouts have the same booth rows, in the same order, bit for bit.

    Cell by cell as Python values: a column an undone addition left behind may hold the
    same values under another pandas dtype (object or string), which saves the same.
    """
    fa, fb = a.booths, b.booths
    plain = [c for c in fa.columns if c != "geometry"]
    assert plain == [c for c in fb.columns if c != "geometry"]
    assert _cells(fa[plain]) == _cells(fb[plain])
    wa = [shapely.to_wkb(g) for g in fa.geometry]
    wb = [shapely.to_wkb(g) for g in fb.geometry]
    assert wa == wb


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_replay_restores_booths_and_history_exactly(venue: Venue, seed: int) -> None:
    ed = LayoutEditor(venue)
    _random_edits(ed, random.Random(seed), 40)
    text, squashed = history_to_json(ed)
    assert not squashed
    json.loads(text)  # plain JSON text
    back = history_from_json(text)
    fresh = LayoutEditor(venue)
    fresh.replay(back.undo, back.redo)
    _same_booths(ed.venue, fresh.venue)
    assert fresh.history == ed.history
    assert (fresh.can_undo, fresh.can_redo) == (ed.can_undo, ed.can_redo)
    assert [p.to_dict() for p in fresh.problems()] == [p.to_dict() for p in ed.problems()]
    # The same undo history: stepping back and forth gives the same layouts on both.
    for _ in range(len(ed.history)):
        ed.undo()
        fresh.undo()
        _same_booths(ed.venue, fresh.venue)
    # Back at the opened layout, booth by booth (the editor's undo of a removal of several
    # booths may put them back in another order; an undone addition may leave its columns).
    opened = LayoutEditor(venue).venue.booths
    cols = list(opened.columns)
    assert sorted(map(str, _cells(fresh.venue.booths[cols]))) == sorted(
        map(str, _cells(opened[cols]))
    )
    while ed.can_redo:
        ed.redo()
        fresh.redo()
    _same_booths(ed.venue, fresh.venue)


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_a_long_history_is_squashed_to_the_same_net_state(venue: Venue, seed: int) -> None:
    ed = LayoutEditor(venue)
    _random_edits(ed, random.Random(seed), 60)
    while not ed.can_undo:  # undos may have emptied the stack: make one more edit
        _random_edits(ed, random.Random(seed + 100), 1)
    text, squashed = history_to_json(ed, max_edits=5)
    assert squashed
    back = history_from_json(text)
    assert back.squashed
    assert len(back.undo) == 1
    assert back.redo == ()
    fresh = LayoutEditor(venue)
    fresh.replay(back.undo)
    _same_by_id(ed.venue, fresh.venue)
    # Its one undo goes back to the opened layout (the same booths, by id).
    fresh.undo()
    opened = LayoutEditor(venue).venue.booths.set_index(Col.BOOTH_ID)
    now = fresh.venue.booths.set_index(Col.BOOTH_ID)
    assert sorted(now.index) == sorted(opened.index)
    assert all(now.geometry[b].equals_exact(opened.geometry[b], 0) for b in opened.index)


def test_squash_by_size(venue: Venue) -> None:
    ed = LayoutEditor(venue)
    _random_edits(ed, random.Random(9), 20)
    full, squashed = history_to_json(ed)
    assert not squashed
    small, squashed = history_to_json(ed, max_bytes=len(full.encode()) - 1)
    assert squashed
    fresh = LayoutEditor(venue)
    fresh.replay(history_from_json(small).undo)
    _same_by_id(ed.venue, fresh.venue)


def test_values_keep_their_types() -> None:
    from floorplan.layout.drafts import _value_from_json, _value_to_json  # noqa: PLC0415

    values = [
        None,
        True,
        3,
        -0.0,
        0.1 + 0.2,
        float("nan"),
        float("inf"),
        np.int64(7),
        np.float64(1e-300),
        np.bool_(False),
        "北京 \u0000 \U0001f600",
        pd.Timestamp("2023-11-28T09:00:00+08:00"),
    ]
    for v in values:
        back = _value_from_json(*json.loads(json.dumps(_value_to_json(v))))
        assert type(back) is type(v)
        assert (back != back and v != v) or back == v  # noqa: PLR0124 - NaN
        if isinstance(v, float) and v == 0:
            assert str(back) == str(v)  # -0.0 keeps its sign
    with pytest.raises(EditError, match="cannot be kept"):
        _value_to_json(object())


def test_replay_refuses_a_history_of_another_layout(venue: Venue) -> None:
    ed = LayoutEditor(venue)
    bid = str(venue.booths[Col.BOOTH_ID].iloc[3])
    ed.move(bid, dx_m=1, dy_m=0)
    ed.remove(bid)
    back = history_from_json(history_to_json(ed)[0])
    other = venue.copy()
    other.booths = other.booths[other.booths[Col.BOOTH_ID] != bid]
    fresh = LayoutEditor(other)
    with pytest.raises(EditError, match=f"has no booth '{bid}'"):
        fresh.replay(back.undo)
    assert not fresh.can_undo
    _same_booths(fresh.venue, LayoutEditor(other).venue)
    used = LayoutEditor(venue)
    used.move(bid, dx_m=1, dy_m=0)
    with pytest.raises(EditError, match="fresh editor"):
        used.replay(back.undo)


@pytest.mark.parametrize(
    "text",
    ["", "[]", '{"format": 99, "undo": [], "redo": []}', '{"format": 1, "undo": [{}], "redo": []}'],
)
def test_unreadable_drafts_are_refused(text: str) -> None:
    with pytest.raises(EditError, match="draft"):
        history_from_json(text)
