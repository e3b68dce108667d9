"""Make synthetic venues of any size with the generator of the bundled Chain Expo venue."""

from __future__ import annotations

from floorplan.generate.build import BUNDLED_BOOTHS, BUNDLED_SEED, CRS, generate_venue

__all__ = ["BUNDLED_BOOTHS", "BUNDLED_SEED", "CRS", "generate_venue"]
