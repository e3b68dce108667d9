"""Run floorplan from the command line; map every failure to one exit code in one place.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args)``;
``run`` returns the exit code of a finished command and *raises* on failure, and
:func:`main` alone turns exceptions into a message on stderr and an exit code:

===  =====================================================================
 0   done
 1   the input was read but breaks rules, or the request cannot be met
     (no route, a stale base, an existing target without ``--force``)
 2   the input cannot be read, or an option's value is wrong
 3   something went wrong that is floorplan's fault, not the input's
===  =====================================================================

This package imports nothing heavy: each command imports what it needs when run, so
``floorplan --help`` starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from enum import IntEnum

from floorplan.cli import (
    capacity,
    convert,
    export_,
    generate,
    import_,
    layouts,
    print_,
    route,
    serve,
    users,
    validate,
)
from floorplan.errors import (
    CountError,
    DrawingError,
    ExhibitorListError,
    FloorplanError,
    OptionError,
    PlaceError,
    ProfileError,
    StoreError,
    UserError,
    VenueReadError,
    WriteError,
)

__all__ = ["ExitCode", "build_parser", "exit_code", "main"]


class ExitCode(IntEnum):
    """What a ``floorplan`` command's exit status means."""

    OK = 0
    PROBLEMS = 1
    UNREADABLE = 2
    INTERNAL = 3
    INTERRUPTED = 130


#: Exceptions and their exit codes, most specific first (the first match wins).
_EXIT_CODES: tuple[tuple[type[BaseException], ExitCode], ...] = (
    (VenueReadError, ExitCode.UNREADABLE),
    (OptionError, ExitCode.UNREADABLE),
    (PlaceError, ExitCode.UNREADABLE),
    (ProfileError, ExitCode.UNREADABLE),
    (CountError, ExitCode.UNREADABLE),
    (StoreError, ExitCode.UNREADABLE),
    (UserError, ExitCode.UNREADABLE),
    (DrawingError, ExitCode.UNREADABLE),
    (ExhibitorListError, ExitCode.UNREADABLE),
    # Nothing was written (a full disk, no permission): the request cannot be met.
    (WriteError, ExitCode.PROBLEMS),
    (FloorplanError, ExitCode.PROBLEMS),
    # Input that cannot be read raises one of the errors above; a bare OSError comes from
    # writing (an existing target, a folder where a file must go).
    (OSError, ExitCode.PROBLEMS),
)

#: The commands, in the order ``--help`` lists them.
_COMMANDS = (
    validate,
    convert,
    import_,
    export_,
    generate,
    route,
    capacity,
    print_,
    layouts,
    serve,
    users,
)


def exit_code(exc: BaseException) -> ExitCode:
    """Return the exit code for an exception (:attr:`ExitCode.INTERNAL` if unexpected).

    >>> from floorplan.errors import NoRouteError, VenueReadError
    >>> exit_code(VenueReadError("x")), exit_code(NoRouteError("y")), exit_code(KeyError())
    (<ExitCode.UNREADABLE: 2>, <ExitCode.PROBLEMS: 1>, <ExitCode.INTERNAL: 3>)
    """
    for kind, code in _EXIT_CODES:
        if isinstance(exc, kind):
            return code
    return ExitCode.INTERNAL


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``floorplan`` command."""
    parser = argparse.ArgumentParser(
        prog="floorplan",
        description="Exhibition floor plans: validate and convert venues, find routes, "
        "estimate capacity, keep layout versions, serve the kiosk, planner and staff pages.",
        epilog="Exit status: 0 done; 1 rules broken or the request cannot be met; "
        "2 unreadable input or a bad option; 3 internal error.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in _COMMANDS:
        command.add_parser(sub)
    return parser


def _label(args: argparse.Namespace) -> str:
    action = getattr(args, "action", None)
    return f"floorplan {args.command}" + (f" {action}" if action else "")


def _hint(exc: BaseException, args: argparse.Namespace) -> str:
    """Return what the user can do about ``exc`` with this command's own options."""
    if isinstance(exc, FileExistsError) and hasattr(args, "force"):
        return "; pass --force to replace it"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code (never raise, never a traceback)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`floorplan capacity --json | head`): say nothing more.
        # Point stdout at /dev/null so that the interpreter's own flush at exit is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except Exception as exc:
        code = exit_code(exc)
        if code is ExitCode.INTERNAL:
            if os.environ.get("FLOORPLAN_DEBUG"):
                traceback.print_exc()
            print(
                f"{_label(args)}: internal error: {type(exc).__name__}: {exc} "
                "(set FLOORPLAN_DEBUG=1 to see where)",
                file=sys.stderr,
            )
        else:
            print(f"{_label(args)}: {exc}{_hint(exc, args)}", file=sys.stderr)
        return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
