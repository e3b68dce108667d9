"""Time the planner's live check after an edit against a full check, on the bundled venue.

Two sets of rules: the floor's (``LayoutEditor(venue)``'s defaults) and every rule the
planner checks (the code rules too: travel distance, exit width, closed-in floor;
``LayoutRules(check_code=True)``, called ``check_travel`` before the rule engine). The
code part is timed on its own too, against a fresh ``farthest_point`` per hall as the
capacity module computes it (the peer the travel rule must agree with), and the live
check against the rule engine's one-shot check of the whole layout.

``--compare REV`` runs the same measurements with the code of git revision ``REV`` on
the same venue (this checkout's bundled venue, written to a folder both read), side by
side: the live check before and after a change.

Run: python benchmarks/bench_layout.py [--compare REV] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import floorplan
from floorplan.capacity import hall_capacity
from floorplan.layout import LayoutEditor, LayoutRules
from floorplan.validate import validate

sys.path.insert(0, str(Path(__file__).parent))
from _results import measure_at, write_section

ROOT = Path(__file__).resolve().parent.parent
EDITS = ("move", "rotate", "resize", "undo")


def _ms(xs: list[float]) -> dict[str, float]:
    return {"median": statistics.median(xs) * 1e3, "max": max(xs) * 1e3}


def _code_rules() -> LayoutRules:
    """Return the planner's rules (the flag's name changed with the rule engine)."""
    fields = LayoutRules.__dataclass_fields__
    flag = "check_code" if "check_code" in fields else "check_travel"
    return LayoutRules(**{flag: True, "sprinklered": True})


def measure(venue_path: Path) -> dict[str, Any]:
    """Return the timings (ms) of one checkout's code on the venue at ``venue_path``."""
    venue = floorplan.read_venue(venue_path)
    ids = list(venue.booths["booth_id"])
    out: dict[str, Any] = {"booths": len(ids)}
    t = time.perf_counter()
    editor = LayoutEditor(venue)
    out["floor_build_ms"] = (time.perf_counter() - t) * 1e3
    edits = {
        "move": lambda b: editor.move(b, dx_m=0.5, dy_m=-0.5),
        "rotate": lambda b: editor.rotate(b, 15),
        "resize": lambda b: editor.resize(b, width_m=6, depth_m=4),
        "undo": lambda _b: editor.undo(),
    }
    for name, edit in edits.items():
        walls, checks = [], []
        for b in ids[::10]:
            t = time.perf_counter()
            edit(b)
            walls.append(time.perf_counter() - t)
            checks.append(editor.last_check_s)
        out[f"floor_{name}"] = {**_ms(walls), "check_median": _ms(checks)["median"]}
    full = []
    for _ in range(10):
        t = time.perf_counter()
        validate(editor.venue)
        full.append(time.perf_counter() - t)
    out["format_validate_ms"] = _ms(full)["median"]
    out.update(_with_code(venue))
    return out


def _with_code(venue: floorplan.Venue) -> dict[str, Any]:
    """Time the planner's rules (code included): build, edits, and the one-shot peers."""
    out: dict[str, Any] = {}
    rules = _code_rules()
    t = time.perf_counter()
    editor = LayoutEditor(venue, rules=rules)
    out["code_build_ms"] = (time.perf_counter() - t) * 1e3
    out["code_part_build_ms"] = editor._checker.travel_s * 1e3
    walls, parts = [], []
    for b in list(venue.booths["booth_id"])[::10]:
        t = time.perf_counter()
        editor.move(b, dx_m=0.5, dy_m=0.0)
        walls.append(time.perf_counter() - t)
        parts.append(editor._checker.travel_s)
    out["code_move"] = {**_ms(walls), "code_part_median": _ms(parts)["median"]}
    out["code_move"]["code_part_max"] = _ms(parts)["max"]
    per_hall = []
    for hid in venue.halls["hall_id"]:
        t = time.perf_counter()
        hall_capacity(venue, halls=[hid], walk_samples=0)
        per_hall.append(time.perf_counter() - t)
    out["peer_capacity_per_hall"] = _ms(per_hall)
    try:
        from floorplan.rules import check  # noqa: PLC0415 - not in older revisions
    except ImportError:
        return out
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        check(venue, "all")
        runs.append(time.perf_counter() - t)
    out["engine_check_all_ms"] = _ms(runs)["median"]
    return out


def run_older(rev: str, venue_path: Path) -> dict[str, Any]:
    """Return :func:`measure` of git revision ``rev`` on the same venue, in a fresh process."""
    return measure_at(rev, __file__, ["--venue", str(venue_path)])


def lines(res: dict[str, Any], before: dict[str, Any] | None, rev: str | None) -> list[str]:
    """Return the results as Markdown lines (a table side by side with ``--compare``)."""
    rows: list[tuple[str, str, str]] = []

    def row(label: str, key: tuple[str, ...]) -> None:
        def get(d: dict[str, Any] | None) -> str:
            v: Any = d
            for k in key:
                v = None if v is None else v.get(k)
            return "-" if v is None else f"{v:.1f}"

        rows.append((label, get(before), get(res)))

    row("floor rules: editor built", ("floor_build_ms",))
    for name in EDITS:
        row(f"floor rules: {name} edit+check, median", (f"floor_{name}", "median"))
        row(f"floor rules: {name} edit+check, max", (f"floor_{name}", "max"))
    row("format rules: full validate, median", ("format_validate_ms",))
    row("planner rules (code too): editor built", ("code_build_ms",))
    row("  of which the code rules, 7 halls", ("code_part_build_ms",))
    row("planner rules: move edit+check, median", ("code_move", "median"))
    row("planner rules: move edit+check, max", ("code_move", "max"))
    row("  code re-check of the edited hall, median", ("code_move", "code_part_median"))
    row("  code re-check of the edited hall, max", ("code_move", "code_part_max"))
    row("peer: hall_capacity straight-line per hall, median", ("peer_capacity_per_hall", "median"))
    row("peer: hall_capacity straight-line per hall, max", ("peer_capacity_per_hall", "max"))
    row("rule engine: check(venue, 'all') once", ("engine_check_all_ms",))
    if before is None:
        return [f"- {label}: {after} ms" for label, _, after in rows]
    out = [f"| ms | {rev} | this branch |", "|---|---:|---:|"]
    out += [f"| {label} | {b} | {a} |" for label, b, a in rows]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--venue", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--json-out", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.json_out:  # the older revision's run for --compare
        args.json_out.write_text(json.dumps(measure(args.venue)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        venue_path = Path(tmp) / "venue"
        floorplan.write_venue(floorplan.load_venue(), venue_path)
        res = measure(venue_path)
        before = run_older(args.compare, venue_path) if args.compare else None
    text = lines(res, before, args.compare)
    print("\n".join(text))
    if not args.no_write:
        head = (
            f"Command: `python benchmarks/bench_layout.py"
            f"{' --compare ' + args.compare if args.compare else ''}` "
            f"({date.today().isoformat()}, Python {platform.python_version()}, 2 cores shared "
            f"with other work). The bundled venue ({res['booths']} booths), written to a "
            "folder that both revisions read; every 10th booth is edited in turn; the check "
            "re-tests the edited booths, their old and new neighbours and their hall. The "
            "planner rules are gb50016 with sprinklers (the venue's own code); after the rule "
            "engine they add exit width and closed-in floor to the travel distance."
        )
        write_section("Planner edits", head + "\n\n" + "\n".join(text))


if __name__ == "__main__":
    main()
