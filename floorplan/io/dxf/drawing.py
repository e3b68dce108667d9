"""Open a DXF drawing with ezdxf, refuse what cannot be read, and tell its units and layers.

A DWG file, a file that is not DXF, a truncated or corrupt DXF and an empty model space
each get a :class:`~floorplan.errors.DrawingError` whose message names the file and says
what to do. Binary DXF is read like ASCII DXF (ezdxf reads both).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from floorplan.errors import DrawingError
from floorplan.schema import parse_option

if TYPE_CHECKING:
    from ezdxf.document import Drawing

    from floorplan.io.dxf.layermap import LayerMap

__all__ = [
    "METRES_PER_UNIT",
    "LayerInfo",
    "Units",
    "drawing_units",
    "list_layers",
    "open_drawing",
    "parse_units",
]

BINARY_SENTINEL: Final = b"AutoCAD Binary DXF\r\n\x1a\x00"
#: DWG files start with their version, ``AC1012`` (R13) to ``AC1032`` (2018+).
_DWG_MAGIC: Final = re.compile(rb"^AC10[0-3]\d")
_DWG_HELP: Final = (
    "DWG is Autodesk's closed format and cannot be read here; in the CAD program use "
    "Save As / Export → DXF (any version), or open it in LibreCAD (Debian package "
    "'librecad', free) and save it as DXF, then import the .dxf"
)


class Units(StrEnum):
    """Drawing units: ``auto`` reads ``$INSUNITS`` (millimetres when it says nothing)."""

    AUTO = "auto"
    MM = "mm"
    CM = "cm"
    M = "m"
    IN = "in"
    FT = "ft"


METRES_PER_UNIT: Final[dict[Units, float]] = {
    Units.MM: 0.001,
    Units.CM: 0.01,
    Units.M: 1.0,
    Units.IN: 0.0254,
    Units.FT: 0.3048,
}
#: ``$INSUNITS`` codes of the units above (DXF reference, HEADER section).
_INSUNITS: Final[dict[int, Units]] = {
    1: Units.IN,
    2: Units.FT,
    4: Units.MM,
    5: Units.CM,
    6: Units.M,
}
_INSUNITS_OF: Final = {v: k for k, v in _INSUNITS.items()}


def parse_units(value: str | Units) -> Units:
    """Return ``value`` as :class:`Units` or refuse it listing the valid ones."""
    return parse_option(Units, value, what="units")


def insunits_code(units: Units) -> int:
    """Return the ``$INSUNITS`` code of ``units`` (not ``auto``)."""
    return _INSUNITS_OF[units]


@contextlib.contextmanager
def _as_file(source: str | Path | bytes, name: str) -> Iterator[Path]:
    if not isinstance(source, bytes):
        yield Path(source)
        return
    fd, tmp = tempfile.mkstemp(suffix=Path(name).suffix or ".dxf")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(source)
        yield Path(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def open_drawing(source: str | Path | bytes, *, name: str | None = None) -> Drawing:
    """Read a DXF drawing (ASCII or binary) from a path or from its bytes.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload).
    name
        What to call the drawing in messages (default: the path, or ``drawing.dxf``).

    Raises
    ------
    DrawingError
        When the file does not exist, is a DWG, is not DXF, is truncated or corrupt, or
        has nothing in model space.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "drawing.dxf")
    with _as_file(source, label) as path:
        head, tail = _ends(path, label)
        if _DWG_MAGIC.match(head) or label.lower().endswith(".dwg"):
            msg = f"{label}: this is a DWG file. {_DWG_HELP}"
            raise DrawingError(msg)
        _check_complete(head, tail, label)
        doc = _read(path, label)
    msp = doc.modelspace()
    if len(msp) == 0:
        paper = sum(len(layout) for layout in doc.layouts if not layout.is_modelspace)
        where = (
            f"; its {paper} entities are on paper-space layouts — draw or copy the plan "
            "into model space"
            if paper
            else ""
        )
        msg = f"{label}: the drawing's model space is empty{where}"
        raise DrawingError(msg)
    return doc


def _ends(path: Path, label: str) -> tuple[bytes, bytes]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(64)
            fh.seek(max(0, size - 64))
            tail = fh.read()
    except FileNotFoundError:
        msg = f"{label}: no such file"
        raise DrawingError(msg) from None
    except OSError as exc:
        msg = f"{label}: cannot be read: {exc.strerror or exc}"
        raise DrawingError(msg) from None
    return head, tail


def _check_complete(head: bytes, tail: bytes, label: str) -> None:
    if not head.strip():
        msg = f"{label}: the file is empty"
        raise DrawingError(msg)
    if head.startswith(BINARY_SENTINEL):
        complete = tail.rstrip(b"\x00").endswith(b"EOF")
    else:
        # An ASCII DXF ends with the group "0 / EOF"; anything else was cut off.
        complete = tail.rstrip().endswith(b"EOF")
        if not _looks_like_ascii_dxf(head):
            msg = (
                f"{label}: not a DXF file (a DXF starts with '0 SECTION'); "
                "export the drawing as DXF from the CAD program"
            )
            raise DrawingError(msg)
    if not complete:
        msg = (
            f"{label}: the DXF is truncated (it does not end with the EOF marker); "
            "copy or export the file again"
        )
        raise DrawingError(msg)


