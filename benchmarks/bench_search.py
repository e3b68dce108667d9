"""Time search per keystroke, the index build and the server's start, here and at a revision.

Usage::

    python benchmarks/bench_search.py [--venue big.gpkg] [--compare REV] [--names 60] [--write]

For each revision (this checkout; ``--compare REV`` from a temporary ``git worktree``,
run in this interpreter with the same packages) a fresh process loads the venue, builds the
search index (timed; with a warm index cache beside a layout store too, for this checkout)
and types queries letter by letter, timing ``SearchIndex.search`` per keystroke with no
cached answers: exhibitors' English and Chinese names, pinyin, products, booth ids and
service words, each once as written and once with one typo (two letters swapped, one
replaced, dropped or doubled). The hits of both revisions are compared keystroke by
keystroke. ``--serve N`` also times ``floorplan serve`` from start to listening, N times
with the same store and user file (first and later starts, by part); ``--serve-only``
times only that (its own section of RESULTS.md, "Server start at scale").

``floorplan generate big.gpkg --booths 74000`` makes the 74,000-booth venue.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _results import worktree, write_section
from pypinyin import lazy_pinyin

from floorplan.io import load_venue

ROOT = Path(__file__).resolve().parent.parent

# Runs inside the revision's process: prints one JSON object.
_CHILD = r"""
import json, sys, time, tempfile
from pathlib import Path
t0 = time.perf_counter()
from floorplan.io import load_venue
venue = load_venue(sys.argv[1] or None)
load_s = time.perf_counter() - t0
from floorplan.search import SearchIndex
t0 = time.perf_counter()
index = SearchIndex(venue)
build_s = time.perf_counter() - t0
cached_s = None
if hasattr(SearchIndex, "cached"):
    with tempfile.TemporaryDirectory() as tmp:
        SearchIndex.cached(venue, Path(tmp))  # builds and saves
        t0 = time.perf_counter()
        SearchIndex.cached(venue, Path(tmp))  # loads
        cached_s = time.perf_counter() - t0
queries = json.loads(Path(sys.argv[2]).read_text())
k = venue.kiosks
near = (float(k.geometry.iloc[0].x), float(k.geometry.iloc[0].y)) if len(k) else None
out = []
for q in queries:
    answers = getattr(index, "_answers", None)
    if answers is not None:
        answers.clear()  # no cached answer: each keystroke searched for real
    t0 = time.perf_counter()
    hits = index.search(q, limit=20, near=near)
    ms = (time.perf_counter() - t0) * 1000
    out.append([ms, [f"{h.kind.value}:{h.key}" for h in hits]])
print(json.dumps({"load_s": load_s, "build_s": build_s, "cached_s": cached_s,
                  "entries": len(index), "keystrokes": out}))
