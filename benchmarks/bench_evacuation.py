"""Compare the hydraulic (SFPE) and JuPedSim evacuation times of each bundled hall.

    /root/fpenv/bin/python benchmarks/bench_evacuation.py [--fraction F]
        [--full HALL] [--probe HALL [--probe-fraction F]] [--write]

Both models get the same hall (open floor: hall minus booths and obstacles), the same
exits (entrances, exits, emergency exits; not connections), the same occupant count
(``--fraction`` of the hall's gb50016 capacity, default 0.1: at full capacity one hall
of some 12,000 agents would take some 26 min here, see RESULTS.md) and the same exit choice (the
nearest exit on foot). ``--full HALL`` adds that one hall at full capacity.
``--probe HALL`` runs a hall at ``--probe-fraction`` of its capacity and extrapolates the
wall time of a full-capacity run from the simulation's cost per agent-second (agents
still inside, summed over simulated seconds). ``--write`` puts the tables under
``## Evacuation`` in benchmarks/RESULTS.md (other sections kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import shlex
import sys
import time

from _results import write_section

from floorplan.capacity import Evacuation, HallCapacity, hall_capacity, hydraulic_evacuation
from floorplan.capacity.evacuation import SFPE_MAX_FLOW_PSPM
from floorplan.capacity.sim import SimResult, simulate_evacuation
from floorplan.errors import VenueReadError
from floorplan.io import load_venue
from floorplan.venue import Venue

LIMIT = 0.25
#: The longest a background full-capacity run may take here.
BUDGET_S = 15 * 60
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
    area = c.areas.net_m2
    lower = hyd.lower_s
    if abs(sim - lower) <= 0.1 * lower:
        return (
            f"{hall}: {n} people on {area:,.0f} m² ({n / area:.2f} per m²) arrive at the exits "
            f"spread out in time, so the doors keep up and hardly anyone queues: JuPedSim's "
            f"{sim:.0f} s is the walk of the farthest agent, at the hydraulic lower bound "
            f"({lower:.0f} s, walking and queueing overlapped), while the hydraulic estimate "
            f"adds the whole queue ({hyd.queue_s:.0f} s) after the farthest walk."
        )
    usable = [e for e in c.exits if e.effective_width_m > 0 and e.share > 0]
    if sim < lower and usable:
        # The exit whose catchment is the heaviest for its width sets the hydraulic time; the
        # simulation sends each agent to the exit of its nearest walking sample, the same
        # catchments, so that exit passed about its share of people within ``sim``.
        e = max(usable, key=lambda e: e.share / e.effective_width_m)
        people = e.share * n
        flow = people / sim / e.effective_width_m
        return (
            f"{hall}: JuPedSim's {sim:.0f} s is below even the hydraulic lower bound "
            f"({lower:.0f} s). The hydraulic time is set by exit {e.opening_id} "
            f"({e.effective_width_m:.1f} m effective), whose catchment holds {e.share:.1%} of "
            f"the people (about {people:.0f}); in the simulation it passed them within "
            f"{sim:.0f} s, at least {flow:.1f} persons/s per metre on average, against the "
            f"SFPE's {SFPE_MAX_FLOW_PSPM} at most. JuPedSim's collision-free speed model has "
            "no maximum specific flow: agents 0.4 m wide file through a door in parallel "
            "lanes at nearly their desired speed. With queues at the doors the hydraulic "
            "figure, on the flow codes assume, is the conservative one."
        )
    return (
        f"{hall}: JuPedSim {sim:.0f} s against hydraulic {hyd.evacuation_s:.0f} s "
        f"(lower bound {lower:.0f} s); not explained by the overlap of walking and queueing."
    )


Row = tuple[HallCapacity, int, Evacuation, SimResult, float | None]


def run(venue: Venue, c: HallCapacity, n: int, seed: int) -> Row:
    """Run both models on ``n`` people in hall ``c`` and print the outcome."""
    hyd = hydraulic_evacuation(c, n)
    res = simulate_evacuation(venue, c, occupants=n, seed=seed, frames=False)
    sim_s = res.evacuation_s
    diff = None if sim_s is None else (sim_s - hyd.evacuation_s) / hyd.evacuation_s
    print(
        f"{c.hall_id}: n={n} hydraulic {hyd.evacuation_s:.1f} s "
        f"(walk {hyd.travel_s:.1f}, queue {hyd.queue_s:.1f}, lower {hyd.lower_s:.1f}); "
        f"JuPedSim {sim_s} s ({res.wall_s:.0f} s wall, stuck {res.stuck}, "
        f"{agent_seconds(res):,.0f} agent-s); diff {'-' if diff is None else f'{diff:+.0%}'}",
        flush=True,
    )
    return c, n, hyd, res, diff


def agent_seconds(res: SimResult) -> float:
    """Return the agents inside summed over the simulated seconds (the work done)."""
    return float(res.occupants + sum(left for _, left in res.remaining))


def table(rows: list[Row], *, cost: bool = False) -> list[str]:
    """Return the markdown table of ``rows`` (with the cost per agent when ``cost``)."""
    extra = " wall ms per agent-s |" if cost else ""
    lines = [
        "| hall | occupants | hydraulic s | walk s | queue s | lower bound s | JuPedSim s | "
        f"difference | sim wall s |{extra}",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        + (" ---: |" if cost else ""),
    ]
    for c, n, hyd, res, diff in rows:
        sim = "stuck" if res.evacuation_s is None else f"{res.evacuation_s:.0f}"
        d = "-" if diff is None else f"{diff:+.0%}"
        per = f" {1000 * res.wall_s / max(agent_seconds(res), 1):.3f} |" if cost else ""
        lines.append(
            f"| {c.hall_id} | {n} | {hyd.evacuation_s:.0f} | {hyd.travel_s:.0f} | "
            f"{hyd.queue_s:.0f} | {hyd.lower_s:.0f} | {sim} | {d} | {res.wall_s:.0f} |{per}"
        )
    return lines


def extrapolate(probe: Row, full: Row | None) -> list[str]:
    """Say how long a full-capacity run of the probed hall would take, from its cost."""
    c, n, hyd, res, _ = probe
    work = agent_seconds(res)
    per_ms = 1000 * res.wall_s / max(work, 1)
    full_hyd = hydraulic_evacuation(c, c.load.capacity)
    # The work grows with the agents and with how long they stay: scale the probe's
    # agent-seconds by both ratios (the hydraulic time standing in for the simulated one).
    scale = (c.load.capacity / max(n, 1)) * (full_hyd.evacuation_s / max(hyd.evacuation_s, 1e-9))
    est_s = res.wall_s * scale
    done = full is not None and full[0].hall_id == c.hall_id
    lines = [
        f"Probe: hall {c.hall_id} at {n / max(c.load.capacity, 1):.0%} of its capacity "
        f"({n:,} of {c.load.capacity:,} agents): {res.wall_s:.0f} s wall for "
        f"{res.evacuation_s or 0:.0f} s simulated, {work:,.0f} agent-seconds, "
        f"{per_ms:.3f} ms wall per agent-second ({1000 * res.wall_s / max(n, 1):.0f} ms per "
        f"agent). At full capacity the hydraulic time grows from {hyd.evacuation_s:.0f} s to "
        f"{full_hyd.evacuation_s:.0f} s, so the work about ×{scale:.0f}: some "
        f"{est_s / 60:.0f} min wall on this machine."
    ]
    if not done and est_s > BUDGET_S:
        lines.append(
            f"Hall {c.hall_id} at full capacity was not run: that is past the ~15 min a "
            "background run may take here."
            + (
                f" The full-capacity table above is hall {full[0].hall_id}, whose run fits."
                if full is not None
                else ""
            )
        )
    return lines


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
    ap.add_argument("--full", metavar="HALL", default=None)
    ap.add_argument("--probe", metavar="HALL", default=None)
    ap.add_argument("--probe-fraction", type=float, default=0.25)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    venue, where = bundled()
    t0 = time.perf_counter()
    caps = hall_capacity(venue, halls=args.halls, with_field=True)
    cap_s = time.perf_counter() - t0
    by_id = {c.hall_id: c for c in caps}
    for hid in (args.full, args.probe):
        if hid is not None and hid not in by_id:
            ap.error(f"no hall {hid!r} among {sorted(by_id)}")
    rows = [run(venue, c, math.floor(c.load.capacity * args.fraction), args.seed) for c in caps]
    probe = full = None
    if args.probe is not None:
        c = by_id[args.probe]
        probe = run(venue, c, math.floor(c.load.capacity * args.probe_fraction), args.seed)
    if args.full is not None:
        full = run(venue, by_id[args.full], by_id[args.full].load.capacity, args.seed)
    lines = [
        f"Command: `/root/fpenv/bin/python benchmarks/bench_evacuation.py "
        f"{' '.join(shlex.quote(a) for a in sys.argv[1:])}` ({dt.date.today().isoformat()}, Python "
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
    ]
    lines += table(rows)
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
    if full is not None:
        lines += ["", f"### Hall {full[0].hall_id} at full capacity", ""]
        lines += table([full], cost=True)
        lines += ["", "- " + explain(*full[:4])]
    if probe is not None:
        lines += ["", *extrapolate(probe, full)]
    body = "\n".join(lines)
    print(body)
    if args.write:
        write_section("Evacuation", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
