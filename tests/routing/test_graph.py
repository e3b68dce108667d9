"""Tests of floorplan.routing.graph at scale: halls of many round booths stay cheap and exact.

Issue 10: one round booth of 3,000 corners took 8.6 s and 1.6 GB to route. The format now
caps a booth at 256 coordinates, but the router's work was per *hall*: fifty booths of 64
corners cost 8 s and 2.1 GB, a hundred of 128 corners 106 s and 20 GB. Memory is
checked in a child process, under an address-space limit and by its peak resident size
(deterministic enough to assert, unlike time: times are measured by
``benchmarks/bench_routing.py``).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from floorplan.routing import Router
from floorplan.routing import visibility as V

from _round_booths import round_booths

TESTS = Path(__file__).resolve().parents[1]

#: The issue's bar for such a venue: routed within 500 MB (the whole process).
PEAK_MB = 500
#: The child's address space: a build that forms pairs of all corners cannot fit.
LIMIT_BYTES = 1 << 30

_CHILD = """
import json, resource, sys
import numpy as np
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[4]), int(sys.argv[4])))
def peak_mb():
    # VmHWM: this process image's peak resident size. (ru_maxrss would keep the parent's
    # peak across fork and exec, so a big parent would count against the child.)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from _round_booths import round_booths
from floorplan.routing import Router
venue = round_booths(int(sys.argv[1]), int(sys.argv[2]), doors=sys.argv[3] == "1")
before = peak_mb()
router = Router(venue)
far = "S-001" if sys.argv[3] == "1" else "R-040"
hog = np.ones(int(sys.argv[5]) << 17)  # megabytes more, to show the checks can fail
lengths = [
    router.route(a, b).length_m
    for a, b in [("K1", "R-010"), ("R-003", far), ("K1", far), ((3.0, 3.0), (43.0, 24.0))]
]
print(json.dumps({
    "before_mb": before,
    "peak_mb": peak_mb(),
    "nodes": router._graph.n,
    "lengths": lengths,
}))
"""


def run_child(n_booths: int, corners: int, *, doors: bool, hog_mb: int = 0) -> dict[str, object]:
    """Build and route in a fresh process limited to :data:`LIMIT_BYTES` of address space.

    ``hog_mb``: the child also fills that many megabytes, to show the checks can fail.
    """
    # One BLAS thread: thread arenas would count against the limit on a many-core machine.
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")])
    args = [str(n_booths), str(corners), "1" if doors else "0", str(LIMIT_BYTES), str(hog_mb)]
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, env=env, check=False
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("n_booths", "corners", "doors"), [(50, 64, False), (100, 128, True)], ids=["50x64", "100x128"]
)
def test_round_booth_halls_build_and_route_in_bounded_memory(n_booths, corners, doors):
    got = run_child(n_booths, corners, doors=doors)
    assert got["nodes"] >= n_booths * corners  # every corner of every booth is a node
    assert all(np.isfinite(got["lengths"]))
    assert got["peak_mb"] < PEAK_MB, got


@pytest.mark.slow
def test_the_memory_checks_can_fail():
    # Over the address-space limit: the child dies of a MemoryError.
    with pytest.raises(AssertionError, match="MemoryError"):
        run_child(50, 8, doors=False, hog_mb=1200)
    # Within the limit but over the bar on the peak resident size.
    got = run_child(50, 8, doors=False, hog_mb=450)
    assert got["peak_mb"] > PEAK_MB


def _exhaustive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        V, "build_hall_graph", functools.partial(V.build_hall_graph, exhaustive=True)
    )
    monkeypatch.setattr(V, "tangent_reaches", lambda xy, *_: np.ones(len(xy), dtype=bool))


@pytest.mark.slow
def test_routes_through_fifty_round_booths_equal_the_exhaustive_graphs(monkeypatch):
    venue = round_booths(50, 64, doors=True)
    fast = Router(venue)
    # Fifty booths of 64 corners: their last legs are left to the first query.
    assert not any(k.startswith("R-") for k in fast._ends.ends)
    _exhaustive(monkeypatch)
    slow = Router(venue)
    for acc in (False, True):
        assert (fast._graph.csr[acc] != slow._graph.csr[acc]).nnz == 0
    rng = np.random.default_rng(7)
    places = ["K1", *(str(b) for b in venue.booths.booth_id)]
    pairs = [tuple(rng.choice(places, 2, replace=False)) for _ in range(6)]
    pairs += [((3.0, 3.0), "S-002"), ("R-017", (43.0, 24.0))]
    for a, b in pairs:
        for acc in (False, True):
            want = slow.route(a, b, accessible=acc)
            got = fast.route(a, b, accessible=acc)
            assert got.length_m == pytest.approx(want.length_m, abs=1e-9)
            assert np.allclose(got.coords, want.coords, atol=1e-9)
    stops = [str(s) for s in rng.choice(places[1:], 4, replace=False)]
    assert fast.tour("K1", stops).length_m == pytest.approx(slow.tour("K1", stops).length_m)
