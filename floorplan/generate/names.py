"""Chinese names of the generated halls, and the names of the floor they stand on.

The plan (:mod:`~floorplan.generate.plan`) names halls in English ("East Hall 2",
"Concourse (complex 3)"); this module gives each its Chinese name (东2馆, 3区中央廊道) the
way Chinese exhibition centres sign their halls, so that the plan stays one language.
"""

from __future__ import annotations

import re
from typing import Any, Final

import geopandas as gpd

from floorplan.schema import Col

__all__ = ["LEVELS", "hall_name_zh", "name_halls"]

#: venue.json's ``levels`` of a generated venue: every hall stands on the ground floor.
LEVELS: Final[tuple[dict[str, Any], ...]] = (
    {"level": 0, "name": "Ground floor", "name_zh": "首层"},
)

_HALL = re.compile(r"(East|West) Hall (\d+)(?: \(complex (\d+)\))?")
_CONCOURSE = re.compile(r"Concourse(?: \(complex (\d+)\))?")
_SIDE_ZH: Final = {"East": "东", "West": "西"}


def hall_name_zh(name: str) -> str:
    """Return the Chinese name of a generated hall's English ``name`` (``""``: not one).

    >>> hall_name_zh("East Hall 2"), hall_name_zh("West Hall 1 (complex 3)")
    ('东2馆', '3区西1馆')
    >>> hall_name_zh("Concourse"), hall_name_zh("Concourse (complex 2)"), hall_name_zh("Annex")
    ('中央廊道', '2区中央廊道', '')
    """
    if m := _HALL.fullmatch(name):
        side, number, complex_ = m.groups()
        return f"{complex_ + '区' if complex_ else ''}{_SIDE_ZH[side]}{number}馆"
    if m := _CONCOURSE.fullmatch(name):
        return f"{m.group(1) + '区' if m.group(1) else ''}中央廊道"
    return ""


def name_halls(halls: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the halls layer with ``name_zh`` beside ``name``."""
    out = halls.copy()
    out.insert(
        out.columns.get_loc(Col.NAME) + 1,
        Col.NAME_ZH,
        [hall_name_zh(str(n)) for n in out[Col.NAME]],
    )
    return out
