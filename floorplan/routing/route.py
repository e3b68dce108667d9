"""The router's answers: a :class:`Route`, and the walking :class:`Speeds` behind durations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from floorplan.i18n import Lang
from floorplan.routing.directions import Step

__all__ = ["Place", "Route", "Speeds"]

#: A place is a kiosk, booth, amenity or opening id, or ``(x, y)`` in the venue CRS.
Place = str | tuple[float, float]


@dataclass(frozen=True)
class Speeds:
    """Walking speeds used to turn lengths into durations."""

    walk_speed_mps: float = 1.3
    accessible_speed_mps: float = 0.8

    def of(self, accessible: bool) -> float:
        """Return the speed of a walker who needs step-free doors (or not)."""
        return self.accessible_speed_mps if accessible else self.walk_speed_mps


@dataclass
class Route:
    """A walk from an origin to a destination.

    Attributes
    ----------
    length_m, duration_s
        Length of ``coords`` and the time to walk it.
    coords
        The polyline in the venue CRS; its length is ``length_m``.
    halls
        Hall ids crossed, in order.
    steps
        Turn-by-turn instructions (:class:`Step`; ``step.text("zh")`` for Chinese).
    origin, destination
        The places as given.
    accessible
        Whether only step-free doors were used.
    legs
        For a route with ``via`` stops or a tour, the routes between consecutive places.
    order
        For a tour, the stops in the order walked.
    """

    length_m: float
    duration_s: float
    coords: list[tuple[float, float]]
    halls: list[str]
    steps: list[Step]
    origin: str = ""
    destination: str = ""
    accessible: bool = False
    legs: list[Route] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def steps_text(self, lang: Lang | str = Lang.EN) -> list[str]:
        """Return the steps as sentences in ``lang`` (``"en"`` or ``"zh"``)."""
        return [s.text(lang) for s in self.steps]

    def to_dict(self, lang: Lang | str = Lang.EN) -> dict[str, Any]:
        """Return a JSON-ready dict: ``length_m``, ``duration_s``, ``coords``, ``steps``..."""
        out: dict[str, Any] = {
            "origin": self.origin,
            "destination": self.destination,
            "length_m": round(self.length_m, 3),
            "duration_s": round(self.duration_s, 1),
            "accessible": self.accessible,
            "halls": self.halls,
            "coords": [[round(x, 3), round(y, 3)] for x, y in self.coords],
            "steps": [
                {
                    "kind": s.kind.value,
                    "distance_m": round(s.distance_m, 2),
                    "text": s.text(lang),
                    "landmark": s.landmark.landmark_id if s.landmark else None,
                    "door": s.door_id or None,
                    "side": s.side.value if s.side is not None else None,
                }
                for s in self.steps
            ],
        }
        if self.order:
            out["order"] = self.order
        return out
