"""Regenerate the bundled Chain Expo venue in halls/chain-expo/ (a GeoJSON folder).

Run from the repository root after changing floorplan/generate/:

    python halls/make_chain_expo.py

The venue is validated before anything is written; the write is atomic.
"""

from __future__ import annotations

import sys
from pathlib import Path

from floorplan.generate import generate_venue
from floorplan.io import write_venue
from floorplan.validate import validate

OUT = Path(__file__).resolve().parent / "chain-expo"


def main() -> int:
    venue = generate_venue()
    problems = validate(venue)
    if problems:
        for p in problems[:20]:
            print(p, file=sys.stderr)
        print(f"generated venue breaks {len(problems)} rules; nothing written", file=sys.stderr)
        return 1
    write_venue(venue, OUT, overwrite=True)
    (OUT / ".keep").unlink(missing_ok=True)
    print(f"wrote {OUT}: {venue!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
