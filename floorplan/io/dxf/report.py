"""Record what a drawing import made and skipped, per layer, and print it as text or JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from floorplan.problems import Problem

__all__ = ["ImportReport", "LayerReport", "SkipReason", "Skipped"]

#: How many skipped entities the text report lists one by one (JSON lists them all).
_LISTED: Final = 40


class SkipReason(StrEnum):
    """Why an entity of a mapped layer did not become (part of) a feature."""

    UNSUPPORTED_ENTITY = "unsupported_entity"
    NOT_TEXT = "not_text"
    OPEN_OUTLINE = "open_outline"
    NO_AREA = "no_area"
    SELF_INTERSECTING = "self_intersecting"
    DUPLICATE_OUTLINE = "duplicate_outline"
    ENCLOSING_OUTLINE = "enclosing_outline"
    TEXT_OUTSIDE_BOOTHS = "text_outside_booths"
    LABEL_OUTSIDE_HALLS = "label_outside_halls"
    DUPLICATE_BOOTH_NUMBER = "duplicate_booth_number"
    SECOND_BOOTH_NUMBER = "second_booth_number"
    BOOTH_OUTSIDE_HALL = "booth_outside_hall"
    OUTSIDE_HALLS = "outside_halls"
    DOOR_OFF_WALL = "door_off_wall"
    WINDOW = "window"


_WHY: Final[dict[SkipReason, str]] = {
    SkipReason.UNSUPPORTED_ENTITY: "entity type not read on a layer of this role",
    SkipReason.NOT_TEXT: "not text, on a text layer",
    SkipReason.OPEN_OUTLINE: "open outline (not closed within the snap tolerance)",
    SkipReason.NO_AREA: "outline without area",
    SkipReason.SELF_INTERSECTING: "outline crosses itself",
    SkipReason.DUPLICATE_OUTLINE: "the same outline drawn twice",
    SkipReason.ENCLOSING_OUTLINE: "outline around other outlines (an island or group)",
    SkipReason.TEXT_OUTSIDE_BOOTHS: "text outside every booth",
    SkipReason.LABEL_OUTSIDE_HALLS: "hall label outside every hall",
    SkipReason.DUPLICATE_BOOTH_NUMBER: "booth number used by another booth",
    SkipReason.SECOND_BOOTH_NUMBER: "a second booth number in one booth",
    SkipReason.BOOTH_OUTSIDE_HALL: "booth outside every hall",
    SkipReason.OUTSIDE_HALLS: "outside every hall",
    SkipReason.DOOR_OFF_WALL: "door or exit not on a hall wall",
    SkipReason.WINDOW: "window block on a door layer",
}


@dataclass(frozen=True)
class Skipped:
    """One entity (or text) that did not become what its layer says, and why.

    ``at`` is a point of it in the drawing's own coordinates and units, to find it in CAD.
    """

    layer: str
    handle: str
    entity: str
    reason: SkipReason
    detail: str = ""
    at: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON has it."""
        return {
            "layer": self.layer,
            "handle": self.handle,
            "entity": self.entity,
            "reason": self.reason.value,
            "detail": self.detail,
            "at": list(self.at) if self.at is not None else None,
        }

    def __str__(self) -> str:
        where = f" at {self.at[0]:.0f},{self.at[1]:.0f}" if self.at is not None else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"[{self.layer}] {self.entity} #{self.handle}{where}: {_WHY[self.reason]}{detail}"


@dataclass
class LayerReport:
    """What one layer held, what was made of it and what was skipped."""

    name: str
    role: str
    rule: str
    entities: Counter[str] = field(default_factory=Counter)
    made: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        """Return the record as JSON has it."""
        return {
            "layer": self.name,
            "role": self.role,
            "rule": self.rule,
            "entities": dict(sorted(self.entities.items())),
            "made": dict(sorted(self.made.items())),
            "skipped": dict(sorted(self.skipped.items())),
        }


