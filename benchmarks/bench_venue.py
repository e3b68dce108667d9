"""Time loading and validating venues: the bundled one, 20× its size, and 74,000 booths.

Run: python benchmarks/bench_venue.py [--repeat 3] [--no-write]

Each generated venue is written once as a GeoPackage and as a GeoJSON folder; then
reading (parse + project + normalise) and validating (every rule) are timed apart, as the
median of ``--repeat`` runs. Peak memory is the process's resident high-water mark.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import shapely

import floorplan
from floorplan.generate import generate_venue
from floorplan.io import read_venue, write_venue

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench(label: str, path: Path, repeat: int) -> dict[str, object]:
    t_read, venue = timed(lambda: read_venue(path), repeat)
    t_val, problems = timed(lambda: floorplan.validate(venue), repeat)  # type: ignore[arg-type]
    assert not problems, problems[:5]  # type: ignore[index]
    v: floorplan.Venue = venue  # type: ignore[assignment]
    halls = v.halls[v.halls["kind"] == "hall"]
    return {
        "venue": label,
        "booths": len(v.booths),
        "hall floor m²": int(shapely.area(halls.geometry.values).sum()),
        "read s": t_read,
        "validate s": t_val,
        "load_venue s": t_read + t_val,
        "size MB": sum(f.stat().st_size for f in ([path] if path.is_file() else path.iterdir()))
        / 1e6,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    rows = []
    rows.append(bench("bundled (GeoJSON)", floorplan.bundled_venue_path(), args.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        for booths in (515 * 20, 74_000):
            t0 = time.perf_counter()
            venue = generate_venue(booths=booths)
            t_gen = time.perf_counter() - t0
            print(f"generated {booths} booths in {t_gen:.1f} s", flush=True)
            for suffix, kind in ((".gpkg", "GeoPackage"), ("", "GeoJSON")):
                path = write_venue(venue, Path(tmp) / f"v{booths}{suffix}")
                rep = args.repeat if booths < 50_000 else 1
                rows.append(bench(f"generated {booths:,} ({kind})", path, rep))
                print(rows[-1], flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [
            f"{r[c]:,.2f}"
            if isinstance(r[c], float)
            else f"{r[c]:,}"
            if isinstance(r[c], int)
            else str(r[c])
            for c in cols
        ]
        lines.append("| " + " | ".join(cells) + " |")
    body = "\n".join(
        [
            f"Command: `python benchmarks/bench_venue.py --repeat {args.repeat}` "
            f"({date.today().isoformat()}, Python {platform.python_version()}, "
            f"shapely {shapely.__version__}, {platform.machine()}, 2 cores).",
            "",
            "`read` parses, projects and normalises the layers; `validate` checks every "
            "rule of the format (including reachability of every booth); `load_venue` is "
            "their sum. Medians of the repeats (one run at 74,000 booths).",
            "",
            *lines,
            "",
            f"Peak resident memory of the whole run: {peak_mb:,.0f} MB.",
        ]
    )
    print(body)
    if not args.no_write:
        write_section("Load and validate", body)


if __name__ == "__main__":
    main()