"""


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice(["swap", "replace", "drop", "double"])
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "replace":
        return word[:i] + rng.choice("aeioustnr") + word[i + 1 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def queries(venue_path: str, names: int, seed: int = 7) -> list[str]:
    """Return the keystrokes typed: every prefix of each query, as written and with a typo."""
    venue = load_venue(venue_path or None)
    rng = random.Random(seed)
    booths = venue.booths
    let = booths[booths["exhibitor"].fillna("") != ""]
    rows = let.sample(min(names, len(let)), random_state=seed)
    words: list[str] = []
    for i, (_, row) in enumerate(rows.iterrows()):
        en = str(row["exhibitor"])
        zh = str(row.get("exhibitor_zh") or "")
        if i % 4 == 1 and zh:
            words.append(zh[: rng.randint(2, 6)])
        elif i % 4 == 2 and zh:
            words.append("".join(lazy_pinyin(zh))[:14])
        elif i % 4 == 3:
            products = [p for p in str(row["products"] or "").split(";") if p]
            words.append(products[0] if products else str(row["booth_id"]))
        else:
            words.append(" ".join(en.split()[:2]))
    words += ["toilet", "coffee", "first aid", "information", str(booths["booth_id"].iloc[0])]
    typed: list[str] = []
    for w in words:
        for variant in (w, _typo(w, rng)):
            typed += [variant[:n] for n in range(1, min(len(variant), 20) + 1)]
    return typed


def _run(source: Path, venue: str, qfile: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, venue, str(qfile)],
        env=env,
        cwd="/",
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _publish(venue: str, store_path: Path) -> None:
    """Save ``venue`` as version 1 of a new store and publish it (format rules only)."""
    from floorplan.io.store import LayoutStore  # noqa: PLC0415

    store = LayoutStore(store_path)
    store.save(load_venue(venue or None), message="benchmark", author="benchmark")
    # The default gate (the format's rules): the 74,000-booth venue breaks fire-code
    # rules that are not the point here.
    store.publish(1, acknowledge=True)


def _serve_s(source: Path, venue: str, tmp: Path) -> dict[str, float]:
    """Time ``floorplan serve`` from starting to listening; return its parts as it prints them.

    Keys: ``total``, ``venue`` (loading and validating the venue file, or loading it from
    the start cache; NaN for revisions that do not print it), ``index``, ``router``,
    ``rest`` (the total less the parts printed) and ``load`` (the 1-minute load average
    when it listened).
    """
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(source)}
    users = tmp / f"users-{source.name}.json"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])
    cmd = [sys.executable, "-m", "floorplan", "serve", "--port", port, "--address", "127.0.0.1"]
    cmd += ["--store", str(tmp / f"layouts-{source.name}.gpkg")]
    cmd += ["--users", str(users)] + (["--venue", venue] if venue else [])
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd="/", stdout=subprocess.PIPE, text=True, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    out = {"venue": math.nan, "published": math.nan, "index": math.nan, "router": math.nan}
    try:
        for line in proc.stdout:
            if said := _TIMINGS.search(line):
                out["index"], out["router"] = float(said.group(1)), float(said.group(2))
            if said := _VENUE.search(line):
                out["venue"] = float(said.group(1))
            if said := _PUBLISHED.search(line):
                out["published"] = float(said.group(1))
            if line.startswith("Launching server"):
                out["total"] = time.perf_counter() - t0
                parts = [v for k, v in out.items() if k != "total" and not math.isnan(v)]
                out["rest"] = out["total"] - sum(parts)
                out["load"] = os.getloadavg()[0]
                return out
        msg = f"floorplan serve exited {proc.wait()}"
        raise RuntimeError(msg)
    finally:
        proc.terminate()
        proc.wait(30)


_TIMINGS = re.compile(r"search index ([\d.]+) s, router ([\d.]+) s")
_VENUE = re.compile(r"floorplan: venue .* in ([\d.]+) s")
_PUBLISHED = re.compile(r"published version \d+, read in ([\d.]+) s")


def _pct(xs: list[float], p: float) -> float:
    ordered = sorted(xs)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--venue", default="", help="venue path (default: the bundled venue)")
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--names", type=int, default=60)
    ap.add_argument("--serve", type=int, default=0, help="time 'floorplan serve' N times each")
    ap.add_argument(
        "--published",
        action="store_true",
        help="serve the venue as the store's published version 1 (saved and published first)",
    )
    ap.add_argument(
        "--serve-only",
        action="store_true",
        help="time only 'floorplan serve' (section 'Server start at scale' of RESULTS.md)",
    )
    ap.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    args = ap.parse_args()
    sources = {"this checkout": ROOT}
    with tempfile.TemporaryDirectory() as tmp_name, contextlib.ExitStack() as stack:
        tmp = Path(tmp_name)
        if args.compare:
            sources = {args.compare: stack.enter_context(worktree(args.compare)), **sources}
        typed: list[str] = []
        runs: dict[str, dict[str, Any]] = {}
        if not args.serve_only:
            qfile = tmp / "queries.json"
            typed = queries(args.venue, args.names)
            qfile.write_text(json.dumps(typed), encoding="utf-8")
            runs = {name: _run(src, args.venue, qfile) for name, src in sources.items()}
        # One layout store and user file per revision for all its starts: the first
        # start builds what later ones may load from beside them.
        if args.published and args.serve:
            for src in sources.values():
                _publish(args.venue, tmp / f"layouts-{src.name}.gpkg")
        serve = {
            name: [_serve_s(src, args.venue, tmp) for _ in range(args.serve)]
            for name, src in sources.items()
        }
    if args.serve_only:
        body = _serve_report(args, serve)
        print(body)
        if args.write:
            title = "Server start at scale" + (" (published version)" if args.published else "")
            write_section(title, body)
        return
    body = _report(args, runs, serve, typed)
    print(body)
    if args.write:
        write_section("Search at scale", body)


_PARTS = (
    ("total", "to listening"),
    ("venue", "venue file read and validated, or loaded"),
    ("published", "published version read and validated, or loaded"),
    ("index", "search index"),
    ("router", "router"),
    ("rest", "the rest (imports, lookups, Panel)"),
)


def _serve_report(args: argparse.Namespace, serve: dict[str, list[dict[str, float]]]) -> str:
    """Return the section on server starts: first and later starts, by part, as ratios."""
    names = list(serve)
    parts = [(k, w) for k, w in _PARTS if k != "published" or args.published]
    head = "| start | part | " + " | ".join(f"{n} s" for n in names)
    head += " | ratio |" if len(names) > 1 else " |"
    lines = [head, "|---|---|" + "---:|" * (len(names) + (len(names) > 1))]
    for label, pick in (
        ("first", lambda xs: xs[:1]),
        (f"later (median of {max(args.serve - 1, 0)})", lambda xs: xs[1:]),
    ):
        for key, what in parts:
            vals = [pick([x[key] for x in serve[n]]) for n in names]
            meds = [statistics.median(v) if v else math.nan for v in vals]
            cells = " | ".join("–" if math.isnan(m) else f"{m:.2f}" for m in meds)
            ratio = ""
            if len(names) > 1:
                a, b = meds[0], meds[-1]
                ratio = " | –" if math.isnan(a) or math.isnan(b) or not b else f" | {a / b:.1f}x"
            lines.append(f"| {label} | {what} | {cells}{ratio} |")
    loads = {n: " ".join(f"{x['load']:.1f}" for x in serve[n]) for n in names}
    cmd = "python benchmarks/bench_search.py " + " ".join(sys.argv[1:])
    when = datetime.now(UTC).date().isoformat()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Command: `{cmd.strip()}` ({when}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores shared with other developers, load "
        f"average {load} at the end). Venue: {args.venue or 'the bundled venue'}"
        + (", served as the store's published version 1. " if args.published else ". ")
        + f"`floorplan serve` started {args.serve} times per revision, one after the other, "
        "with the same layout store and user file (the first start builds what later ones "
        "may load from beside them), timed from the command to 'Launching server'; the "
        "parts are as the server prints them ('–': that revision does not print it, so its "
        "'rest' includes it). 1-minute load average at each start's end: "
        + "; ".join(f"{n}: {v}" for n, v in loads.items())
        + ".\n\n"
        + "\n".join(lines)
    )


def _report(
    args: argparse.Namespace,
    runs: dict[str, dict[str, Any]],
    serve: dict[str, list[dict[str, float]]],
    typed: list[str],
) -> str:
    names = list(runs)
    head = "| | " + " | ".join(names) + (" | ratio |" if len(names) > 1 else " |")
    lines = [head, "|---|" + "---:|" * (len(names) + (len(names) > 1))]

    def row(label: str, values: list[float | None], fmt: str = "{:.2f}") -> None:
        cells = " | ".join("–" if v is None else fmt.format(v) for v in values)
        ratio = ""
        if len(values) > 1:
            a, b = values[0], values[-1]
            ratio = f" | {a / b:.1f}x |" if a and b else " | – |"
        lines.append(f"| {label} | {cells}{ratio if ratio else ' |'}")

    ms = {n: [k[0] for k in r["keystrokes"]] for n, r in runs.items()}
    row("venue load s", [runs[n]["load_s"] for n in names])
    row("index build s", [runs[n]["build_s"] for n in names])
    row("index from its cache s", [runs[n]["cached_s"] for n in names])
    for p in (50, 95, 99):
        row(f"ms per keystroke p{p}", [_pct(ms[n], p) for n in names])
    row("ms per keystroke max", [max(ms[n]) for n in names])
    row("keystrokes over 50 ms", [float(sum(x > 50 for x in ms[n])) for n in names], "{:.0f}")
    if serve and all(serve.values()):
        # The same layout store each time: the first start builds the index, later ones
        # (this checkout) load it from beside the store.
        for key, what in (("total", "total"), ("index", "of it the search index")):
            row(f"serve, first start: {what} s", [serve[n][0][key] for n in names])
            if all(len(v) > 1 for v in serve.values()):
                row(
                    f"serve, later starts (median): {what} s",
                    [statistics.median(x[key] for x in serve[n][1:]) for n in names],
                )
    agree = ""
    if len(names) > 1:
        a, b = (runs[n]["keystrokes"] for n in (names[0], names[-1]))
        same = sum(x[1] == y[1] for x, y in zip(a, b, strict=True))
        same_set = sum(set(x[1]) == set(y[1]) for x, y in zip(a, b, strict=True))
        lost = [len(set(x[1]) - set(y[1])) for x, y in zip(a, b, strict=True)]
        agree = (
            f"\n\nHits compared keystroke by keystroke ({len(a)}): the same list in the same "
            f"order {same} times, the same set {same_set} times; of the hits {names[0]} "
            f"found, {sum(lost)} were missing here over {sum(1 for x in lost if x)} keystrokes."
        )
    cmd = "python benchmarks/bench_search.py " + " ".join(sys.argv[1:])
    when = datetime.now(UTC).date().isoformat()
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    entries = runs[names[-1]]["entries"]
    return (
        f"Command: `{cmd.strip()}` ({when}, Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores shared with other developers, load "
        f"average {load} at the end). Venue: {args.venue or 'the bundled venue'}, "
        f"{entries:,} index entries; {len(typed)} keystrokes ({args.names} names and a few "
        "service words, each typed as written and with one typo), `limit=20`, near a kiosk, "
        "no cached answers.\n\n" + "\n".join(lines) + agree
    )


if __name__ == "__main__":
    main()
