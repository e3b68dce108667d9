"""Load-test a real ``floorplan serve`` with Locust: phone visitors, then kiosk sessions.

Usage::

    python benchmarks/loadtest/run.py [--phones 100,500,1000,2000] [--kiosks 10,25,50]
        [--seconds 60] [--venue PATH] [--write]

Starts ``floorplan serve`` on 127.0.0.1 (a free port, a temporary user file and layout
store), then for each level runs Locust headless in a process of its own
(``locust -f benchmarks/loadtest/locustfile.py --headless``), bounded in users and time:
N phone visitors (``PhoneVisitor``) ramped up over a fifth of the time, statistics reset
once all are running, then measured; separately M kiosk sessions (``KioskSession``, real
Bokeh sessions). Meanwhile it samples the server's resident memory and CPU (and Locust's
CPU: both share this machine's cores). Prints, and with ``--write`` records in
benchmarks/RESULTS.md ("Load test"), requests/s, p50/p95/p99 per endpoint, the error rate,
server RSS and CPU per level. Loopback only; nothing else is contacted.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _results import write_section

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "locustfile.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(venue: str, tmp: Path, *, processes: int = 1) -> tuple[subprocess.Popen[str], str]:
    """Start ``floorplan serve`` on loopback and wait until it listens; return it and its URL.

    With ``processes`` other than 1 it waits until every worker listens.
    """
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "floorplan",
        "serve",
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
        "--users",
        str(tmp / "users.json"),
        "--store",
        str(tmp / "layouts.gpkg"),
        # Every simulated kiosk comes from 127.0.0.1: lift the per-client session limit.
        "--kiosk-sessions-per-minute",
        "0",
        "--processes",
        str(processes),
    ]
    if venue:
        cmd += ["--venue", venue]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    workers = processes or os.cpu_count() or 1
    for line in proc.stdout:
        if line.startswith("Launching server"):
            workers -= 1
            if workers == 0:
                break
    else:
        msg = f"floorplan serve exited {proc.wait()}"
        raise RuntimeError(msg)
    # Keep reading its output so that its pipe never fills.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()  # type: ignore[union-attr]
    return proc, f"http://127.0.0.1:{port}"


@dataclass
class Sampler:
    """Sample processes' RSS and CPU once a second while a level runs."""

    pids: dict[str, int]
    rss_mb: dict[str, list[float]] = field(default_factory=dict)
    cpu_s: dict[str, float] = field(default_factory=dict)
    wall_s: float = 0.0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._last_cpu: dict[str, float] = {}
        self._procs = {k: psutil.Process(p) for k, p in self.pids.items()}
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(proc: psutil.Process) -> list[psutil.Process]:
        """Return ``proc`` and its children (a server's worker processes)."""
        try:
            return [proc, *proc.children(recursive=True)]
        except psutil.Error:
            return [proc]

    def _cpu(self, name: str) -> float:
        """Return the CPU seconds of ``name`` and its children so far (the last seen once gone)."""
        total = 0.0
        try:
            for p in self._tree(self._procs[name]):
                t = p.cpu_times()
                total += float(t.user + t.system)
        except psutil.Error:
            return self._last_cpu.get(name, 0.0)
        self._last_cpu[name] = total
        return total

    def start(self) -> Sampler:
        self._t0 = time.perf_counter()
        self._cpu0 = {k: self._cpu(k) for k in self._procs}
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            for name, proc in self._procs.items():
                self._cpu(name)  # Locust exits before the level is read: keep its last
                try:  # summed over the workers (pages they share counted in each)
                    rss = sum(p.memory_info().rss for p in self._tree(proc)) / 2**20
                except psutil.Error:
                    continue
                self.rss_mb.setdefault(name, []).append(rss)

    def stop(self) -> None:
        self.wall_s = time.perf_counter() - self._t0
        self.cpu_s = {k: self._cpu(k) - self._cpu0[k] for k in self._procs}
        self._stop.set()
        self._thread.join(5)


@dataclass
class Level:
    kind: str
    users: int
    seconds: int
    rows: list[dict[str, str]]
    server: Sampler
    locust_cpu_s: float
    load: str

    def total(self) -> dict[str, str]:
        return next(r for r in self.rows if r["Name"] == "Aggregated")

    def endpoints(self) -> list[dict[str, str]]:
        return [r for r in self.rows if r["Name"] not in {"Aggregated", "setup"}]


