"""Compare the hydraulic (SFPE) and JuPedSim evacuation times of each bundled hall.

    /root/fpenv/bin/python benchmarks/bench_evacuation.py [--fraction F] [--write]

Both models get the same hall (open floor: hall minus booths and obstacles), the same
exits (entrances, exits, emergency exits; not connections), the same occupant count
(``--fraction`` of the hall's gb50016 capacity, default 0.1: at full capacity one hall
of some 12,000 agents would take most of an hour here) and the same exit choice (the
nearest exit on foot). ``--write`` puts the table under ``## Evacuation`` in
benchmarks/RESULTS.md (other sections kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import sys
import time

from _results import write_section

from floorplan._sim import SimResult, simulate_evacuation
from floorplan.capacity import Evacuation, HallCapacity, hall_capacity, hydraulic_evacuation
from floorplan.errors import VenueReadError
from floorplan.venue import Venue, load_venue

LIMIT = 0.25
WHY = (
    "Why the two differ at all: the hydraulic model lets each walker go at 1.19 m/s along "
    "the shortest path (kept 0.5 m off walls and booths) and lets an exit pass exactly "
    "1.3 persons/s per metre of effective width as soon as anyone arrives; JuPedSim's agents "
    "accelerate, slow down near others and the walls, bunch at the doors and leave at the "
    "exit strip 0.4 m inside the door. Occupants per exit come from 200 walking samples per "
    "hall in the hydraulic model and from random positions in JuPedSim, so a catchment "
    "that holds a few more people in the simulation shows directly in its last agent's "
    "time. The hydraulic estimate adds the farthest walk and the whole queue at each exit, "
    "so it sits between the lower bound (walking and queueing fully overlapped) and a "
    "simulation in which the crowd keeps arriving while the queue discharges."
)


def explain(c: HallCapacity, n: int, hyd: Evacuation, res: SimResult) -> str:
    """Say why one hall's two times differ by more than the limit."""
    hall = c.hall_id
    sim = res.evacuation_s
    if sim is None:
        return f"{hall}: {res.stuck} agents were still inside when the simulation stopped."
    area = c.net_area_m2
    lower = hyd.lower_s
    if abs(sim - lower) <= 0.1 * lower:
        return (
            f"{hall}: {n} people on {area:,.0f} m² ({n / area:.2f} per m²) arrive at the exits "
            f"spread out in time, so the doors keep up and hardly anyone queues: JuPedSim's "
            f"{sim:.0f} s is the walk of the farthest agent, at the hydraulic lower bound "
            f"({lower:.0f} s, walking and queueing overlapped), while the hydraulic estimate "
            f"adds the whole queue ({hyd.queue_s:.0f} s) after the farthest walk."
        )
    return (
        f"{hall}: JuPedSim {sim:.0f} s against hydraulic {hyd.evacuation_s:.0f} s "
        f"(lower bound {lower:.0f} s); not explained by the overlap of walking and queueing."
    )


def bundled() -> tuple[Venue, str]:
    try:
        return load_venue(), "bundled venue (halls/chain-expo)"
    except VenueReadError:
        from floorplan.generate import generate_venue  # noqa: PLC0415

        return generate_venue(), "generate_venue() defaults (= the bundled venue)"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--halls", nargs="*", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    venue, where = bundled()
    t0 = time.perf_counter()
    caps = hall_capacity(venue, halls=args.halls, with_field=True)
    cap_s = time.perf_counter() - t0
    rows = []
    for c in caps:
        n = math.floor(c.capacity * args.fraction)
        hyd = hydraulic_evacuation(c, n)
        res = simulate_evacuation(venue, c, occupants=n, seed=args.seed, frames=False)
        sim_s = res.evacuation_s
        diff = None if sim_s is None else (sim_s - hyd.evacuation_s) / hyd.evacuation_s
        rows.append((c, n, hyd, res, diff))
        print(
            f"{c.hall_id}: n={n} hydraulic {hyd.evacuation_s:.1f} s "
            f"(walk {hyd.travel_s:.1f}, queue {hyd.queue_s:.1f}, lower {hyd.lower_s:.1f}); "
            f"JuPedSim {sim_s} s ({res.wall_s:.0f} s wall, stuck {res.stuck}); "
            f"diff {'-' if diff is None else f'{diff:+.0%}'}",
            flush=True,
        )
    lines = [
        f"Command: `/root/fpenv/bin/python benchmarks/bench_evacuation.py --fraction "
        f"{args.fraction:g} --write` ({dt.date.today().isoformat()}, Python "
        f"{platform.python_version()}, {where}; capacity figures for all halls in "
        f"{cap_s:.1f} s).",
        "",
        f"Occupants: {args.fraction:.0%} of each hall's gb50016 capacity, spread at random over "
        "the open floor, each heading for the exit nearest on foot. Hydraulic: SFPE, 1.19 m/s, "
        "1.3 persons/s per metre of effective width (clear width less 0.15 m each side); per "
        "exit the farthest walker's travel time plus the queue's discharge time, the latest "
        "exit; lower bound: per exit the later of the farthest walker's arrival and the first "
        "arrival plus the discharge. JuPedSim 1.4: collision-free speed model, desired "
        "speed 1.19 m/s, radius 0.2 m, dt 0.01 s; the time the last agent left (±1 s).",
        "",
        "| hall | occupants | hydraulic s | walk s | queue s | lower bound s | JuPedSim s | "
        "difference | sim wall s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c, n, hyd, res, diff in rows:
        sim = "stuck" if res.evacuation_s is None else f"{res.evacuation_s:.0f}"
        d = "-" if diff is None else f"{diff:+.0%}"
        lines.append(
            f"| {c.hall_id} | {n} | {hyd.evacuation_s:.0f} | {hyd.travel_s:.0f} | "
            f"{hyd.queue_s:.0f} | {hyd.lower_s:.0f} | {sim} | {d} | {res.wall_s:.0f} |"
        )
    over = [r for r in rows if r[4] is None or abs(r[4]) > LIMIT]
    lines.append("")
    if over:
        lines.append(
            "Halls differing by more than 25 %: " + ", ".join(r[0].hall_id for r in over) + "."
        )
        lines += [f"- {explain(c, n, hyd, res)}" for c, n, hyd, res, _ in over]
    else:
        lines.append("Every hall is within 25 % of the hydraulic estimate.")
    lines += ["", WHY]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("Evacuation", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
