"""A planner's Save on a full disk shows that it failed (issue 10, finding 9).

The disk is "full" for a child process whose files may not grow (``RLIMIT_FSIZE``: a
write past the limit fails with EFBIG, as on a full disk; Python ignores SIGXFSZ). The
child builds the real planner page in a Bokeh document, saves once (it fits), then
saves again past the limit the way the Save button does, and reports what the page's
message says.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = r"""
import json, resource, sys
from pathlib import Path
import panel as pn
from bokeh.document import Document
from panel.io.state import set_curdoc
sys.path.insert(0, sys.argv[2])
from _browser import kiosk_venue
from floorplan.app.context import VenueContext
from floorplan.app.planner import PlannerPage
from floorplan.io.store import LayoutStore

store = LayoutStore(Path(sys.argv[1]))
ctx = VenueContext(kiosk_venue(), store=store)
out = {}
with set_curdoc(Document()):
    page = PlannerPage(ctx, author="pat")
    s = page.state

    def save(message):
        page.save_msg.value = message
        try:
            page.save_btn.clicks += 1  # what a click does
        except Exception as exc:  # Panel logs a callback's error; the page stays as it is
            out.setdefault("raised", []).append(type(exc).__name__)
        return page.message.object

    s.select(["A-101"])
    s.move_selected(2.0, 0.0)
    out["first"] = save("fits")
    size = store.path.stat().st_size
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))  # the disk is now full
    s.select(["A-102"])
    s.move_selected(0.0, 3.0)
    out["second"] = save("does not fit")
    out["unsaved"] = s.unsaved
    out["versions"] = [v.version for v in store.versions()]
print(json.dumps(out))
"""


@pytest.mark.slow
def test_save_on_a_full_disk_shows_failed(tmp_path: Path) -> None:
    tests = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "layouts.gpkg"), str(tests)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert "saved version 2" in out["first"]
    assert "saved version" not in out["second"], out
    assert "class='err'" in out["second"], out
    assert out["unsaved"] > 0  # the edits are still open, to save elsewhere or later
    assert out["versions"] == [1, 2]
    assert "raised" not in out, out
