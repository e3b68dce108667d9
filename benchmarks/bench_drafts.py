"""Time the planner's draft autosave against the edit it follows, on the bundled venue.

After every edit the planner writes the editor's whole undo history as the user's draft
(JSON text in one SQLite transaction of the layout store). This measures that write at
history depths 1, 10, 100 and 500 (the most kept before a draft is squashed) beside the
edit itself (edit and live check, the planner's rules), as a ratio; and the restore
(load the version, replay the history) beside opening the version alone.

Run: python benchmarks/bench_drafts.py [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from floorplan.generate import generate_venue
from floorplan.io.store import LayoutStore
from floorplan.layout import LayoutEditor, LayoutRules
from floorplan.layout.drafts import history_from_json, history_to_json

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

LINES: list[str] = []
DEPTHS = (1, 10, 100, 500)


def say(line: str) -> None:
    print(line, flush=True)
    LINES.append(f"- {line}")


def main() -> None:
    venue = generate_venue()
    rules = LayoutRules(check_travel=True)  # the planner page's rules
    with tempfile.TemporaryDirectory() as tmp:
        store = LayoutStore(Path(tmp) / "layouts.gpkg")
        base = store.save(venue, message="bench")
        opened = store.load(base)
        editor = LayoutEditor(opened, rules=rules)
        ids = list(opened.booths["booth_id"])
        say(f"bundled venue: {len(ids)} booths; travel rule on")
        edits, saves, sizes = [], {}, {}
        for k in range(max(DEPTHS)):
            t = time.perf_counter()
            editor.move(ids[(7 * k) % len(ids)], dx_m=0.5 if k % 2 else -0.5, dy_m=0.0)
            edits.append(time.perf_counter() - t)
            if k + 1 in DEPTHS:
                runs = []
                for _ in range(5):
                    t = time.perf_counter()
                    text = history_to_json(editor)[0]
                    store.save_draft("bench", base=base, origin=base, edits=k + 1, text=text)
                    runs.append(time.perf_counter() - t)
                saves[k + 1], sizes[k + 1] = statistics.median(runs), len(text.encode())
        edit_s = statistics.median(edits)
        say(f"move edit+check median {edit_s * 1e3:.1f} ms (the peer)")
        for depth in DEPTHS:
            say(
                f"autosave after {depth:>3} edits: {saves[depth] * 1e3:6.1f} ms, "
                f"{sizes[depth] / 1024:7.1f} KiB ({saves[depth] / edit_s:.2f} × the edit)"
            )
        t = time.perf_counter()
        LayoutEditor(store.load(base), rules=rules)
        open_s = time.perf_counter() - t
        t = time.perf_counter()
        _, text = store.load_draft("bench", base) or (None, "")
        history = history_from_json(text)
        restored = LayoutEditor(store.load(base), rules=rules)
        restored.replay(history.undo, history.redo)
        restore_s = time.perf_counter() - t
        say(
            f"restore of {max(DEPTHS)} edits: {restore_s * 1e3:.0f} ms; opening the version "
            f"alone {open_s * 1e3:.0f} ms ({restore_s / open_s:.2f} ×)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    opts = parser.parse_args()
    main()
    if not opts.no_write:
        head = (
            f"Command: `python benchmarks/bench_drafts.py` ({date.today().isoformat()}, "
            f"Python {platform.python_version()}, 2 cores). Each autosave writes the whole "
            "undo history as JSON in one SQLite transaction (synchronous=FULL); median of 5."
        )
        write_section("Planner drafts (autosave)", head + "\n\n" + "\n".join(LINES))
