"""Start Python children that race for something together, and collect what they print."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence


def race(code: str, args: Sequence[Sequence[str]], *, timeout_s: float = 60.0) -> list[str]:
    """Run ``python -c code`` once per entry of ``args``, released together; return stdouts.

    Each child should block on ``sys.stdin.readline()`` before the racing part: the
    parent writes to their stdin only once every child has started, so that they race
    rather than run one after another. Plain ``python -c`` children, because a spawned
    multiprocessing child would have to import the calling test module, which is not
    importable outside pytest (importlib mode, CI's non-editable install).

    Raises
    ------
    AssertionError
        When a child exits other than 0 (its stderr is shown by pytest).
    """
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, *argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for argv in args
    ]
    for p in procs:  # all started: let them go together
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = []
    for p in procs:
        out, _ = p.communicate(timeout=timeout_s)
        assert p.returncode == 0, f"a racing child exited {p.returncode}"
        outs.append(out)
    return outs
