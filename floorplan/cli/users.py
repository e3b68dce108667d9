"""The ``floorplan users`` command: who may log in to /planner and /staff."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from floorplan.cli.serve import users_arg
from floorplan.errors import UserError
from floorplan.users import (
    MIN_PASSWORD_CHARS,
    Role,
    add_user,
    default_users_path,
    read_user_file,
    remove_user,
)

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``floorplan users add|remove|list`` to ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "users",
        help="manage who may log in to /planner and /staff",
        description="Manage the user file. Passwords are stored as salted scrypt hashes.",
    )
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    a = sub.add_parser(
        "add",
        help="add a user or change their role and password",
        description=f"Add a user, or change their role and password. A password needs at "
        f"least {MIN_PASSWORD_CHARS} characters (a passphrase of three or four words), five "
        "different ones, and not the user name.",
    )
    a.add_argument("name", metavar="NAME")
    a.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help="what the user may open"
    )
    a.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin instead of prompting",
    )
    users_arg(a)
    r = sub.add_parser("remove", help="remove a user")
    r.add_argument("name", metavar="NAME")
    users_arg(r)
    ls = sub.add_parser(
        "list",
        help="list users and roles",
        description="List users and roles; entries that cannot log in (an unknown role, a "
        "damaged hash) are listed on stderr, and the exit status is then 1.",
    )
    users_arg(ls)
    p.set_defaults(handler=run)
    return p


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        msg = "the two passwords differ"
        raise UserError(msg)
    return first


def run(args: argparse.Namespace) -> int:
    """Add, remove or list users; return the exit code."""
    path = args.users or default_users_path()
    if args.action == "add":
        user = add_user(path, args.name, role=args.role, password=_read_password(args))
        print(f"user {user.name!r} ({user.role.value}) saved in {path}")
    elif args.action == "remove":
        remove_user(path, args.name)
        print(f"user {args.name!r} removed from {path}")
    else:
        found = read_user_file(path)
        for user in sorted(found.users.values(), key=lambda u: u.name):
            print(f"{user.name}\t{user.role.value}")
        for name, why in sorted(found.broken.items()):
            print(
                f"user {name!r} cannot log in: {why}; mend it with "
                f"'floorplan users add {name} --role ROLE' (or remove it)",
                file=sys.stderr,
            )
        return 1 if found.broken else 0
    return 0
