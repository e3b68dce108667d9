"""The ``floorplan serve`` command: the kiosk, planner and staff pages on Panel's server.

The core never imports Panel: ``serve`` imports :mod:`floorplan.app.server` only when run.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from floorplan.cli._args import add_venue_arg, at_least
from floorplan.errors import OptionError
from floorplan.users import default_users_path

__all__ = ["add_parser", "run", "users_arg"]


def users_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--users FILE`` (the user file)."""
    parser.add_argument(
        "--users",
        metavar="FILE",
        type=Path,
        default=None,
        help=f"the user file (default: $FLOORPLAN_USERS or {default_users_path()})",
    )


# long: one add_argument per option of the command (its --help), nothing else.
def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``floorplan serve`` to ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the visitor kiosk (public) and the planner and staff pages (log-in)",
        description="Serve /kiosk (public, read-only), /planner and /staff (log-in with a "
        "role from the user file; see 'floorplan users add') with Panel's server, the "
        "phone page /m and the JSON API /api/v1 (public; see docs/api.md). "
        "The root URL leads to /kiosk. The cookie secret (or $FLOORPLAN_COOKIE_SECRET, "
        "32 bytes or more), the log-in sessions and the start cache (the validated venue and "
        "its router, so that a restart is quick) are kept beside the user file. "
        "docs/security.md says who may do what and how to serve over HTTPS. Kiosks show "
        "the layout store's published layout; SIGTERM or Ctrl-C stops the server cleanly "
        "(open pages are told and reload themselves when a server answers again; exit 0).",
    )
    add_venue_arg(p)
    p.add_argument("--port", type=int, default=5006, help="port to listen on (default 5006)")
    p.add_argument(
        "--address", metavar="ADDR", default=None, help="address to listen on (default: all)"
    )
    p.add_argument("--show", action="store_true", help="open the kiosk in a browser")
    p.add_argument(
        "--idle-s",
        type=float,
        default=90.0,
        metavar="SECONDS",
        help="kiosk returns to its home view after this long without input (default 90; 0: never)",
    )
    p.add_argument(
        "--public-url",
        default="",
        metavar="URL",
        help="scheme://host[:port] phones reach this server at, for the kiosks' QR codes "
        "(default: the host's LAN address, printed at start)",
    )
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let scripts on this origin (scheme://host[:port], or '*' for any) call the "
        "JSON API /api/v1 (repeatable; default: same origin only)",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="also accept pages opened at this host (repeatable)",
    )
    p.add_argument(
        "--store",
        metavar="FILE",
        type=Path,
        default=None,
        help="the layout store (.gpkg) planners save to and kiosks follow "
        "(default: $FLOORPLAN_STORE, else this venue's own store beside the user file)",
    )
    users_arg(p)
    p.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR[/BITS]",
        help="a reverse proxy (address or network) whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed (repeatable; default: none)",
    )
    p.add_argument(
        "--secure-cookies",
        action="store_true",
        help="mark log-in cookies Secure even on plain HTTP (behind a TLS proxy that is "
        "not a --trusted-proxy); over HTTPS they always are",
    )
    p.add_argument(
        "--kiosk-sessions-per-minute",
        type=float,
        default=12.0,
        metavar="N",
        help="new kiosk sessions one client address may open a minute, after a burst of 6 "
        "(default 12; 0: no limit)",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        metavar="N",
        help="worker processes answering on the port, sharing the venue loaded once "
        "(default 1; 0: one per core). Phones and kiosks of a large fair need more than "
        "one core; see docs/deploy.md",
    )
    p.set_defaults(handler=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Load the venue once and serve it until interrupted; return the exit code."""
    if not 0 < args.port < 65536:
        msg = f"--port must be 1-65535, not {args.port}"
        raise OptionError(msg)
    at_least("--idle-s", args.idle_s, 0)
    at_least("--kiosk-sessions-per-minute", args.kiosk_sessions_per_minute, 0)
    at_least("--processes", args.processes, 0)
    from floorplan.app.server import COOKIE_SECRET_ENV, serve  # noqa: PLC0415 - Panel here
    from floorplan.app.startcache import StartCache  # noqa: PLC0415

    # The validated venue and its router are kept beside the user file between starts.
    cache = StartCache.for_users(
        args.users or default_users_path(), secret=os.environ.get(COOKIE_SECRET_ENV)
    )
    t0 = time.perf_counter()
    venue = cache.load_venue(args.venue)
    how = "loaded from the start cache" if cache.venue_was_kept else "read and validated"
    print(f"floorplan: venue {how} in {time.perf_counter() - t0:.1f} s", flush=True)
    serve(
        venue,
        port=args.port,
        address=args.address,
        show=args.show,
        users_path=args.users,
        idle_s=args.idle_s,
        public_url=args.public_url,
        allow_origins=tuple(args.allow_origin),
        store_path=args.store,
        cors_origins=tuple(args.cors_origin),
        trusted_proxies=tuple(args.trusted_proxy),
        secure_cookies=args.secure_cookies,
        kiosk_sessions_per_minute=args.kiosk_sessions_per_minute,
        processes=args.processes,
        start_cache=cache,
    )
    return 0
