"""Time importing a hall's CAD drawing: 2,000 booths (~60,000 entities) and 10,000 booths.

Run: python benchmarks/bench_import.py [--repeat 3] [--sizes 2000,10000] [--no-write]

The drawings are made by halls/make_sample_drawing.py with ``--detail`` (furniture in
every booth, as real plans have: most entities are on layers the import skips). Each
measurement runs in a fresh process, so that its peak memory is its own:

- ``floorplan import``: :func:`floorplan.io.dxf.import_dxf` (read, explode blocks, close
  outlines, number booths, find openings, validate);
- ``of which ezdxf read``: only ``ezdxf.readfile`` (the parse every ezdxf reader pays);
- ``GDAL read``: ``geopandas.read_file`` through GDAL's DXF driver, which flattens blocks
  but keeps no booth numbers, for scale.

Wall time is what the issue's targets are about (≤ 10 s and ≤ 60 s); CPU time is given
beside it because the benchmark machine is shared. Times are medians of ``--repeat`` runs;
peak memory is the process's resident high-water mark, imports included.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def peak_mb() -> float:
    """Return this process's resident high-water mark (VmHWM, reset at exec).

    ``getrusage``'s ``ru_maxrss`` is not: it keeps the parent's peak across fork and exec.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # noqa: PLC0415 - not Linux: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, path: str) -> None:
    """Measure one run in this (fresh) process and print it as JSON."""
    import time  # noqa: PLC0415

    import geopandas  # noqa: PLC0415

    from floorplan.io.dxf import Georef, import_dxf, open_drawing  # noqa: PLC0415

    base_mb = peak_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    out: dict[str, object] = {}
    if kind == "floorplan":
        result = import_dxf(path, Georef("EPSG:32650", origin=(462_000, 4_437_000)))
        out["booths"] = len(result.venue.booths)
        out["valid"] = result.valid
        numbered = ~result.venue.booths["booth_id"].str.contains("-U")
        out["numbered"] = int(numbered.sum())
    elif kind == "ezdxf":
        doc = open_drawing(path)
        out["entities"] = len(doc.modelspace())
    else:
        frame = geopandas.read_file(path)
        out["features"] = len(frame)
    out["wall_s"] = time.perf_counter() - t0
    out["cpu_s"] = time.process_time() - c0
    out["peak_mb"] = peak_mb()
    out["imports_mb"] = base_mb
    print(json.dumps(out))


def measure(kind: str, path: Path, repeat: int) -> dict[str, object]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = dict(runs[-1])
    for key in ("wall_s", "cpu_s"):
        out[key] = statistics.median(float(r[key]) for r in runs)
    out["peak_mb"] = max(float(r["peak_mb"]) for r in runs)
    return out


def drawing(folder: Path, booths: int) -> tuple[Path, int]:
    """Draw the hall in another process (so that this one stays small); return its size."""
    path = folder / f"hall-{booths}.dxf"
    script = HERE.parent / "halls" / "make_sample_drawing.py"
    halls = str(max(1, booths // 500))
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            str(path),
            "--booths",
            str(booths),
            "--halls",
            halls,
            "--detail",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return path, int(done.stdout.rsplit(":", 1)[1].split()[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="2000,10000", help="booth counts, comma-separated")
    ap.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for booths in (int(s) for s in args.sizes.split(",")):
            path, entities = drawing(Path(tmp), booths)
            ours = measure("floorplan", path, args.repeat)
            parse = measure("ezdxf", path, args.repeat)
            gdal = measure("gdal", path, args.repeat)
            rows.append((booths, entities, path.stat().st_size / 1e6, ours, parse, gdal))
            print(booths, entities, ours, parse, gdal, flush=True)
    load_after = os.getloadavg()[0]
    lines = [
        "| booths | entities | file MB | floorplan import s (CPU s) | peak MB | "
        "of which ezdxf read s (CPU s) | GDAL read s (CPU s) | GDAL peak MB | "
        "GDAL features | import / GDAL (CPU) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for booths, entities, mb, ours, parse, gdal in rows:
        assert ours["valid"], ours
        assert ours["booths"] == booths, ours
        lines.append(
            f"| {booths:,} | {entities:,} | {mb:.1f} | {ours['wall_s']:.1f} ({ours['cpu_s']:.1f}) "
            f"| {ours['peak_mb']:.0f} | {parse['wall_s']:.1f} ({parse['cpu_s']:.1f}) "
            f"| {gdal['wall_s']:.1f} ({gdal['cpu_s']:.1f}) | {gdal['peak_mb']:.0f} "
            f"| {gdal['features']:,} | {ours['cpu_s'] / gdal['cpu_s']:.1f}× |"
        )
    body = "\n".join(
        [
            f"`python benchmarks/bench_import.py --repeat {args.repeat} --sizes {args.sizes}`, "
            f"{date.today().isoformat()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores shared with other work (load average {load:.1f} at the "
            f"start, {load_after:.1f} at the end: wall time is up to load/cores × CPU time).",
            "",
            "Drawings by `halls/make_sample_drawing.py --detail` (500 booths a hall; walls, "
            "door and column blocks, booth outlines, MTEXT numbers, hatches, furniture). "
            "Targets: 2,000 booths ≤ 10 s, 10,000 booths ≤ 60 s. Every import is valid "
            f"and numbers every booth. Medians of {args.repeat} runs, each in a fresh "
            "process; peak memory includes the imports (about "
            f"{rows[0][3]['imports_mb']:.0f} MB).",
            "",
            *lines,
            "",
            "GDAL reads entities only (blocks inlined, text as points with no link to a "
            "booth); floorplan's import does that and makes the venue. Most of the import "
            "is ezdxf's parse of the file (compare CPU times: wall times of separate runs "
            "on a shared machine vary more than the parts they are made of).",
        ]
    )
    print(body)
    if not args.no_write:
        from _results import write_section  # noqa: PLC0415

        write_section("DXF import (bench_import.py)", body)


if __name__ == "__main__":
    main()
