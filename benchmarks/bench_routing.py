"""Benchmark the router side by side with extremitypathfinder (exact anchor) and a grid A*.

    python benchmarks/bench_routing.py [--pairs N] [--no-big] [--no-anchor] [--tours N]
                                       [--no-round] [--round-limit-gb G]
                                       [--compare REV] [--write]

Same venue, same origin-destination pairs, one run. The anchor runs in its own Python
3.12 virtual environment (``ANCHOR_PYTHON``, default /root/anchorenv/bin/python; see
anchor_extremity.py) and gets the geometry by file. Lengths are compared at clearance 0
(the anchor has no clearance). The 74,000-booth venue is measured for our router only:
the anchor takes one polygon (not halls joined by doors) and already needs minutes for
one hall of 500 booths.

Tours (bundled venue, from kiosks): the time of tours of 8 and 20 random booths, and
tours of 3-7 booths against brute force over every order, each walked leg by leg as
``route(..., via=...)`` walks it: how often the tour is longer than the best order walked,
and by how much.

Halls of round booths (issue 10: the router's work was per hall, in the square of its
corners): fifty booths of 64 corners, two hundred of 64, a hundred of 128 (the venues of
tests/_round_booths.py, every feature within the format's rules), each built and queried
in a fresh process, for its peak resident memory, under an address-space limit of
``--round-limit-gb`` (default 4) so that an older revision's blow-up fails there instead
of taking the machine's memory. A smaller round hall (24 booths of 32 corners) is also
compared with the anchor, for exactness on many-sided booths.

``--compare REV`` runs the same measurements (without the anchor) on an older git
revision, from a temporary ``git worktree`` put first on ``PYTHONPATH``, and puts both
side by side. ``--write`` puts the tables under ``## Routing`` in benchmarks/RESULTS.md
(via ``_results.write_section``; other sections kept) and the raw figures in
results/routing.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import heapq
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from _results import measure_at, write_section
from shapely.geometry import box

from floorplan.errors import NoRouteError
from floorplan.routing import Router
from floorplan.venue import Venue

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ANCHOR = os.environ.get("ANCHOR_PYTHON", "/root/anchorenv/bin/python")
CRS = "EPSG:32650"


def dense_hall(seed: int = 1) -> Venue:
    """One 120 x 100 m hall with ~500 separate rectangular booths (at least 0.2 m apart)."""
    rng = np.random.default_rng(seed)
    booths = []
    for x in np.arange(4, 114, 5.0):
        for y in np.arange(4, 94, 4.0):
            w, h = rng.uniform(2.4, 3.6), rng.uniform(2.2, 3.0)
            jx, jy = rng.uniform(0, 0.8, 2)
            booths.append(box(x + jx, y + jy, x + jx + w, y + jy + h))
    n = len(booths)
    empty = {"kind": [], "hall_id": []}
    return Venue(
        halls=gpd.GeoDataFrame(
            {"hall_id": ["D"], "name": ["Dense"], "level": [0], "kind": ["hall"]},
            geometry=[box(0, 0, 120, 100)],
            crs=CRS,
        ),
        booths=gpd.GeoDataFrame(
            {
                "booth_id": [f"D-{k:03d}" for k in range(n)],
                "hall_id": ["D"] * n,
                "zone": ["digital"] * n,
                "exhibitor": [""] * n,
            },
            geometry=booths,
            crs=CRS,
        ),
        openings=gpd.GeoDataFrame(
            {"opening_id": [], "hall_id": [], "kind": [], "width_m": []}, geometry=[], crs=CRS
        ),
        obstacles=gpd.GeoDataFrame(empty, geometry=[], crs=CRS),
        kiosks=gpd.GeoDataFrame({"kiosk_id": [], "hall_id": []}, geometry=[], crs=CRS),
        amenities=gpd.GeoDataFrame(
            {"amenity_id": [], "kind": [], "hall_id": []}, geometry=[], crs=CRS
        ),
        events=pd.DataFrame(columns=["event_id", "title", "starts", "ends", "where"]),
    )


def bundled() -> tuple[Venue | None, str]:
    try:
        from floorplan.io import load_venue  # noqa: PLC0415

        return load_venue(), "bundled (load_venue)"
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"
    try:
        from floorplan.generate import generate_venue  # noqa: PLC0415

        return generate_venue(), f"generate_venue() (load_venue failed: {why[:80]})"
    except Exception as exc:
        return None, f"unavailable: load_venue {why[:80]}; generate_venue {exc!r:.80}"


def hall_free(venue: Venue, hall_id: str) -> shapely.Geometry:
    hall = venue.halls.set_index("hall_id").geometry[hall_id]
    blocked = [
        *venue.booths.geometry[venue.booths.hall_id == hall_id],
        *venue.obstacles.geometry[venue.obstacles.hall_id == hall_id],
    ]
    return hall.difference(shapely.union_all(blocked))


def sample_pairs(free, n: int, seed: int = 2) -> list[tuple[tuple[float, float], ...]]:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = free.bounds
    inner = free.buffer(-0.3)
    pts: list[tuple[float, float]] = []
    while len(pts) < 2 * n:
        c = rng.uniform([x0, y0], [x1, y1], (4 * n, 2))
        ok = shapely.contains_xy(inner, c[:, 0], c[:, 1])
        pts.extend(map(tuple, c[ok].round(3)))
    return [(pts[2 * k], pts[2 * k + 1]) for k in range(n)]


def run_anchor(free, pairs) -> dict | None:
    """Write the hall as one polygon with holes (merged, oriented, no collinear vertices)."""
    if not Path(ANCHOR).exists():
        return None
    poly = max(shapely.get_parts(free), key=lambda g: g.area)
    poly = shapely.simplify(shapely.orient_polygons(poly, exterior_cw=False), 0)
    data = {
        "boundary": shapely.get_coordinates(poly.exterior)[:-1].tolist(),
        # extremitypathfinder silently ignores anticlockwise holes: holes go clockwise.
        "holes": [shapely.get_coordinates(r)[:-1].tolist() for r in poly.interiors],
        "pairs": [[list(a), list(b)] for a, b in pairs],
    }
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(data))
        subprocess.run([ANCHOR, str(HERE / "anchor_extremity.py"), src, out], check=True)
        return json.loads(out.read_text())


def grid_astar(free, pairs, cell: float = 0.5) -> dict:
    """8-connected A* on a ``cell``-metre raster of the walkable area (a peer only)."""
    t = time.perf_counter()
    x0, y0, x1, y1 = free.bounds
    xs = np.arange(x0 + cell / 2, x1, cell)
    ys = np.arange(y0 + cell / 2, y1, cell)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    ok = shapely.contains_xy(free, gx, gy)
    build = time.perf_counter() - t
    nx_, ny_ = ok.shape
    moves = [(dx, dy, math.hypot(dx, dy) * cell) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
    moves = [m for m in moves if m[:2] != (0, 0)]
    times, lengths = [], []
    for a, b in pairs:
        t = time.perf_counter()
        s = (int((a[0] - x0) / cell), int((a[1] - y0) / cell))
        g = (int((b[0] - x0) / cell), int((b[1] - y0) / cell))

        def h(c, g=g):
            dx, dy = abs(c[0] - g[0]), abs(c[1] - g[1])
            return cell * (max(dx, dy) + (math.sqrt(2) - 1) * min(dx, dy))

        dist = {s: 0.0}
        heap = [(h(s), s)]
        found = math.inf
        while heap:
            _, c = heapq.heappop(heap)
            if c == g:
                found = dist[c]
                break
            dc = dist[c]
            for dx, dy, w in moves:
                n = (c[0] + dx, c[1] + dy)
                if not (0 <= n[0] < nx_ and 0 <= n[1] < ny_) or not ok[n]:
                    continue
                # No corner cutting through a blocked cell.
                if dx and dy and not (ok[c[0] + dx, c[1]] and ok[c[0], c[1] + dy]):
                    continue
                nd = dc + w
                if nd < dist.get(n, math.inf):
                    dist[n] = nd
                    heapq.heappush(heap, (nd + h(n), n))
        times.append(time.perf_counter() - t)
        # The raster path runs between cell centres; add the bits to the real end points.
        ca = (x0 + (s[0] + 0.5) * cell, y0 + (s[1] + 0.5) * cell)
        cb = (x0 + (g[0] + 0.5) * cell, y0 + (g[1] + 0.5) * cell)
        lengths.append(found + math.dist(a, ca) + math.dist(b, cb))
    return {"build_s": build, "query_s": times, "lengths": lengths}


def ours(venue: Venue, pairs, clearance: float) -> dict:
    tracemalloc.start()
    t, c = time.perf_counter(), time.process_time()
    router = Router(venue, clearance_m=clearance)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    times, cpu, lengths = [], [], []
    for a, b in pairs:
        t, c = time.perf_counter(), time.process_time()
        lengths.append(router.route(a, b).length_m)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "build_s": build,
        "build_cpu_s": build_cpu,
        "query_s": times,
        "query_cpu_s": cpu,
        "lengths": lengths,
        **graph_size(router),
        "peak_mb": peak / 2**20,
        "router": router,
    }


def graph_size(router: Router) -> dict[str, int]:
    """Return the router's graph nodes and edges (the graph moved into routing.graph)."""
    graph: Any = getattr(router, "_graph", None)
    if graph is not None:
        return {"nodes": graph.n, "edges": int(graph.csr[False].nnz // 2)}
    return {"nodes": router._n, "edges": int(router._csr[False].nnz // 2)}  # type: ignore[attr-defined]


def pct(xs, q):
    return float(np.percentile(np.asarray(xs), q)) * 1e3


def ratio(lengths, exact):
    r = [a / b for a, b in zip(lengths, exact, strict=True) if a is not None and b]
    return (min(r), float(np.mean(r)), max(r)) if r else (math.nan,) * 3


def compare(name: str, venue: Venue, hall_id: str, n_pairs: int, anchor: bool) -> list[dict]:
    free = hall_free(venue, hall_id)
    pairs = sample_pairs(free, n_pairs)
    rows = []
    mine = ours(venue, pairs, 0.0)
    exact = mine["lengths"]
    ext = run_anchor(free, pairs) if anchor else None
    if ext is not None:
        exact = ext["lengths"]
    grid = grid_astar(free, pairs)
    for peer, res in (
        ("floorplan.Router", mine),
        ("extremitypathfinder", ext),
        ("grid A* 0.5 m", grid),
    ):
        if res is None:
            rows.append({"venue": name, "peer": peer, "note": "not run"})
            continue
        lo, mean, hi = ratio(res["lengths"], exact)
        cpu = {}
        if "query_cpu_s" in res:
            cpu = {"build_cpu_s": res["build_cpu_s"], "cpu_p50_ms": pct(res["query_cpu_s"], 50)}
        rows.append(
            {
                **cpu,
                "venue": name,
                "peer": peer,
                "build_s": res["build_s"],
                "p50_ms": pct(res["query_s"], 50),
                "p95_ms": pct(res["query_s"], 95),
                "ratio_min": lo,
                "ratio_mean": mean,
                "ratio_max": hi,
                "pairs": len(pairs),
            }
        )
    return rows


def targets(venue: Venue, clearance: float, n: int) -> dict:
    """The issue's targets on the bundled venue: build, booth->booth and kiosk->booth.

    Wall times, and the process's CPU times beside them: on a machine shared with other
    work the CPU time moves less with the load.
    """
    t, c = time.perf_counter(), time.process_time()
    router = Router(venue, clearance_m=clearance)
    build, build_cpu = time.perf_counter() - t, time.process_time() - c
    rng = np.random.default_rng(3)
    bids = [str(b) for b in venue.booths.booth_id]
    kids = [str(k) for k in venue.kiosks.kiosk_id]
    walls: dict[str, list[float]] = {"bb": [], "kb": []}
    cpus: dict[str, list[float]] = {"bb": [], "kb": []}
    unreachable = 0

    def timed(kind: str, a: str, b: str) -> None:
        nonlocal unreachable
        t, c = time.perf_counter(), time.process_time()
        try:
            router.route(a, b)
        except NoRouteError:
            unreachable += 1
        walls[kind].append(time.perf_counter() - t)
        cpus[kind].append(time.process_time() - c)

    for _ in range(n):
        a, b = rng.choice(bids, 2, replace=False)
        timed("bb", str(a), str(b))
        if kids:
            timed("kb", str(rng.choice(kids)), str(rng.choice(bids)))
    hall = str(venue.booths.hall_id.iloc[0])
    t, c = time.perf_counter(), time.process_time()
    router.update_hall(hall)
    upd, upd_cpu = time.perf_counter() - t, time.process_time() - c
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bb, kb = walls["bb"], walls["kb"]
    return {
        "clearance_m": clearance,
        "build_s": build,
        "build_cpu_s": build_cpu,
        "booth_booth_p50_ms": pct(bb, 50),
        "booth_booth_p95_ms": pct(bb, 95),
        "booth_booth_cpu_p50_ms": pct(cpus["bb"], 50),
        "kiosk_booth_p50_ms": pct(kb, 50) if kb else None,
        "kiosk_booth_p95_ms": pct(kb, 95) if kb else None,
        "kiosk_booth_cpu_p50_ms": pct(cpus["kb"], 50) if kb else None,
        "update_hall_s": upd,
        "update_hall_cpu_s": upd_cpu,
        "no_route_queries": unreachable,
        "queries": len(bb) + len(kb),
        **graph_size(router),
        "peak_rss_mb_whole_process": rss,
    }


def table(rows: list[dict]) -> str:
    out = [
        "| venue | peer | build s | query p50 ms | query p95 ms "
        "| build speed-up vs anchor | query p50 speed-up vs anchor "
        "| length / exact (min, mean, max) |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    anchor = {r["venue"]: r for r in rows if r["peer"] == "extremitypathfinder" and "note" not in r}
    for r in rows:
        if "note" in r:
            out.append(f"| {r['venue']} | {r['peer']} | {r['note']} | | | | | |")
            continue
        a = anchor.get(r["venue"])
        build_x = f"{a['build_s'] / r['build_s']:.1f}x" if a and r["build_s"] > 0 else ""
        query_x = f"{a['p50_ms'] / r['p50_ms']:.1f}x" if a and r["p50_ms"] > 0 else ""
        out.append(
            f"| {r['venue']} | {r['peer']} | {r['build_s']:.2f} | {r['p50_ms']:.2f} | "
            f"{r['p95_ms']:.2f} | {build_x} | {query_x} | {r['ratio_min']:.5f}, "
            f"{r['ratio_mean']:.5f}, {r['ratio_max']:.5f} |"
        )
    return "\n".join(out)


def target_table(named: dict[str, dict]) -> str:
    keys = [
        ("build_s", "build s", "{:.2f}"),
        ("booth_booth_p50_ms", "booth→booth p50 ms", "{:.2f}"),
        ("booth_booth_p95_ms", "booth→booth p95 ms", "{:.2f}"),
        ("kiosk_booth_p50_ms", "kiosk→booth p50 ms", "{:.2f}"),
        ("kiosk_booth_p95_ms", "kiosk→booth p95 ms", "{:.2f}"),
        ("update_hall_s", "update one hall s", "{:.2f}"),
        ("no_route_queries", "queries with no route", "{}"),
        ("queries", "queries", "{}"),
        ("nodes", "graph nodes", "{}"),
        ("edges", "graph edges", "{}"),
        ("peak_rss_mb_whole_process", "peak RSS MB (process)", "{:.0f}"),
    ]
    names = list(named)
    out = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key, label, fmt in keys:
        cells = [fmt.format(named[n][key]) if named[n].get(key) is not None else "" for n in names]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def brute_force(router: Router, origin: str, stops: list[str], return_to: str | None) -> float:
    """Return the shortest of every order of ``stops`` walked as ``route(..., via=...)`` does.

    Each leg is the shortest from where the last one ended (beside the booth reached) to
    the next place; legs shared by several orders are computed once, and orders already
    longer than the best are cut short.
    """
    booths = {str(b) for b in router.venue.booths["booth_id"]}
    legs: dict[tuple[Any, str], Any] = {}
    best = [math.inf]

    def leg(start: Any, place: str) -> Any:
        if (start, place) not in legs:
            legs[(start, place)] = router.route(start, place)
        return legs[(start, place)]

    def add(lg: Any, last: Any) -> float:
        back = math.dist(last, lg.coords[0]) if last is not None else 0.0
        return lg.length_m + (back if back > 1e-9 else 0.0)

    def walk(start: Any, last: Any, left: frozenset[int], acc: float) -> None:
        if acc > best[0]:
            return
        if not left:
            if return_to is not None:
                acc += add(leg(start, return_to), last)
            best[0] = min(best[0], acc)
            return
        for k in sorted(left):
            lg = leg(start, stops[k])
            at: Any = stops[k]
            if at in booths:
                at = lg.coords[-2] if router.clearance_m > 0 else lg.coords[-1]
            walk(at, lg.coords[-1], left - {k}, acc + add(lg, last))

    walk(origin, None, frozenset(range(len(stops))), 0.0)
    return best[0]


def tours(venue: Venue, n_sets: int) -> dict[str, Any]:
    """Time tours of 8 and 20 booths; compare tours of 3-7 booths with brute force."""
    router = Router(venue, clearance_m=0.5)
    rng = np.random.default_rng(16)
    bids = venue.booths["booth_id"].astype(str).to_numpy()
    halls = venue.booths["hall_id"].astype(str).to_numpy()
    kids = [str(k) for k in venue.kiosks["kiosk_id"]]
    out: dict[str, Any] = {}
    for n in (8, 20):
        times, cpu, gaps = [], [], []
        for _ in range(5):
            stops = [str(b) for b in rng.choice(bids, n, replace=False)]
            t, c = time.perf_counter(), time.process_time()
            tour = router.tour(str(rng.choice(kids)), stops)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            gaps.append(abs(tour.length_m - sum(g.length_m for g in tour.legs)))
        out[f"tour_{n}_p50_s"] = float(np.median(times))
        out[f"tour_{n}_cpu_p50_s"] = float(np.median(cpu))
        out[f"tour_{n}_max_s"] = max(times)
        out[f"tour_{n}_legs_gap_m"] = max(gaps)
    ratios = []
    for case in range(n_sets):
        k = 3 + case % 5
        pool = bids[halls == rng.choice(np.unique(halls))] if case % 2 else bids
        stops = [str(b) for b in rng.choice(pool, size=min(k, len(pool)), replace=False)]
        origin = str(rng.choice(kids))
        ret = origin if case % 3 == 0 else None
        best = brute_force(router, origin, stops, ret)
        ratios.append(router.tour(origin, stops, return_to=ret).length_m / best)
    r = np.asarray(ratios)
    out.update(
        {
            "sets": len(r),
            "longer": int((r > 1 + 1e-6).sum()),
            "shorter": int((r < 1 - 1e-6).sum()),
            "worst_pct": float((r.max() - 1) * 100),
            "mean_pct": float((r.mean() - 1) * 100),
            "best_pct": float((r.min() - 1) * 100),
        }
    )
    return out


def tour_table(named: dict[str, dict[str, Any]]) -> str:
    keys = [
        ("tour_8_p50_s", "tour of 8 booths p50 s", "{:.3f}"),
        ("tour_8_cpu_p50_s", "tour of 8 booths CPU p50 s", "{:.3f}"),
        ("tour_8_max_s", "tour of 8 booths max s", "{:.3f}"),
        ("tour_20_p50_s", "tour of 20 booths p50 s", "{:.3f}"),
        ("tour_20_cpu_p50_s", "tour of 20 booths CPU p50 s", "{:.3f}"),
        ("tour_20_max_s", "tour of 20 booths max s", "{:.3f}"),
        ("tour_20_legs_gap_m", "length minus sum of legs, worst m", "{:.1e}"),
        ("sets", "3-7 booths: sets against brute force", "{}"),
        ("longer", "tour longer than the best order walked", "{}"),
        ("worst_pct", "worst tour / best order walked - 1, %", "{:+.3f}"),
        ("mean_pct", "mean tour / best order walked - 1, %", "{:+.3f}"),
        ("shorter", "tour shorter than every order walked", "{}"),
    ]
    return _side_by_side(named, keys)


def _side_by_side(named: dict[str, dict[str, Any]], keys: list[tuple[str, str, str]]) -> str:
    names = list(named)
    out = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for key, label, fmt in keys:
        cells = [fmt.format(named[n][key]) if named[n].get(key) is not None else "" for n in names]
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(out)


ROUND = [(50, 64, False), (200, 64, False), (100, 128, True)]

_ROUND_CHILD = """
import json, resource, sys, time
import numpy as np
limit = int(float(sys.argv[4]) * 2**30)
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def peak_mb():
    # VmHWM: this process image's peak resident size. (ru_maxrss would keep the parent's
    # peak across fork and exec, so a big parent would count against the child.)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from _round_booths import round_booths
from floorplan.routing import Router
n, corners, doors, pairs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[5])
venue = round_booths(n, corners, doors=doors)
out = {"before_mb": peak_mb()}
print(json.dumps(out), flush=True)
t, c = time.perf_counter(), time.process_time()
router = Router(venue)
out.update(build_s=time.perf_counter() - t, build_cpu_s=time.process_time() - c)
out["build_mb"] = peak_mb()
g = router._graph
out.update(nodes=int(g.n), edges=int(g.csr[False].nnz // 2))
rng = np.random.default_rng(3)
bids = [str(b) for b in venue.booths.booth_id]
walls, cpus, lengths = [], [], []
for k in range(pairs):
    a = "K1" if k % 2 else str(rng.choice(bids))
    b = str(rng.choice([x for x in bids if x != a]))
    t, c = time.perf_counter(), time.process_time()
    lengths.append(router.route(a, b).length_m)
    walls.append(time.perf_counter() - t)
    cpus.append(time.process_time() - c)
out.update(
    p50_ms=float(np.percentile(walls, 50)) * 1e3,
    p95_ms=float(np.percentile(walls, 95)) * 1e3,
    cpu_p50_ms=float(np.percentile(cpus, 50)) * 1e3,
    lengths=lengths,
    peak_mb=peak_mb(),
)
print(json.dumps(out), flush=True)
"""


def round_hall(n: int, corners: int, doors: bool, limit_gb: float, pairs: int) -> dict[str, Any]:
    """Build and query one hall of round booths in a fresh, memory-limited process.

    Returns its figures, or ``failed`` (how, after how long) when the process dies: an
    older router forming every pair of corners runs out of the address space.
    """
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(
        x for x in [env.get("PYTHONPATH", ""), str(ROOT / "tests")] if x
    )
    args = [str(n), str(corners), "1" if doors else "0", str(limit_gb), str(pairs)]
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _ROUND_CHILD, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    res: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or [f"signal {-out.returncode}"])[-1]
        what = last.split(":")[0].rsplit(".", 1)[-1]  # the exception's class
        res["failed"] = f"{what} after {time.perf_counter() - t:.0f} s"
    return res


def round_table(named: dict[str, dict[str, dict[str, Any]]], limit_gb: float) -> str:
    """Return the round halls' figures, one column per revision."""
    keys = [
        ("build_s", "build s", "{:.2f}"),
        ("build_cpu_s", "build CPU s", "{:.2f}"),
        ("build_mb", "peak RSS after build MB (process)", "{:.0f}"),
        ("p50_ms", "query p50 ms", "{:.1f}"),
        ("p95_ms", "query p95 ms", "{:.1f}"),
        ("cpu_p50_ms", "query CPU p50 ms", "{:.1f}"),
        ("peak_mb", "peak RSS MB (process)", "{:.0f}"),
        ("nodes", "graph nodes", "{}"),
        ("edges", "graph edges", "{}"),
    ]
    cols = list(named)
    out = ["| hall | | " + " | ".join(cols) + " |", "|---|---|" + "---:|" * len(cols)]
    for hall in named[cols[-1]]:
        for key, label, fmt in keys:
            cells = []
            for c in cols:
                r = named[c].get(hall, {})
                if "failed" in r and r.get(key) is None:
                    cells.append(
                        f"failed under {limit_gb:g} GB: {r['failed']}" if key == "build_s" else ""
                    )
                else:
                    cells.append(fmt.format(r[key]) if r.get(key) is not None else "")
            out.append(f"| {hall} | {label} | " + " | ".join(cells) + " |")
    if len(cols) == 2:
        a, b = (named[c] for c in cols)
        for hall in b:
            la, lb = a.get(hall, {}).get("lengths"), b[hall].get("lengths")
            if la and lb:
                diff = max(abs(x - y) for x, y in zip(la, lb, strict=True))
                out.append(
                    f"| {hall} | largest length difference, both columns, m | | {diff:.1e} |"
                )
    return "\n".join(out)


def round_label(n: int, corners: int, doors: bool) -> str:
    return f"{n} booths of {corners} corners" + (" (+ a hall through 2 doors)" if doors else "")


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every measurement of this checkout (or the one on PYTHONPATH)."""
    load = os.getloadavg()
    rows: list[dict] = []
    notes: list[str] = []
    dense = dense_hall()
    notes.append(f"dense hall: 120 x 100 m, {len(dense.booths)} separate booths")
    rows += compare("dense hall", dense, "D", args.pairs, not args.no_anchor)
    if not args.no_round:
        sys.path.insert(0, str(ROOT / "tests"))
        from _round_booths import round_booths  # noqa: PLC0415

        small = round_booths(24, 32, pitch_m=6.0)
        notes.append("round hall: 24 booths of 32 corners, 6 m apart (tests/_round_booths.py)")
        rows += compare("round hall", small, "R", args.pairs, not args.no_anchor)
    venue, how = bundled()
    named: dict[str, dict] = {}
    tour: dict[str, Any] = {}
    if venue is not None:
        big_hall = str(venue.booths.hall_id.value_counts().index[0])
        notes.append(f"bundled venue: {how}; {venue!r}; anchor on its fullest hall {big_hall}")
        rows += compare(
            f"bundled, hall {big_hall}", venue, big_hall, args.pairs, not args.no_anchor
        )
        named["bundled"] = targets(venue, 0.5, args.pairs)
        if args.tours:
            tour = tours(venue, args.tours)
    else:
        notes.append(f"bundled venue {how}")
    if not args.no_big:
        try:
            from floorplan.generate import generate_venue  # noqa: PLC0415

            t = time.perf_counter()
            huge = generate_venue(booths=74000)
            gen = time.perf_counter() - t
            notes.append(f"74k venue generated in {gen:.0f} s: {huge!r}")
            named["74,000 booths"] = targets(huge, 0.5, max(20, args.pairs // 2))
        except Exception as exc:
            notes.append(f"74k venue not measured: {type(exc).__name__}: {exc}")
    halls = {}
    if not args.no_round:
        for n, corners, doors in ROUND:
            res = round_hall(n, corners, doors, args.round_limit_gb, args.pairs // 2)
            halls[round_label(n, corners, doors)] = res
    return {
        "rows": rows,
        "round": halls,
        "targets": named,
        "tours": tour,
        "notes": notes,
        "load": [load[0], os.getloadavg()[0]],
    }


def run_older(rev: str, args: argparse.Namespace) -> dict[str, Any]:
    """Return :func:`measure` of git revision ``rev`` (no anchor), run in a fresh process."""
    argv = ["--pairs", str(args.pairs), "--no-anchor", "--tours", str(args.tours)]
    argv += ["--no-big"] if args.no_big else []
    argv += ["--no-round"] if args.no_round else []
    argv += ["--round-limit-gb", str(args.round_limit_gb)]
    return measure_at(rev, __file__, argv)


def before_after(before: dict[str, Any], after: dict[str, Any], rev: str) -> str:
    """Return our router's figures at ``rev`` and now, side by side (wall and CPU times)."""
    row_keys = ["build_s", "build_cpu_s", "p50_ms", "cpu_p50_ms", "p95_ms"]
    target_keys = [
        "build_s",
        "build_cpu_s",
        "booth_booth_p50_ms",
        "booth_booth_cpu_p50_ms",
        "booth_booth_p95_ms",
        "kiosk_booth_p50_ms",
        "kiosk_booth_cpu_p50_ms",
        "kiosk_booth_p95_ms",
        "update_hall_s",
        "update_hall_cpu_s",
        "nodes",
    ]
    named: dict[str, dict[str, Any]] = {}
    for label, res in ((rev, before), ("this branch", after)):
        fig: dict[str, Any] = {}
        for r in res["rows"]:
            if r["peer"] == "floorplan.Router":
                fig.update({f"{r['venue']}, clearance 0: {k}": r.get(k) for k in row_keys})
        for venue, t in res["targets"].items():
            fig.update({f"{venue}, clearance 0.5 m: {k}": t.get(k) for k in target_keys})
        named[label] = fig
    fmt = {k: "{}" if k.endswith("nodes") else "{:.2f}" for k in named[rev]}
    rows = [(k, k.replace("_", " "), fmt[k]) for k in named[rev]]
    return _side_by_side(named, rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=100)
    ap.add_argument("--no-big", action="store_true", help="skip the 74,000-booth venue")
    ap.add_argument("--no-anchor", action="store_true")
    ap.add_argument("--tours", type=int, default=30, help="tours checked by brute force")
    ap.add_argument("--no-round", action="store_true", help="skip the halls of round booths")
    ap.add_argument("--round-limit-gb", type=float, default=4.0, help="their memory limit")
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--json-out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    if args.json_out:  # the older revision's run for --compare
        Path(args.json_out).write_text(json.dumps(measure(args), default=str))
        return
    before = run_older(args.compare, args) if args.compare else None
    res = measure(args)
    rows, named, notes = res["rows"], res["targets"], res["notes"]
    md = table(rows)
    tt = target_table(named) if named else ""
    tours_named = {"this branch": res["tours"]}
    if before is not None:
        tours_named = {args.compare: before["tours"], **tours_named}
    tours_md = tour_table(tours_named) if res["tours"] else ""
    ba = before_after(before, res, args.compare) if before is not None else ""
    rounds = {"this branch": res["round"]}
    if before is not None:
        rounds = {args.compare: before.get("round", {}), **rounds}
    round_md = round_table(rounds, args.round_limit_gb) if res["round"] else ""
    print(md, tt, ba, round_md, tours_md, "\n".join(notes), sep="\n\n")
    if args.write:
        cmd = "python benchmarks/bench_routing.py " + " ".join(sys.argv[1:])
        (HERE / "results").mkdir(exist_ok=True)
        raw = {**res, "before": before, "compare": args.compare}
        (HERE / "results" / "routing.json").write_text(json.dumps(raw, indent=1, default=str))
        load = res["load"]
        body = (
            f"Command: `{cmd.strip()}` ({dt.date.today().isoformat()}, Python "
            f"{sys.version.split()[0]}, shapely {shapely.__version__}, {os.cpu_count()} CPUs "
            f"shared with other developers; load average {load[0]:.1f} at the start and "
            f"{load[1]:.1f} at the end, so absolute times are noisy).\n\n"
            "Peers on the same pairs of random points, lengths at clearance 0 against "
            "extremitypathfinder 2.8.0 (exact anchor, run in its own Python 3.12 venv). "
            "Speed-ups are the anchor's time over the peer's.\n\n"
            + md
            + "\n\n"
            + "\n".join(f"- {n}" for n in notes)
            + "\n\nOur router at clearance 0.5 m (random booth and kiosk ids; a 74,000-booth "
            "venue is many separate complexes, so most random pairs there have no route and "
            "are answered by one Dijkstra that reaches nothing; CPU is the process's CPU time, "
            "which moves less than wall time with the load of other work). Not run with the "
            "anchor: it "
            "takes one polygon, not halls joined by doors, and already needs minutes for one "
            "hall of 500 booths.\n\n" + tt + "\n"
        )
        if ba:
            body += (
                f"\nOur router at {args.compare} and on this branch, the same measurements "
                "run one after the other (same pairs; the older revision from a temporary "
                "git worktree, without the anchor):\n\n" + ba + "\n"
            )
        if round_md:
            body += (
                "\nHalls of round booths at clearance 0.5 m (tests/_round_booths.py: regular "
                "polygons 4 m across, 7 m apart, every feature within the format's rules), "
                "each built and queried in a fresh process under a "
                f"{args.round_limit_gb:g} GB address-space limit; queries alternate kiosk "
                "and random booth to random booth, and include the first query's work on a "
                "booth (its last legs are computed on first use in such halls):\n\n"
                + round_md
                + "\n"
            )
        if tours_md:
            body += (
                "\nTours on the bundled venue at clearance 0.5 m, from random kiosks (five "
                "random sets of 8 and of 20 booths; then sets of 3-7 booths, half of them "
                "from one hall, every third returning to its kiosk, each against brute force "
                "over every order walked leg by leg as `route(..., via=...)` walks it):\n\n"
                + tours_md
                + "\n"
            )
        write_section("Routing", body)
        print("written")


if __name__ == "__main__":
    main()
