"""Time IMDF export and printing against the issue's budgets, beside their peers.

Run: python benchmarks/bench_export.py [--repeat 3] [--booths 74000] [--no-write]

- IMDF export (to the bytes of the archive) of the bundled venue and of a generated
  74,000-booth venue, beside writing the same venue as a GeoPackage (``write_venue``),
  floorplan's own format: the ratio says what IMDF's extra features cost;
- validating and importing the bundled archive;
- one A1 hall plan (PDF), all 16 escape plans (one PDF, routes included), and the
  whole ``--all`` document on A3, beside the dev script's PNG of the venue
  (``halls/render_png.py``) as the plain-matplotlib peer.

Each time is the median of ``--repeat`` runs (one run for 74,000 booths). Budgets:
IMDF bundled <= 2 s, 74,000 booths <= 60 s; one A1 hall plan <= 5 s; all 16 escape
plans <= 30 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import floorplan
from floorplan.generate import generate_venue
from floorplan.io import write_venue
from floorplan.io.imdf import archive_bytes, import_imdf, validate_archive
from floorplan.render import Paper, PrintOptions, plan_pdf, print_escape_plans

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def dev_png(venue: floorplan.Venue, out: Path) -> None:
    spec = importlib.util.spec_from_file_location("render_png", ROOT / "halls" / "render_png.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.render(venue, out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--booths", type=int, default=74_000)
    ap.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = ap.parse_args()
    rows: list[tuple[str, str, float, str]] = []
    venue = floorplan.load_venue()
    with tempfile.TemporaryDirectory() as tmp:
        t_gpkg, _ = timed(
            lambda: write_venue(venue, Path(tmp) / f"b{time.perf_counter_ns()}.gpkg"), args.repeat
        )
        t_imdf, data = timed(lambda: archive_bytes(venue), args.repeat)
        rows.append(
            (
                "IMDF export, bundled (523 booths)",
                "≤ 2 s",
                t_imdf,
                f"{t_imdf / t_gpkg:.1f}× GeoPackage write ({t_gpkg:.2f} s)",
            )
        )
        t_val, problems = timed(lambda: validate_archive(data), args.repeat)
        assert problems == [], problems[:3]
        rows.append(
            ("IMDF validate, bundled archive", "—", t_val, f"{len(data) / 1e6:.2f} MB archive")
        )
        t_imp, result = timed(lambda: import_imdf(data), args.repeat)
        assert not result.venue.problems
        rows.append(("IMDF import, bundled archive (validate + venue rules)", "—", t_imp, ""))
        print(rows[-3:], flush=True)

        big = generate_venue(booths=args.booths)
        print(f"generated {len(big.booths)} booths in {len(big.halls)} halls", flush=True)
        t_big_gpkg, _ = timed(lambda: write_venue(big, Path(tmp) / "big.gpkg"), 1)
        t_big, big_data = timed(lambda: archive_bytes(big), 1)
        rows.append(
            (
                f"IMDF export, {len(big.booths):,} booths",
                "≤ 60 s",
                t_big,
                f"{t_big / t_big_gpkg:.1f}× GeoPackage write ({t_big_gpkg:.1f} s); "
                f"{len(big_data) / 1e6:.0f} MB",
            )
        )
        t_big_val, _ = timed(lambda: validate_archive(big_data), 1)
        rows.append((f"IMDF validate, {len(big.booths):,} booths", "—", t_big_val, ""))
        print(rows[-2:], flush=True)

        a1 = PrintOptions(paper=Paper.A1)
        t_a1, pdf = timed(lambda: plan_pdf(venue, hall="W1", options=a1), args.repeat)
        t_png, _ = timed(lambda: dev_png(venue, Path(tmp) / "dev.png"), args.repeat)
        rows.append(
            (
                "one A1 hall plan (W1, PDF)",
                "≤ 5 s",
                t_a1,
                f"{t_a1 / t_png:.1f}× the dev script's venue PNG ({t_png:.2f} s); "
                f"{len(pdf) / 1e3:.0f} kB",
            )
        )
        out = Path(tmp) / "escape.pdf"
        t_esc, _ = timed(lambda: print_escape_plans(venue, out), args.repeat)
        rows.append(
            (
                f"all {len(venue.kiosks)} escape plans (router built, routes, PDF)",
                "≤ 30 s",
                t_esc,
                f"{t_esc / len(venue.kiosks):.2f} s a plan",
            )
        )
        t_all, _ = timed(lambda: plan_pdf(venue, all_halls=True), args.repeat)
        rows.append(("`--all` on A3: venue, 7 halls, directory", "—", t_all, ""))
        print(rows[-3:], flush=True)

    lines = [
        "| what | budget | seconds | beside its peer |",
        "|---|---|---|---|",
        *(f"| {w} | {b} | {t:.2f} | {note} |" for w, b, t, note in rows),
    ]
    body = "\n".join(
        [
            f"`python benchmarks/bench_export.py --repeat {args.repeat} --booths {args.booths}` "
            f"on {date.today().isoformat()}, Python {platform.python_version()}, "
            f"{platform.machine()} (medians; one run for the generated venue; "
            "a shared 2-core machine).",
            "",
            *lines,
        ]
    )
    print(body)
    if not args.no_write:
        write_section("IMDF export and printing", body)


if __name__ == "__main__":
    main()