def _looks_like_ascii_dxf(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    lines = text.splitlines()
    return len(lines) >= 2 and lines[0].strip() in (b"0", b"999") and bool(lines[1].strip())


def _read(path: Path, label: str) -> Drawing:
    import ezdxf  # noqa: PLC0415 - a heavy import, only when a drawing is read

    try:
        return ezdxf.readfile(path)
    # A corrupt file makes ezdxf's parser fail in many ways (structure errors, but also
    # ValueError, KeyError, StopIteration deep inside); each means "cannot be read".
    except Exception as exc:
        why = str(exc).strip() or type(exc).__name__
        msg = f"{label}: the DXF is corrupt and cannot be read ({why})"
        raise DrawingError(msg) from None


def drawing_units(doc: Drawing, override: Units | str = Units.AUTO) -> tuple[Units, str]:
    """Return the drawing's units and how they were chosen (for the report).

    Raises
    ------
    DrawingError
        When ``$INSUNITS`` names units floorplan does not take and none are given.
    """
    units = parse_units(override)
    if units is not Units.AUTO:
        return units, f"--units {units.value}"
    code = int(doc.header.get("$INSUNITS", 0) or 0)
    if code == 0:
        return Units.MM, "no $INSUNITS; assumed millimetres, as architectural drawings are"
    found = _INSUNITS.get(code)
    if found is None:
        valid = ", ".join(u.value for u in Units if u is not Units.AUTO)
        msg = f"$INSUNITS is {code}, which floorplan does not take; pass --units ({valid})"
        raise DrawingError(msg)
    return found, f"$INSUNITS {code} ({found.value})"


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a drawing: its role under a map and what model space holds on it."""

    name: str
    role: str
    rule_source: str
    counts: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return the number of model-space entities on the layer."""
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON has it."""
        return {
            "layer": self.name,
            "role": self.role,
            "rule": self.rule_source,
            "entities": dict(self.counts),
            "blocks": dict(self.blocks),
        }


def list_layers(doc: Drawing, layer_map: LayerMap) -> list[LayerInfo]:
    """Return every layer of the drawing with model-space entity counts by type.

    Layers in the layer table with nothing on them are listed too (with no counts);
    block references are counted by block name as well.
    """
    counts: dict[str, Counter[str]] = {}
    blocks: dict[str, Counter[str]] = {}
    for entity in doc.modelspace():
        layer = entity.dxf.layer
        counts.setdefault(layer, Counter())[entity.dxftype()] += 1
        if entity.dxftype() == "INSERT":
            blocks.setdefault(layer, Counter())[entity.dxf.name] += 1
    names = {layer.dxf.name for layer in doc.layers} | set(counts)
    out = []
    for name in sorted(names, key=lambda n: (-sum(counts.get(n, Counter()).values()), n)):
        rule = layer_map.rule(name)
        out.append(
            LayerInfo(
                name=name,
                role=rule.role.value,
                rule_source=rule.source,
                counts=dict(sorted(counts.get(name, Counter()).items())),
                blocks=dict(sorted(blocks.get(name, Counter()).items())),
            )
        )
    return out


#: A hall smaller or larger than this cannot be right (the largest halls have ~100,000 m²).
HALL_AREA_RANGE_M2: Final = (10.0, 1_000_000.0)


def _area_text(area_m2: float) -> str:
    if area_m2 >= 1e6:
        return f"{area_m2 / 1e6:,.3g} km²"
    return f"{area_m2:,.4g} m²"


def check_hall_area(area_m2: float, units: Units, how: str, *, where: str) -> None:
    """Refuse a hall whose area in ``units`` is implausible, naming the likely units.

    >>> check_hall_area(3e9, Units.M, "$INSUNITS 6 (m)", where="plan.dxf")
    Traceback (most recent call last):
    ...
    floorplan.errors.DrawingError: plan.dxf: the largest hall would be 3e+03 km² in m \
($INSUNITS 6 (m)), which no hall is; the drawing is probably in mm (3,000 m²): pass --units mm
    """
    low, high = HALL_AREA_RANGE_M2
    if low <= area_m2 <= high:
        return
    drawn = area_m2 / METRES_PER_UNIT[units] ** 2
    other = {u: drawn * m * m for u, m in METRES_PER_UNIT.items() if u is not units}
    plausible = {u: a for u, a in other.items() if low <= a <= high}
    head = (
        f"{where}: the largest hall would be {_area_text(area_m2)} in {units.value} ({how}), "
        "which no hall is"
    )
    if not plausible:
        msg = f"{head}; check the drawing's scale"
        raise DrawingError(msg)
    # The likeliest units give a hall nearest 3,000 m² (on a log scale), a typical hall.
    likely = min(plausible, key=lambda u: abs(math.log10(plausible[u]) - 3.5))
    msg = (
        f"{head}; the drawing is probably in {likely.value} ({_area_text(plausible[likely])}): "
        f"pass --units {likely.value}"
    )
    raise DrawingError(msg)


def units_of_scale(metres_per_unit: float) -> Units | None:
    """Return the units nearest ``metres_per_unit`` within 5 %, or ``None``."""
    for units, m in METRES_PER_UNIT.items():
        if abs(metres_per_unit / m - 1) <= 0.05:
            return units
    return None
