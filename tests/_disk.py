"""Run the ``floorplan`` command with a real limit on how large a file it may write.

A full disk is simulated honestly: the child process gets ``RLIMIT_FSIZE``, so the
kernel refuses every write past the limit (``EFBIG``) exactly as a full disk refuses one
(``ENOSPC``): through the same system calls, in SQLite, GDAL and Python alike. Nothing
in floorplan is mocked.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_CHILD = """
import resource, signal, sys
from floorplan.cli import main
limit = int(sys.argv[1])
# Without this the kernel kills the process (SIGXFSZ) instead of failing the write.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
sys.exit(main(sys.argv[2:]))
"""


def run_with_file_limit(
    argv: list[str], limit_bytes: int, *, cwd: Path
) -> subprocess.CompletedProcess[str]:
    """Run ``floorplan ARGV`` in a child that may write no file beyond ``limit_bytes``."""
    return subprocess.run(
        [sys.executable, "-c", _CHILD, str(limit_bytes), *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
