"""Add the ``serve`` and ``users`` subcommands to the ``floorplan`` command line.

The core never imports Panel: ``serve`` imports :mod:`floorplan.app.server` only when run.
``python -m floorplan._cli_serve serve ...`` runs the same parser on its own.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from floorplan._cli_args import add_venue_arg
from floorplan.errors import FloorplanError
from floorplan.users import Role, add_user, default_users_path, load_users, remove_user

__all__ = ["add_serve_parser", "add_users_parser", "main", "register", "run_serve", "run_users"]


def _users_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--users",
        metavar="FILE",
        type=Path,
        default=None,
        help=f"the user file (default: $FLOORPLAN_USERS or {default_users_path()})",
    )


def add_serve_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``floorplan serve`` to ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="serve the visitor kiosk (public) and the planner and staff pages (log-in)",
        description="Serve /kiosk (public, read-only), /planner and /staff (log-in with a "
        "role from the user file; see 'floorplan users add') with Panel's server. "
        "The root URL leads to /kiosk.",
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
        help="scheme://host[:port] phones reach this server at, for QR codes",
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
        "(default: $FLOORPLAN_STORE, else layouts.gpkg beside the user file)",
    )
    _users_arg(p)
    p.set_defaults(handler=run_serve)
    return p


def run_serve(args: argparse.Namespace) -> int:
    """Load the venue once and serve it until interrupted; return the exit code."""
    from floorplan.app.server import serve  # noqa: PLC0415 - Panel only when serving
    from floorplan.venue import load_venue  # noqa: PLC0415

    if not 0 < args.port < 65536:
        print(f"floorplan serve: --port must be 1-65535, got {args.port}", file=sys.stderr)
        return 2
    if args.idle_s < 0:
        print(f"floorplan serve: --idle-s must be >= 0, got {args.idle_s}", file=sys.stderr)
        return 2
    venue = load_venue(args.venue)
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
    )
    return 0


def add_users_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``floorplan users add|remove|list`` to ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "users",
        help="manage who may log in to /planner and /staff",
        description="Manage the user file. Passwords are stored as salted scrypt hashes.",
    )
    sub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    a = sub.add_parser("add", help="add a user or change their role and password")
    a.add_argument("name", metavar="NAME")
    a.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help="what the user may open"
    )
    a.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
    _users_arg(a)
    r = sub.add_parser("remove", help="remove a user")
    r.add_argument("name", metavar="NAME")
    _users_arg(r)
    ls = sub.add_parser("list", help="list users and roles")
    _users_arg(ls)
    p.set_defaults(handler=run_users)
    return p


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        msg = "the two passwords differ"
        raise FloorplanError(msg)
    return first


def run_users(args: argparse.Namespace) -> int:
    """Add, remove or list users; return the exit code."""
    path = args.users or default_users_path()
    if args.users_command == "add":
        user = add_user(path, args.name, role=args.role, password=_read_password(args))
        print(f"user {user.name!r} ({user.role.value}) saved in {path}")
    elif args.users_command == "remove":
        remove_user(path, args.name)
        print(f"user {args.name!r} removed from {path}")
    else:
        for user in sorted(load_users(path).values(), key=lambda u: u.name):
            print(f"{user.name}\t{user.role.value}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add both ``serve`` and ``users`` (the shape of ``floorplan._cli_extra.REGISTER``)."""
    add_serve_parser(subparsers)
    add_users_parser(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``serve`` or ``users`` alone; errors are one line on stderr, never a traceback."""
    parser = argparse.ArgumentParser(prog="floorplan")
    register(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except FloorplanError as exc:
        print(f"floorplan {args.command}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"floorplan {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
