"""Time the planner's live check after an edit against a full re-validation, on the bundled venue.

Run: python benchmarks/bench_layout.py
"""

from __future__ import annotations

import statistics
import time

from floorplan.generate import generate_venue
from floorplan.layout import LayoutEditor
from floorplan.validate import validate


def main() -> None:
    venue = generate_venue()
    t = time.perf_counter()
    editor = LayoutEditor(venue)
    build_s = time.perf_counter() - t
    ids = list(venue.booths["booth_id"])
    edits = {
        "move": lambda b: editor.move(b, dx_m=0.5, dy_m=-0.5),
        "rotate": lambda b: editor.rotate(b, 15),
        "resize": lambda b: editor.resize(b, width_m=6, depth_m=4),
        "undo": lambda _b: editor.undo(),
    }
    print(f"bundled venue: {len(ids)} booths; editor built in {build_s * 1e3:.0f} ms")
    for name, edit in edits.items():
        walls, checks = [], []
        for b in ids[::10]:
            t = time.perf_counter()
            edit(b)
            walls.append(time.perf_counter() - t)
            checks.append(editor.last_check_s)
        print(
            f"{name:<7} edit+check median {statistics.median(walls) * 1e3:5.1f} ms, "
            f"max {max(walls) * 1e3:5.1f} ms (check alone median "
            f"{statistics.median(checks) * 1e3:5.1f} ms)"
        )
    full = []
    for _ in range(10):
        t = time.perf_counter()
        validate(editor.venue)
        full.append(time.perf_counter() - t)
    print(
        f"full validate (format rules only, no aisle/door/step-free rules): median "
        f"{statistics.median(full) * 1e3:.1f} ms"
    )


if __name__ == "__main__":
    main()
