"""Run extremitypathfinder (the exact anchor) on geometry from a JSON file; print JSON.

Runs under its own Python >= 3.12 virtual environment (extremitypathfinder 2.8 needs it
and its numpy clashes with geopandas), never the project's interpreter:

    $(pyenv root)/versions/3.12.1/bin/python -m venv /root/anchorenv
    /root/anchorenv/bin/pip install extremitypathfinder==2.8.0
    /root/anchorenv/bin/python benchmarks/anchor_extremity.py IN.json OUT.json

IN.json: {"boundary": [[x, y], ...] (anticlockwise), "holes": [[[x, y], ...] (clockwise)],
"pairs": [[[x, y], [x, y]], ...]}. OUT.json: build_s, query_s (per pair), lengths.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from extremitypathfinder import PolygonEnvironment


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    data = json.loads(Path(src).read_text(encoding="utf-8"))
    env = PolygonEnvironment()
    t = time.perf_counter()
    env.store(data["boundary"], data["holes"], validate=False)
    env.prepare()
    build_s = time.perf_counter() - t
    times, lengths = [], []
    for a, b in data["pairs"]:
        t = time.perf_counter()
        _, length = env.find_shortest_path(tuple(a), tuple(b))
        times.append(time.perf_counter() - t)
        lengths.append(length if length is not None else None)
    result = {"build_s": build_s, "query_s": times, "lengths": lengths}
    Path(out).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main()