def run_level(
    kind: str, users: int, *, seconds: int, url: str, server_pid: int, tmp: Path
) -> Level:
    """Run one Locust level (``kind`` is the user class) and return its figures.

    Phone visitors are measured once all run (statistics reset after the ramp-up);
    kiosks from the start, since their first render is the figure (all start within the
    ramp-up, as after a server restart).
    """
    prefix = tmp / f"{kind}-{users}"
    phones = kind == "PhoneVisitor"
    ramp_s = max(5, seconds // 5)
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "-u",
        str(users),
        "-r",
        f"{users / ramp_s:.2f}",
        "-t",
        f"{seconds + ramp_s}s",
        # Phones: reset once all run. Kiosks: never (their first renders are the figure,
        # all made during the ramp-up; a reset would throw them away).
        *(["--reset-stats"] if phones else []),
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--loglevel",
        "WARNING",
        kind,
    ]
    locust = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler({"server": server_pid, "locust": locust.pid})
    if phones:
        time.sleep(ramp_s)  # measure once every user runs (Locust resets its statistics then)
    sampler.start()
    _, err = locust.communicate(timeout=seconds + ramp_s + 120)
    sampler.stop()
    if locust.returncode not in (0, 1):  # 1: some requests failed; still a result
        msg = f"locust failed ({locust.returncode}): {err[-2000:]}"
        raise RuntimeError(msg)
    with (prefix.parent / f"{prefix.name}_stats.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    locust_cpu = sampler.cpu_s.get("locust", 0.0)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    return Level(kind, users, seconds, rows, sampler, locust_cpu, load)


def _f(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key) or 0.0)
    except ValueError:
        return 0.0


def report(levels: list[Level], args: argparse.Namespace, venue_label: str) -> str:
    """Return the RESULTS.md section: one summary table, then one per endpoint."""
    out = [
        f"Command: `python benchmarks/loadtest/run.py {' '.join(sys.argv[1:])}`"
        f" ({datetime.now(UTC).date().isoformat()}, Python {platform.python_version()}, "
        f"Locust {_locust_version()}, {os.cpu_count()} cores shared with the load generator "
        f"and other developers). Venue: {venue_label}; server: "
        f"`--processes {args.processes}` (CPU and RSS summed over its processes). "
        "Each level: Locust headless, users ramped up over a fifth of the time, statistics "
        f"reset, then {args.seconds} s measured; server and Locust CPU are CPU-seconds per "
        "wall second over the measured window (1.0 = one core).",
        "",
        "| users | requests/s | failures % | p50 ms | p95 ms | p99 ms | server RSS MB "
        "(mean / max) | server CPU | Locust CPU | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for lv in levels:
        t = lv.total()
        n = _f(t, "Request Count")
        fails = 100 * _f(t, "Failure Count") / n if n else 0.0
        rss = lv.server.rss_mb.get("server", [0.0])
        wall = lv.server.wall_s or 1.0
        out.append(
            f"| {lv.users} {'phones' if lv.kind == 'PhoneVisitor' else 'kiosks'} "
            f"| {_f(t, 'Requests/s'):.1f} | {fails:.2f} | {_f(t, '50%'):.0f} "
            f"| {_f(t, '95%'):.0f} | {_f(t, '99%'):.0f} "
            f"| {sum(rss) / len(rss):.0f} / {max(rss):.0f} "
            f"| {lv.server.cpu_s.get('server', 0.0) / wall:.2f} | {lv.locust_cpu_s / wall:.2f} "
            f"| {lv.load} |"
        )
    for lv in levels:
        out += [
            "",
            f"{lv.users} {'phone visitors' if lv.kind == 'PhoneVisitor' else 'kiosk sessions'}, "
            "per endpoint:",
            "",
            "| endpoint | requests | requests/s | failures | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in sorted(lv.endpoints(), key=lambda r: r["Name"]):
            out.append(
                f"| {r['Name']} | {_f(r, 'Request Count'):.0f} | {_f(r, 'Requests/s'):.1f} "
                f"| {_f(r, 'Failure Count'):.0f} | {_f(r, '50%'):.0f} | {_f(r, '95%'):.0f} "
                f"| {_f(r, '99%'):.0f} | {_f(r, 'Max Response Time'):.0f} |"
            )
    return "\n".join(out)


def _locust_version() -> str:
    from importlib.metadata import version  # noqa: PLC0415

    return version("locust")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phones", default="100,500,1000,2000", help="phone visitors per level")
    ap.add_argument("--kiosks", default="10,25,50", help="kiosk sessions per level")
    ap.add_argument("--seconds", type=int, default=60, help="measured seconds per level")
    ap.add_argument("--venue", default="", help="venue path (default: the bundled venue)")
    ap.add_argument(
        "--processes", type=int, default=1, help="floorplan serve --processes (0: one per core)"
    )
    ap.add_argument("--write", action="store_true", help="write the section of RESULTS.md")
    args = ap.parse_args()
    phones = [int(x) for x in args.phones.split(",") if x]
    kiosks = [int(x) for x in args.kiosks.split(",") if x]
    levels: list[Level] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        server, url = start_server(args.venue, tmp, processes=args.processes)
        try:
            for kind, counts in (("PhoneVisitor", phones), ("KioskSession", kiosks)):
                for n in counts:
                    print(f"{kind} x {n} ...", flush=True)
                    lv = run_level(
                        kind, n, seconds=args.seconds, url=url, server_pid=server.pid, tmp=tmp
                    )
                    levels.append(lv)
                    print(report([lv], args, args.venue or "bundled").splitlines()[4], flush=True)
        finally:
            server.terminate()
            server.wait(30)
    body = report(levels, args, args.venue or "the bundled venue (halls/chain-expo)")
    print(body)
    if args.write:
        write_section("Load test", body)


if __name__ == "__main__":
    main()
