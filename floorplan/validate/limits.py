"""Name the bounds the venue format puts on input, so that work on a venue stays bounded.

Every limit here is a rule of the format (``docs/venue-format.md`` states each one and
why): far beyond what a real venue needs, yet low enough that no single feature can make
reading, validating or routing take minutes or gigabytes. The readers and the validator
refuse what exceeds them with a problem naming the file, layer, id and rule; nothing is
simplified, cut or dropped on the way in (simplifying a curve within a tolerance is an
importer's job, done knowingly, not the reader's).

>>> MAX_VERTICES["booths"], MAX_COORDINATE_M
(256, 100000000.0)
"""

from __future__ import annotations

from typing import Final

from floorplan import schema as S

__all__ = [
    "INT_RANGE",
    "MAX_COORDINATE_M",
    "MAX_HEADING_DEG",
    "MAX_ID_CHARS",
    "MAX_PROPERTY_DEPTH",
    "MAX_VERTICES",
    "MAX_WIDTH_M",
]

#: Most coordinates (counting each ring's closing point) one feature may have, by layer.
#:
#: The router walks around every corner of a round booth, and the last legs onto a booth
#: cost its corners times its sides. Measured on this project's 2-core machine (one round
#: booth in a 200 m hall, building the router, peak memory of the process), before the
#: router paired corners by their normal cones: 256 corners 0.2 s and 170 MB; 1,000
#: corners 1.3 s and 360 MB; 3,000 corners 7.9 s and 1.9 GB; issue 10 measured 86 s and
#: 20 GB for 12,000. Now 3,000 corners build in 0.2 s, but the first route to that booth
#: takes over a second. Booths and obstacles are boxes,
#: L-shapes and polygons of a few dozen corners; a circle drawn with 255 segments departs
#: from the true circle by under 0.01 % of its radius (under 1 mm at 12 m). A hall
#: outline with curved façades rarely needs 200; a door is a segment, or a few along a
#: curved wall. Points have one coordinate by type. This bounds one feature, not a hall:
#: many round booths in one hall add up, in the hall's corners times its booths (see
#: docs/venue-format.md).
MAX_VERTICES: Final[dict[str, int]] = {
    S.HALLS: 1024,
    S.BOOTHS: 256,
    S.OBSTACLES: 256,
    S.OPENINGS: 32,
}

#: Largest absolute coordinate, in metres of the venue's projected CRS (100,000 km).
#: Every projected CRS keeps Earth within about ±2e7 m; beyond 1e8 a coordinate is a
#: typing error, and squared lengths of 1e300-sized ones overflow to infinity.
MAX_COORDINATE_M: Final = 1e8

#: Longest id, in characters. Ids are labels on a map and keys in URLs (``W2-C05``).
MAX_ID_CHARS: Final = 128

#: Integer properties (``level``, ``open_sides``) must fit in a 32-bit signed integer.
INT_RANGE: Final = (-(2**31), 2**31 - 1)

#: Widest door, in metres (``width_m``): no opening in a hall wall is a kilometre wide.
MAX_WIDTH_M: Final = 1000.0

#: ``heading_deg`` lies within ±360 degrees.
MAX_HEADING_DEG: Final = 360.0

#: Deepest nesting of a property value that holds JSON arrays or objects (kept as text).
MAX_PROPERTY_DEPTH: Final = 16
