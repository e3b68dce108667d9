"""``floorplan capacity``: a reader that stops early (``| head``) gets no error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

EXE = shutil.which("floorplan") or str(Path(sys.executable).with_name("floorplan"))
#: Linux's pipe buffer: output longer than this cannot all be written once head has gone.
_PIPE_BYTES = 65_536


def test_capacity_json_into_head_exits_quietly(tmp_path: Path) -> None:
    # A generated ground of 17 halls: its report is longer than two pipe buffers (the
    # bundled venue's, its halls within every limit, no longer is).
    venue = tmp_path / "big"
    subprocess.run([EXE, "generate", str(venue), "--booths", "1200"], check=True, timeout=300)
    argv = [EXE, "capacity", "--venue", str(venue), "--json", "--walk-samples", "0"]
    whole = subprocess.run(argv, cwd=tmp_path, capture_output=True, check=True, timeout=300)
    assert len(whole.stdout) > 2 * _PIPE_BYTES  # so the pipe below really breaks
    head = subprocess.Popen(  # a real pipe into a real head, as a shell would make it
        ["head", "-n", "2"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    done = subprocess.run(
        argv, cwd=tmp_path, stdout=head.stdin, stderr=subprocess.PIPE, check=False, timeout=300
    )
    assert head.stdin is not None
    assert head.stdout is not None
    head.stdin.close()
    assert head.stdout.read().decode().startswith("{")
    assert head.wait(timeout=60) == 0
    assert done.returncode == 0
    assert done.stderr == b""
