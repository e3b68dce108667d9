"""What the benchmarks share: RESULTS.md sections and runs against an older revision.

:func:`write_section` writes one section of benchmarks/RESULTS.md, leaving the others as
they are; :func:`worktree` and :func:`measure_at` give ``--compare REV`` its revision.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = "# Benchmark results\n\nEach section says the command that produced it and when.\n"


def write_section(title: str, body: str) -> None:
    """Replace (or append) the ``## title`` section of RESULTS.md with ``body``."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else HEADER
    section = f"## {title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    tmp = RESULTS.with_suffix(".md.tmp")
    tmp.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    tmp.replace(RESULTS)


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """Check git revision ``rev`` out in a temporary worktree; remove it afterwards."""
    git = ["git", "-C", str(ROOT), "worktree"]
    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run([*git, "add", "-q", "--detach", str(old), rev], check=True)
        try:
            yield old
        finally:
            subprocess.run([*git, "remove", "--force", str(old)], check=True)


def measure_at(rev: str, script: str, argv: list[str]) -> dict[str, Any]:
    """Run benchmark ``script`` with revision ``rev``'s floorplan; return what it measured.

    The script (this checkout's harness) runs in a fresh process with ``rev``'s worktree
    first on ``PYTHONPATH`` and ``argv`` plus ``--json-out FILE``; its JSON is returned.
    """
    with worktree(rev) as old:
        out = old.parent / "old.json"
        cmd = [sys.executable, script, *argv, "--json-out", str(out)]
        env = {**os.environ, "PYTHONPATH": str(old)}
        subprocess.run(cmd, check=True, env=env, cwd=old.parent)
        return dict(json.loads(out.read_text()))
