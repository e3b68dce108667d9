"""Time ``floorplan --help`` and ``import floorplan`` here and at an older revision, side by side.

Usage: ``python benchmarks/bench_startup.py [--runs 15] [--compare REV] [--write]``.

Both revisions run in this interpreter (same packages) as fresh processes; the older one
from a temporary ``git worktree``, put first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from _results import worktree, write_section

ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "floorplan --help": "import sys; sys.argv = ['floorplan', '--help']\n"
    "from floorplan.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass",
    "import floorplan": "import floorplan",
    "floorplan.load_venue (first use)": "import floorplan; floorplan.load_venue",
}


def _time(code: str, source: Path, runs: int) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        # cwd "/" so that `python -c` does not find a checkout in the current folder first.
        subprocess.run(
            [sys.executable, "-c", code], env=env, check=True, capture_output=True, cwd="/"
        )
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--compare", default=None, help="an older git revision to time beside")
    ap.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    args = ap.parse_args()
    sources = {"this checkout": ROOT}
    with contextlib.ExitStack() as stack:
        if args.compare:
            sources = {args.compare: stack.enter_context(worktree(args.compare)), **sources}
        rows = []
        for case, code in CASES.items():
            med = {
                name: statistics.median(_time(code, src, args.runs))
                for name, src in sources.items()
            }
            rows.append((case, med))
    names = list(sources)
    head = (
        "| case | "
        + " | ".join(f"{n} s" for n in names)
        + (" | speed-up |" if len(names) > 1 else " |")
    )
    lines = [head, "|---|" + "---:|" * (len(names) + (len(names) > 1))]
    for case, med in rows:
        cells = " | ".join(f"{med[n]:.3f}" for n in names)
        ratio = f" | {med[names[0]] / med[names[-1]]:.1f}x |" if len(names) > 1 else " |"
        lines.append(f"| {case} | {cells}{ratio}")
    cmd = "python benchmarks/bench_startup.py " + " ".join(sys.argv[1:])
    when = datetime.now(UTC).date().isoformat()
    body = (
        f"Command: `{cmd.strip()}` ({when}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores). Median wall time of {args.runs} fresh "
        "processes each; both revisions use the same installed packages.\n\n" + "\n".join(lines)
    )
    print(body)
    if args.write:
        write_section("Start-up", body)


if __name__ == "__main__":
    main()
