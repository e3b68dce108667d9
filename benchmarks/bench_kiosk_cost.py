"""Measure what one kiosk session costs the server in CPU, beside an older revision.

For this checkout and, with ``--compare REV``, for git revision REV (a temporary
worktree, run in a fresh process), on the bundled venue:

- in process: CPU to build one kiosk page and its document (``KioskPage``, Panel's
  ``server_doc``), CPU to serialise the document as a pull does, and the number of Bokeh
  models in it (median of ``--sessions``);
- a real ``floorplan serve``: the server process's CPU (user + system, from ``/proc``)
  for ``GET /kiosk?kiosk=ID`` (Panel builds the session's document), for the websocket
  and its document pull (as ``benchmarks/loadtest/locustfile.py``'s ``KioskSession``),
  and for a *cold* websocket: a session id the server never handed out, with a token
  signed as the server signs them, so that the server builds the document on the
  websocket, as a second worker process of ``floorplan serve --processes N`` does when
  the page request was answered by another one. Sessions are opened one at a time,
  ``--pause-s`` apart, and kept open until the end (idle kiosks).

Run: ``python benchmarks/bench_kiosk_cost.py [--compare REV] [--sessions 20] [--write]``
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _results import measure_at, write_section

from _browser import Server

ROOT = Path(__file__).resolve().parents[1]
#: The cookie secret the measured server runs with (its session ids are signed with a
#: key derived from it, as ``floorplan.app.server`` derives it).
SECRET = "kiosk-cost-benchmark-" + "x" * 40
_TICK_S = 1 / os.sysconf("SC_CLK_TCK")


def in_process(n: int) -> dict[str, float]:
    """Return median CPU ms to build and to serialise one kiosk document, and its models."""
    import panel as pn  # noqa: PLC0415, TID251 - the pages' own stack, measured here
    from bokeh.document import Document  # noqa: PLC0415, TID251
    from panel.io.state import set_curdoc  # noqa: PLC0415, TID251

    from floorplan.app.context import VenueContext  # noqa: PLC0415
    from floorplan.app.kiosk import KioskPage  # noqa: PLC0415
    from floorplan.io import load_venue  # noqa: PLC0415

    pn.extension(notifications=False)
    ctx = VenueContext(load_venue(None))
    kiosk = str(ctx.venue.kiosks["kiosk_id"].iloc[0])
    build, pull, models = [], [], 0
    for i in range(n + 3):
        t0 = time.process_time()
        doc = Document()
        with set_curdoc(doc):
            KioskPage(ctx, {"kiosk": kiosk}, base_url="http://x").view().server_doc(doc)
        t1 = time.process_time()
        doc.to_json()
        t2 = time.process_time()
        models = len(doc.models)
        if i >= 3:  # the first ones fill caches
            build.append((t1 - t0) * 1000)
            pull.append((t2 - t1) * 1000)
    return {
        "build_ms": statistics.median(build),
        "serialise_ms": statistics.median(pull),
        "models": models,
    }


def cpu_s(pid: int) -> float:
    """Return the CPU seconds (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _TICK_S


class Socket:
    """A kiosk page's websocket as BokehJS opens it: ACK, then pull the document."""

    def __init__(self, base: str, token: str) -> None:
        import websocket  # noqa: PLC0415 - the load test's client

        self.ws = websocket.create_connection(
            f"ws://{base}/kiosk/ws",
            subprotocols=["bokeh", token],
            origin=f"http://{base}",
            timeout=120,
        )
        self._expect("ACK")
        for part in (json.dumps({"msgid": uuid.uuid4().hex, "msgtype": "PULL-DOC-REQ"}), "{}"):
            self.ws.send(part)
        self.ws.send("{}")
        self.doc_bytes = self._expect("PULL-DOC-REPLY")

    def _expect(self, kind: str) -> int:
        while True:
            header = json.loads(self.ws.recv())
            self.ws.recv()  # metadata
            content = self.ws.recv()
            for _ in range(2 * header.get("num_buffers", 0)):  # each: a header, its bytes
                self.ws.recv()
            if header["msgtype"] == kind:
                return len(content)


def cold_token(kiosk: str, host: str) -> str:
    """Return a token for a session id this server never handed out (signed as it signs)."""
    from bokeh.util.token import (  # noqa: PLC0415, TID251 - Bokeh's own tokens
        generate_jwt_token,
        generate_session_id,
    )

    key = hmac.new(SECRET.encode(), b"floorplan bokeh sessions", hashlib.sha256).hexdigest()
    sid = generate_session_id(secret_key=key, signed=True)
    payload = {
        "headers": {"Host": host},
        "cookies": {},
        "arguments": {"kiosk": [kiosk.encode()]},
    }
    return generate_jwt_token(sid, secret_key=key, signed=True, extra_payload=payload)


def served(n: int, pause_s: float) -> dict[str, Any]:
    """Open kiosk sessions on a real server one at a time; return the CPU each part took."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
            "FLOORPLAN_COOKIE_SECRET": SECRET,
        }
        server = Server(
            "--users",
            f"{tmp}/users.json",
            "--store",
            f"{tmp}/layouts.gpkg",
            "--kiosk-sessions-per-minute",
            "0",
            env=env,
        )
        base = server.url.removeprefix("http://")
        pid = server.proc.pid
        out: dict[str, list[float]] = {"page": [], "pull": [], "cold": []}
        sockets: list[Socket] = []
        size = 0
        try:
            with urllib.request.urlopen(server.url + "/api/v1/venue", timeout=60) as r:
                kiosks = [k["id"] for k in json.loads(r.read())["kiosks"]]
            for i in range(n + 2):
                kiosk = kiosks[i % len(kiosks)]
                c0 = cpu_s(pid)
                with urllib.request.urlopen(f"{server.url}/kiosk?kiosk={kiosk}", timeout=120) as r:
                    html = r.read().decode()
                c1 = cpu_s(pid)
                token = re.search(r'"token":"([^"]+)"', html)
                assert token is not None, "no session token in the kiosk page"
                sockets.append(Socket(base, token.group(1)))
                c2 = cpu_s(pid)
                time.sleep(pause_s)
                c3 = cpu_s(pid)
                sockets.append(Socket(base, cold_token(kiosk, base)))
                c4 = cpu_s(pid)
                size = sockets[-1].doc_bytes
                time.sleep(pause_s)
                if i >= 2:  # the first ones fill caches
                    out["page"].append(c1 - c0)
                    out["pull"].append(c2 - c1)
                    out["cold"].append(c4 - c3)
        finally:
            for s in sockets:
                s.ws.close()
            server.stop()
    res: dict[str, Any] = {f"{k}_ms": statistics.median(v) * 1000 for k, v in out.items()}
    res["doc_bytes"] = size
    return res


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run every measurement against the floorplan on ``sys.path``."""
    return {**in_process(args.sessions), **served(args.sessions, args.pause_s)}


def run_older(rev: str, args: argparse.Namespace) -> dict[str, Any]:
    """Return :func:`measure` of git revision ``rev``, run in a fresh process."""
    argv = ["--sessions", str(args.sessions), "--pause-s", str(args.pause_s)]
    return measure_at(rev, __file__, argv)


_COLUMNS = (
    ("models", "Bokeh models in the document", "{:.0f}"),
    ("build_ms", "build CPU ms (in process)", "{:.0f}"),
    ("serialise_ms", "serialise CPU ms (in process)", "{:.0f}"),
    ("page_ms", "server CPU ms: GET /kiosk", "{:.0f}"),
    ("pull_ms", "server CPU ms: websocket + pull", "{:.0f}"),
    ("cold_ms", "server CPU ms: cold websocket (builds + pull)", "{:.0f}"),
    ("doc_bytes", "document bytes", "{:.0f}"),
)


def table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """Return the results as a Markdown table, with after/before ratios for two rows."""
    head = "| revision | " + " | ".join(t for _, t, _ in _COLUMNS) + " | page + pull ms |\n"
    head += "|---" * (len(_COLUMNS) + 2) + "|\n"
    lines = [
        f"| {name} | "
        + " | ".join(f.format(r[k]) for k, _, f in _COLUMNS)
        + f" | {r['page_ms'] + r['pull_ms']:.0f} |"
        for name, r in rows
    ]
    if len(rows) == 2:  # before and after
        (_, old), (_, new) = rows
        lines.append(
            "| ratio (this / before) | "
            + " | ".join(f"{new[k] / old[k]:.2f}" if old[k] else "-" for k, _, _ in _COLUMNS)
            + f" | {(new['page_ms'] + new['pull_ms']) / (old['page_ms'] + old['pull_ms']):.2f} |"
        )
    return head + "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--pause-s", type=float, default=0.3, help="between two sessions")
    ap.add_argument("--compare", default=None, help="an older git revision to run beside")
    ap.add_argument("--json-out", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--write", action="store_true", help="write the RESULTS.md section")
    args = ap.parse_args()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(measure(args)))
        return
    load0 = "/".join(f"{x:.1f}" for x in os.getloadavg())
    before = run_older(args.compare, args) if args.compare else None
    after = measure(args)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    rows = [(args.compare, before)] if before else []
    rows.append(("this branch", after))
    cmd = "python benchmarks/bench_kiosk_cost.py" + (
        f" --compare {args.compare}" if args.compare else ""
    )
    body = (
        f"Command: `{cmd}` ({date.today()}, Python {platform.python_version()}, bundled "
        f"venue, {args.sessions} sessions each, medians; 2 cores shared with other "
        f"developers: load average {load0} at the start, {load} at the end).\n\n" + table(rows)
    )
    print(body)
    if args.write:
        write_section("Kiosk session cost", body)


if __name__ == "__main__":
    main()
