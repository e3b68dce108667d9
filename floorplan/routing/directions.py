"""Turn a route's polyline into turn-by-turn steps, readable in English and Chinese.

All wording lives in :data:`CATALOGUE` (one dict, key -> (English, Chinese)) so that a
missing translation shows up in one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from floorplan.i18n import Lang, parse_lang

__all__ = ["CATALOGUE", "Crossing", "Landmark", "Step", "StepKind", "make_steps"]

#: key -> (English, Chinese); ``{name}`` fields filled by :meth:`Step.text`.
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    "start": ("Start at {origin}", "从{origin}出发"),
    "straight": ("Continue straight for {dist} m", "直行{dist}米"),
    "slight_left": ("After {dist} m, bear slightly left", "{dist}米后稍向左转"),
    "slight_right": ("After {dist} m, bear slightly right", "{dist}米后稍向右转"),
    "left": ("After {dist} m, turn left", "{dist}米后左转"),
    "right": ("After {dist} m, turn right", "{dist}米后右转"),
    "sharp_left": ("After {dist} m, turn sharply left", "{dist}米后向左急转"),
    "sharp_right": ("After {dist} m, turn sharply right", "{dist}米后向右急转"),
    "enter": ("After {dist} m, enter {hall} by door {door}", "{dist}米后经{door}号门进入{hall}"),
    "arrive": ("After {dist} m, arrive at {destination}", "{dist}米后到达{destination}"),
    "landmark": (" at {landmark}", "（{landmark}处）"),
}


#: How "after N m" is said for a step that follows the previous one at once.
_AT_ONCE: Final = (("After {dist} m, ", "Then "), ("{dist}米后", "随即"))
#: Turns closer than this to the previous instruction are folded into the next one: no
#: one can act on two instructions a step apart (a turn just inside a door, say).
MIN_TURN_GAP_M: Final = 2.0


class StepKind(StrEnum):
    """What a step tells the walker to do."""

    START = "start"
    STRAIGHT = "straight"
    SLIGHT_LEFT = "slight_left"
    SLIGHT_RIGHT = "slight_right"
    LEFT = "left"
    RIGHT = "right"
    SHARP_LEFT = "sharp_left"
    SHARP_RIGHT = "sharp_right"
    ENTER = "enter"
    ARRIVE = "arrive"


@dataclass(frozen=True)
class Landmark:
    """Something a walker recognises: a booth or an amenity, named in both languages."""

    landmark_id: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class Crossing:
    """A door crossed at polyline vertex ``index``, entering hall ``hall_name``."""

    index: int
    door_id: str
    hall_id: str
    hall_name: str


@dataclass(frozen=True)
class Step:
    """One instruction of a route.

    Attributes
    ----------
    kind
        What to do (:class:`StepKind`).
    distance_m
        How far to walk from the previous step before doing it.
    point
        Where it happens, in the venue CRS.
    landmark
        A booth or amenity near that point, if any.
    hall_id, door_id
        The hall entered and the door used, for :attr:`StepKind.ENTER`.
    names
        Fields for the wording (origin, destination, hall) per language.
    """

    kind: StepKind
    distance_m: float
    point: tuple[float, float]
    landmark: Landmark | None = None
    hall_id: str = ""
    door_id: str = ""
    names: tuple[tuple[str, str], ...] = ()

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """Return the instruction in ``lang`` (``"en"`` or ``"zh"``)."""
        zh = parse_lang(lang) is Lang.ZH
        pick = 1 if zh else 0
        fields = dict(self.names)
        en_zh = {k[:-3]: v for k, v in fields.items() if k.endswith("_zh")}
        fields = {k: v for k, v in fields.items() if not k.endswith("_zh")}
        if zh:
            fields.update({k: v for k, v in en_zh.items() if v})
        fields["dist"] = f"{self.distance_m:.0f}"
        fields["door"] = self.door_id
        template = CATALOGUE[self.kind.value][pick]
        if self.kind is not StepKind.START and round(self.distance_m) == 0:
            # "After 0 m" reads like a mistake: say "then" for what follows at once.
            template = template.replace(*_AT_ONCE[pick])
        out = template.format(**fields)
        if self.landmark is not None and self.kind not in (StepKind.START, StepKind.ARRIVE):
            name = self.landmark.name_zh if zh and self.landmark.name_zh else self.landmark.name_en
            out += CATALOGUE["landmark"][pick].format(landmark=name)
        return out


def _turn(angle_deg: float) -> StepKind | None:
    """Classify a heading change (left positive); None for one too small to mention."""
    a = abs(angle_deg)
    if a < 20:
        return None
    left = angle_deg > 0
    if a < 45:
        return StepKind.SLIGHT_LEFT if left else StepKind.SLIGHT_RIGHT
    if a < 135:
        return StepKind.LEFT if left else StepKind.RIGHT
    return StepKind.SHARP_LEFT if left else StepKind.SHARP_RIGHT


def make_steps(
    coords: Sequence[tuple[float, float]],
    crossings: Sequence[Crossing],
    landmark_at: Callable[[tuple[float, float]], Landmark | None],
    *,
    origin: tuple[str, str],
    destination: tuple[str, str],
) -> list[Step]:
    """Return the steps of a polyline: start, turns and door crossings, arrival.

    Parameters
    ----------
    coords
        The route's polyline.
    crossings
        Doors crossed, at vertices of ``coords``.
    landmark_at
        Returns the booth or amenity to mention at a point, or None.
    origin, destination
        Names in English and Chinese.
    """
    names = (
        ("origin", origin[0]),
        ("origin_zh", origin[1]),
        ("destination", destination[0]),
        ("destination_zh", destination[1]),
    )
    steps = [Step(StepKind.START, 0.0, tuple(coords[0]), names=names)]  # type: ignore[arg-type]
    by_index = {c.index: c for c in crossings}
    walked = 0.0
    for k in range(1, len(coords)):
        x0, y0 = coords[k - 1]
        x1, y1 = coords[k]
        walked += math.hypot(x1 - x0, y1 - y0)
        if k == len(coords) - 1:
            break
        pt = (float(x1), float(y1))
        if k in by_index:
            c = by_index[k]
            hall_names = (("hall", c.hall_name), ("hall_zh", ""))
            steps.append(
                Step(StepKind.ENTER, walked, pt, None, c.hall_id, c.door_id, names + hall_names)
            )
            walked = 0.0
            continue
        x2, y2 = coords[k + 1]
        h0 = math.atan2(y1 - y0, x1 - x0)
        h1 = math.atan2(y2 - y1, x2 - x1)
        angle = math.degrees((h1 - h0 + math.pi) % (2 * math.pi) - math.pi)
        kind = _turn(angle)
        if kind is None or (walked < MIN_TURN_GAP_M and len(steps) > 1):
            continue
        steps.append(Step(kind, walked, pt, landmark_at(pt), names=names))
        walked = 0.0
    end = (float(coords[-1][0]), float(coords[-1][1]))
    steps.append(Step(StepKind.ARRIVE, walked, end, names=names))
    return steps
