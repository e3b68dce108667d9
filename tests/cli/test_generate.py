"""``floorplan generate``: exactly the booths asked for."""

from __future__ import annotations

from pathlib import Path

import pyogrio

from floorplan.cli import main


def test_generate_writes_exactly_the_booths_asked(tmp_path: Path) -> None:
    # 5000 booths used to give 5,050: 5000 exhibitors plus one unsold booth per 100.
    out = tmp_path / "big.gpkg"
    assert main(["generate", str(out), "--booths", "5000", "--seed", "3"]) == 0
    booths = pyogrio.read_dataframe(out, layer="booths", read_geometry=False)
    assert len(booths) == 5000
    let = booths["exhibitor"].fillna("") != ""
    assert 0 < (~let).sum() < 5000 // 90  # some unsold, about one in a hundred


def test_generate_small_counts_are_exact(tmp_path: Path) -> None:
    for n in (1, 61, 122):
        out = tmp_path / f"v{n}.gpkg"
        assert main(["generate", str(out), "--booths", str(n), "--halls", "1"]) == 0
        assert len(pyogrio.read_dataframe(out, layer="booths", read_geometry=False)) == n
