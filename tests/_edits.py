"""Make random planner edits of every kind: shared by the drafts and the live-check tests."""

from __future__ import annotations

import random

import shapely

from floorplan.errors import FloorplanError
from floorplan.layout import LayoutEditor
from floorplan.schema import Col


def random_edits(ed: LayoutEditor, rng: random.Random, n: int) -> None:
    """Make ``n`` random edits of every kind (refused ones skipped), undos and redos."""
    made = 0
    while made < n:
        ids = ed.venue.booths[Col.BOOTH_ID].astype(str).tolist()
        bid = rng.choice(ids)
        kind = rng.choice(
            ["move", "move2", "rotate", "resize", "add", "remove", "assign", "dup", "undo", "redo"]
        )
        try:
            if kind == "move":
                ed.move(bid, dx_m=rng.uniform(-2, 2), dy_m=rng.uniform(-2, 2))
            elif kind == "move2":
                ed.move(rng.sample(ids, 3), dx_m=0.1 * rng.randint(-9, 9), dy_m=0.3)
            elif kind == "rotate":
                ed.rotate(bid, rng.uniform(-90, 90))
            elif kind == "resize":
                ed.resize(bid, width_m=rng.uniform(2, 6), depth_m=rng.uniform(2, 6))
            elif kind == "add":
                x0, y0 = ed.venue.halls.geometry.iloc[0].representative_point().coords[0]
                ed.add(
                    f"N-{made}",
                    shapely.box(x0, y0, x0 + 3, y0 + 2.5),
                    hall_id=str(ed.venue.halls[Col.HALL_ID].iloc[0]),
                    zone="energy",
                    exhibitor="新 Co",
                )
            elif kind == "remove":
                ed.remove(rng.sample(ids, rng.randint(1, 2)))
            elif kind == "assign":
                ed.assign(
                    bid, rng.choice(["", "Acme", "数字龙"]), zone=rng.choice([None, "health"])
                )
            elif kind == "dup":
                ed.duplicate(bid, f"{bid}-c{made}", dx_m=4.0, dy_m=0.0)
            elif kind == "undo":
                ed.undo()
            else:
                ed.redo()
        except FloorplanError:
            continue
        made += 1