@dataclass
class ImportReport:
    """Everything a planner needs to trust (or mend) an imported drawing.

    Attributes
    ----------
    source
        The drawing's name.
    dxf_version
        The DXF version (``AC1032``) and release.
    units, units_how
        The drawing units and how they were chosen.
    placement
        How the drawing was placed in the CRS (see :class:`~.georef.Placement`).
    snap_m
        The gap-closing tolerance used for line work.
    layers
        Per layer: entity counts, what was made, what was skipped.
    skipped
        Every skipped entity with its reason.
    notes
        Things done that the planner should know (gaps closed, ids invented).
    made
        Feature counts of the venue (halls, booths, openings by kind, obstacles by kind).
    problems
        The rules the imported venue breaks (``floorplan validate``).
    """

    source: str
    dxf_version: str = ""
    units: str = ""
    units_how: str = ""
    placement: dict[str, Any] = field(default_factory=dict)
    snap_m: float = 0.0
    layers: dict[str, LayerReport] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    made: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """Whether the imported venue keeps every rule."""
        return not self.problems

    def layer(self, name: str, role: str = "ignore", rule: str = "unmapped") -> LayerReport:
        """Return the record of layer ``name``, creating it with ``role`` when new."""
        found = self.layers.get(name)
        if found is None:
            found = self.layers[name] = LayerReport(name, role, rule)
        return found

    def skip(self, item: Skipped) -> None:
        """Record a skipped entity under its layer."""
        self.skipped.append(item)
        self.layer(item.layer).skipped[item.reason.value] += 1

    def to_dict(self) -> dict[str, object]:
        """Return the whole report as JSON has it."""
        return {
            "source": self.source,
            "dxf_version": self.dxf_version,
            "units": self.units,
            "units_how": self.units_how,
            "placement": self.placement,
            "snap_m": self.snap_m,
            "made": dict(self.made),
            "valid": self.valid,
            "layers": [r.to_dict() for r in self.layers.values()],
            "skipped": [s.to_dict() for s in self.skipped],
            "notes": list(self.notes),
            "problems": [p.to_dict() for p in self.problems],
        }

    def to_text(self) -> str:
        """Return the report as lines for a terminal or a page."""
        made = ", ".join(f"{v} {k}" for k, v in self.made.items()) or "nothing"
        out = [
            f"{self.source}: DXF {self.dxf_version}; units {self.units} ({self.units_how})",
            f"placed by {self.placement.get('how', '?')}",
            f"made {made}",
            "",
            "layer                                 role            entities  made / skipped",
        ]
        for rep in sorted(self.layers.values(), key=lambda r: (r.role == "ignore", r.name)):
            made_l = ", ".join(f"{v} {k}" for k, v in sorted(rep.made.items()))
            skip_l = ", ".join(f"{v} {k}" for k, v in sorted(rep.skipped.items()))
            both = "; ".join(x for x in (made_l, f"skipped {skip_l}" if skip_l else "") if x)
            out.append(
                f"{_fit(rep.name, 37)} {rep.role:<15} {sum(rep.entities.values()):>8}  {both}"
            )
        if self.skipped:
            out += ["", f"skipped ({len(self.skipped)}):"]
            out += [f"  {s}" for s in self.skipped[:_LISTED]]
            if len(self.skipped) > _LISTED:
                out.append(f"  ... and {len(self.skipped) - _LISTED} more (--json lists all)")
        if self.notes:
            out += ["", "notes:", *(f"  {n}" for n in self.notes)]
        if self.problems:
            out += ["", f"validate: {len(self.problems)} problem(s)"]
            out += [f"  {p}" for p in self.problems[:_LISTED]]
            if len(self.problems) > _LISTED:
                out.append(f"  ... and {len(self.problems) - _LISTED} more")
        else:
            out += ["", "validate: valid"]
        return "\n".join(out)


def _fit(text: str, width: int) -> str:
    """Pad ``text`` to ``width`` terminal columns (CJK characters take two)."""
    out, cols = "", 0
    for c in text:
        w = 2 if ord(c) > 0x2E80 else 1
        if cols + w > width - 1 and len(out) < len(text) - 1:
            return out + "…" + " " * (width - cols - 1)
        out, cols = out + c, cols + w
    return out + " " * (width - cols)
