"""Time the planner's live check after an edit against a full re-validation, on the bundled venue.

The travel-distance rule (``LayoutRules(check_travel=True)``, the planner page's rules) is
timed on its own too, against a fresh ``farthest_point`` per hall as the capacity module
computes it (the peer it must agree with).

Run: python benchmarks/bench_layout.py [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import floorplan
from floorplan.capacity import hall_capacity
from floorplan.generate import generate_venue
from floorplan.layout import LayoutEditor, LayoutRules
from floorplan.validate import validate

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

LINES: list[str] = []


def say(line: str) -> None:
    print(line, flush=True)
    LINES.append(f"- {line}")


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
    say(f"bundled venue: {len(ids)} booths; editor built in {build_s * 1e3:.0f} ms")
    for name, edit in edits.items():
        walls, checks = [], []
        for b in ids[::10]:
            t = time.perf_counter()
            edit(b)
            walls.append(time.perf_counter() - t)
            checks.append(editor.last_check_s)
        say(
            f"{name:<7} edit+check median {statistics.median(walls) * 1e3:5.1f} ms, "
            f"max {max(walls) * 1e3:5.1f} ms (check alone median "
            f"{statistics.median(checks) * 1e3:5.1f} ms)"
        )
    full = []
    for _ in range(10):
        t = time.perf_counter()
        validate(editor.venue)
        full.append(time.perf_counter() - t)
    say(
        f"full validate (format rules only, no aisle/door/step-free rules): median "
        f"{statistics.median(full) * 1e3:.1f} ms"
    )

    travel()


def travel() -> None:
    """Time the travel-distance rule: start-up, per edit, and the capacity peer per hall."""
    venue = floorplan.load_venue()
    t = time.perf_counter()
    editor = LayoutEditor(venue, rules=LayoutRules(check_travel=True))
    build_s = time.perf_counter() - t
    halls = venue.halls["hall_id"].nunique()
    say(
        f"travel rule on: editor built in {build_s * 1e3:.0f} ms "
        f"(travel part {editor._checker.travel_s * 1e3:.0f} ms for {halls} halls)"
    )
    walls, checks = [], []
    for b in list(venue.booths["booth_id"])[::10]:
        t = time.perf_counter()
        editor.move(b, dx_m=0.5, dy_m=0.0)
        walls.append(time.perf_counter() - t)
        checks.append(editor._checker.travel_s)
    say(
        f"move with travel: edit+check median {statistics.median(walls) * 1e3:5.1f} ms, max "
        f"{max(walls) * 1e3:5.1f} ms; travel re-check of the edited hall median "
        f"{statistics.median(checks) * 1e3:5.1f} ms, max {max(checks) * 1e3:5.1f} ms"
    )
    per_hall = []
    for hid in venue.halls["hall_id"]:
        t = time.perf_counter()
        hall_capacity(venue, halls=[hid], walk_samples=0)
        per_hall.append(time.perf_counter() - t)
    say(
        f"peer: hall_capacity straight-line only (fresh farthest_point, 0.5 m) per hall "
        f"median {statistics.median(per_hall) * 1e3:5.1f} ms, max {max(per_hall) * 1e3:5.1f} ms"
    )


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    main()
    if not args.no_write:
        head = (
            f"Command: `python benchmarks/bench_layout.py` ({date.today().isoformat()}, "
            f"Python {platform.python_version()}, 2 cores). Every 10th booth of the bundled "
            "venue is edited in turn; the check re-tests the edited booths, their old and new "
            "neighbours and the reachability of their hall."
        )
        write_section("Planner edits", head + "\n\n" + "\n".join(LINES))
