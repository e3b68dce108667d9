"""Turn a route's polyline into steps a visitor can follow, in English and Chinese.

The steps speak of what a visitor sees: where they start ("From the kiosk in East Hall
2"), turns at landmarks (an exhibitor's booth, a café, the entrance to a hall, never the
booth they start from or go to), the halls they enter by name, and, on arrival, the side
the destination is on ("the booth is on your left"). Ids appear only where nothing else
names a place (a booth number is on its booth's sign; kiosk and door ids are not).

All wording lives in :data:`CATALOGUE` (one dict, key -> (English, Chinese)) so that a
missing translation shows up in one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Protocol

from floorplan.i18n import Lang, parse_lang

__all__ = [
    "ARRIVE_FOLD_M",
    "CATALOGUE",
    "MIN_TURN_GAP_M",
    "Crossing",
    "Landmark",
    "LandmarkFinder",
    "PlaceWords",
    "Side",
    "Step",
    "StepKind",
    "make_steps",
]

#: key -> (English, Chinese); ``{name}`` fields filled by :meth:`Step.text`.
CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    "start": ("From {origin}", "从{origin}出发"),
    "straight": ("Continue straight for {dist} m", "直行{dist}米"),
    "turn": ("After {dist} m, {turn}", "{dist}米后{turn}"),
    "turn_at": ("After {dist} m, {turn} at {landmark}", "{dist}米后在{landmark}{at}{turn}"),
    "enter": ("After {dist} m, go through the entrance to {hall}", "{dist}米后进入{hall}"),
    "arrive": ("After {dist} m, arrive at {destination}", "{dist}米后到达{destination}"),
    "arrive_near": (
        "After {dist} m, arrive at {destination}, next to {landmark}",
        "{dist}米后到达{destination}，旁边是{landmark}",
    ),
    "side": ("; {side}", "，{side}"),
    "slight_left": ("bear slightly left", "稍向左转"),
    "slight_right": ("bear slightly right", "稍向右转"),
    "left": ("turn left", "左转"),
    "right": ("turn right", "右转"),
    "sharp_left": ("turn sharply left", "向左急转"),
    "sharp_right": ("turn sharply right", "向右急转"),
    "side.left": ("{what} is on your left", "{what}在您左侧"),
    "side.right": ("{what} is on your right", "{what}在您右侧"),
    "side.ahead": ("{what} is ahead of you", "{what}在您前方"),
    # How places are named in steps (by Places, from the venue's own names).
    "place.kiosk": ("the kiosk in {hall}", "{hall}的问询机"),
    "place.booth": ("booth {booth} ({exhibitor})", "{booth}号展位（{exhibitor}）"),
    "place.booth_unlet": ("booth {booth}", "{booth}号展位"),
    "place.amenity": ("{what} in {hall}", "{hall}的{what}"),
    "place.point": ("the point you chose in {hall}", "您在{hall}选定的位置"),
    "place.entrance": ("the entrance to {hall}", "{hall}入口"),
    "place.exit": ("the exit of {hall}", "{hall}出口"),
    "place.emergency_exit": ("the emergency exit of {hall}", "{hall}安全出口"),
    "place.connection": ("the passage between {hall} and {other}", "{hall}与{other}之间的通道"),
    "mark.booth": ("the {exhibitor} booth", "{exhibitor}展位"),
    "what.booth": ("the booth", "展位"),
    "what.kiosk": ("the kiosk", "问询机"),
    "what.door": ("the door", "门口"),
    "what.entrance": ("the entrance", "入口"),
    "what.exit": ("the exit", "出口"),
    "what.emergency_exit": ("the emergency exit", "安全出口"),
    "what.connection": ("the passage", "通道"),
    "what.point": ("the point", "该位置"),
    "what.other": ("the service point", "服务点"),
    "what.restroom": ("the restroom", "洗手间"),
    "what.cafe": ("the café", "咖啡厅"),
    "what.info": ("the information desk", "问询处"),
    "what.first_aid": ("the first-aid point", "急救站"),
    "what.stage": ("the stage", "舞台"),
    "what.meeting_room": ("the meeting room", "会议室"),
    "what.prayer_room": ("the prayer room", "祈祷室"),
    "what.cloakroom": ("the cloakroom", "衣帽间"),
}


def words(key: str, **fields: str) -> tuple[str, str]:
    """Return catalogue entry ``key`` in English and Chinese with ``fields`` filled in.

    A field given as ``name`` is used in both languages, ``name_zh`` in Chinese only.

    >>> words("place.kiosk", hall="East Hall 2", hall_zh="东2馆")
    ('the kiosk in East Hall 2', '东2馆的问询机')
    """
    en, zh = CATALOGUE[key]
    plain = {k: v for k, v in fields.items() if not k.endswith("_zh")}
    local = {**plain, **{k[:-3]: v for k, v in fields.items() if k.endswith("_zh") and v}}
    return en.format(**plain), zh.format(**local)


#: How "after N m" is said for a step that follows the previous one at once.
_AT_ONCE: Final = (("After {dist} m, ", "Then "), ("{dist}米后", "随即"))
#: Turns closer than this to the previous instruction are folded into the next one: no
#: one can act on two instructions a step apart (a turn just inside a door, say).
MIN_TURN_GAP_M: Final = 2.0
#: A turn this close to the destination is not said: the arrival says which side it is on.
ARRIVE_FOLD_M: Final = 3.0
#: Landmarks are looked for this far from a turn, and this far from the destination.
TURN_LANDMARK_M: Final = 6.0
ARRIVE_LANDMARK_M: Final = 10.0
#: Within this angle of the way the walker faces, a destination is ahead of them.
_AHEAD_DEG: Final = 30.0
#: The walker's heading is taken from the last stretch at least this long.
_HEADING_MIN_M: Final = 1.0
#: A destination whose point is this close to where the walk ends is where they stand
#: (a door walked up to; a booth's centre is farther from its edge than this).
_AT_M: Final = 1.0


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


class Side(StrEnum):
    """Where the destination is, seen by the walker as they arrive."""

    LEFT = "left"
    RIGHT = "right"
    AHEAD = "ahead"


@dataclass(frozen=True)
class Landmark:
    """Something a walker recognises: a booth or an amenity, named in both languages."""

    landmark_id: str
    name_en: str
    name_zh: str


@dataclass(frozen=True)
class PlaceWords:
    """How a route's origin or destination is named in its steps.

    Attributes
    ----------
    place_id
        The place's id: never mentioned as a landmark of its own route.
    name_en, name_zh
        What it is called ("the kiosk in East Hall 2", "东2馆的问询机").
    what_en, what_zh
        What it is, for the side it is on ("the booth", "展位").
    ref
        The point that stands for it (a booth's centroid), for the side it is on.
    """

    place_id: str
    name_en: str
    name_zh: str
    what_en: str = ""
    what_zh: str = ""
    ref: tuple[float, float] | None = None


class LandmarkFinder(Protocol):
    """Return the landmark to name near a point, or ``None``."""

    def __call__(
        self, pt: tuple[float, float], *, radius_m: float, exclude: Collection[str]
    ) -> Landmark | None:
        """Return the best landmark within ``radius_m`` of ``pt`` not in ``exclude``."""


@dataclass(frozen=True)
class Crossing:
    """A door crossed at polyline vertex ``index``, entering hall ``hall_name``."""

    index: int
    door_id: str
    hall_id: str
    hall_name: str
    hall_name_zh: str = ""


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
        What the walker sees there: at a turn, or beside the destination on arrival.
    hall_id, door_id
        The hall entered and the door used, for :attr:`StepKind.ENTER`.
    names
        Fields for the wording (origin, destination, hall, what) per language: a
        ``*_zh`` field is the Chinese of the field without the suffix.
    side
        On arrival, where the destination is.
    """

    kind: StepKind
    distance_m: float
    point: tuple[float, float]
    landmark: Landmark | None = None
    hall_id: str = ""
    door_id: str = ""
    names: tuple[tuple[str, str], ...] = ()
    side: Side | None = None

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """Return the instruction in ``lang`` (``"en"`` or ``"zh"``)."""
        zh = parse_lang(lang) is Lang.ZH
        pick = 1 if zh else 0
        fields = {k: v for k, v in self.names if not k.endswith("_zh")}
        if zh:
            fields.update({k[:-3]: v for k, v in self.names if k.endswith("_zh") and v})
        fields["dist"] = f"{self.distance_m:.0f}"
        if self.landmark is not None:
            mark = self.landmark.name_zh if zh and self.landmark.name_zh else self.landmark.name_en
            fields["landmark"] = mark
            # 在问询处右转, not 在问询处处右转: a place word already ending in 处.
            fields["at"] = "" if mark.endswith("处") else "处"
        key = self.kind.value
        if self.kind in _TURNS:
            fields["turn"] = CATALOGUE[key][pick]
            key = "turn_at" if self.landmark is not None else "turn"
        elif self.kind is StepKind.ARRIVE and self.landmark is not None:
            key = "arrive_near"
        template = CATALOGUE[key][pick]
        if self.kind is not StepKind.START and round(self.distance_m) == 0:
            # "After 0 m" reads like a mistake: say "then" for what follows at once.
            template = template.replace(*_AT_ONCE[pick])
        out = template.format(**fields)
        if self.side is not None and fields.get("what"):
            side = CATALOGUE[f"side.{self.side.value}"][pick].format(what=fields["what"])
            out += CATALOGUE["side"][pick].format(side=side)
        return out


_TURNS: Final = frozenset(
    {
        StepKind.SLIGHT_LEFT,
        StepKind.SLIGHT_RIGHT,
        StepKind.LEFT,
        StepKind.RIGHT,
        StepKind.SHARP_LEFT,
        StepKind.SHARP_RIGHT,
    }
)


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


def side_of(coords: Sequence[tuple[float, float]], ref: tuple[float, float] | None) -> Side | None:
    """Return the side ``ref`` is on for a walker arriving along ``coords``.

    The walker faces the way of the last stretch of at least a metre (the step off the
    aisle onto a booth's edge is shorter); from where the walk ends, ``ref`` is ahead
    within 30° of that way (or where the walk ends), else on the left or the right.
    ``None`` when there is no such stretch or no ``ref``.

    >>> side_of([(0, 0), (10, 0)], (8, 3)), side_of([(0, 0), (10, 0)], (8, -3))
    (<Side.LEFT: 'left'>, <Side.RIGHT: 'right'>)
    >>> side_of([(0, 0), (10, 0), (10, 0.5)], (10, 4)), side_of([(0, 0), (10, 0)], (10.5, 0.5))
    (<Side.LEFT: 'left'>, <Side.AHEAD: 'ahead'>)
    """
    if ref is None:
        return None
    for k in range(len(coords) - 1, 0, -1):
        (x0, y0), (x1, y1) = coords[k - 1], coords[k]
        if math.hypot(x1 - x0, y1 - y0) >= _HEADING_MIN_M:
            break
    else:
        return None
    hx, hy = x1 - x0, y1 - y0
    vx, vy = ref[0] - coords[-1][0], ref[1] - coords[-1][1]
    if math.hypot(vx, vy) <= _AT_M:
        return Side.AHEAD
    angle = math.degrees(math.atan2(hx * vy - hy * vx, hx * vx + hy * vy))
    if abs(angle) <= _AHEAD_DEG:
        return Side.AHEAD
    return Side.LEFT if angle > 0 else Side.RIGHT


def make_steps(
    coords: Sequence[tuple[float, float]],
    crossings: Sequence[Crossing],
    landmark_at: LandmarkFinder | Callable[..., Landmark | None],
    *,
    origin: PlaceWords,
    destination: PlaceWords,
) -> list[Step]:
    """Return the steps of a polyline: start, turns and door crossings, arrival.

    Parameters
    ----------
    coords
        The route's polyline.
    crossings
        Doors crossed, at vertices of ``coords``.
    landmark_at
        Returns the landmark to mention near a point (see :class:`LandmarkFinder`).
    origin, destination
        How the ends are named, and where the destination is.
    """
    names = (
        ("origin", origin.name_en),
        ("origin_zh", origin.name_zh),
        ("destination", destination.name_en),
        ("destination_zh", destination.name_zh),
    )
    exclude = {p for p in (origin.place_id, destination.place_id) if p}
    steps = [Step(StepKind.START, 0.0, tuple(coords[0]), names=names)]  # type: ignore[arg-type]
    by_index = {c.index: c for c in crossings}
    at = [0]  # the vertex of each step
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
            hall_names = (("hall", c.hall_name), ("hall_zh", c.hall_name_zh))
            steps.append(
                Step(StepKind.ENTER, walked, pt, None, c.hall_id, c.door_id, names + hall_names)
            )
            at.append(k)
            walked = 0.0
            continue
        x2, y2 = coords[k + 1]
        h0 = math.atan2(y1 - y0, x1 - x0)
        h1 = math.atan2(y2 - y1, x2 - x1)
        angle = math.degrees((h1 - h0 + math.pi) % (2 * math.pi) - math.pi)
        kind = _turn(angle)
        if kind is None or (walked < MIN_TURN_GAP_M and len(steps) > 1):
            continue
        mark = landmark_at(pt, radius_m=TURN_LANDMARK_M, exclude=exclude)
        steps.append(Step(kind, walked, pt, mark, names=names))
        at.append(k)
        walked = 0.0
    seen_from = len(coords)
    if len(steps) > 1 and steps[-1].kind in _TURNS and walked < ARRIVE_FOLD_M:
        # A last turn a step or two before the destination is not an instruction anyone
        # needs: the arrival says which side the destination is on, seen from the way
        # the walker faced before that turn.
        walked += steps.pop().distance_m
        seen_from = at.pop() + 1
    end = (float(coords[-1][0]), float(coords[-1][1]))
    what = (("what", destination.what_en), ("what_zh", destination.what_zh))
    named = steps[-1].landmark
    # Not the landmark of the turn just before again: "turn at the café, arrive next
    # to the café" tells nothing new.
    mark = landmark_at(
        end,
        radius_m=ARRIVE_LANDMARK_M,
        exclude=exclude | ({named.landmark_id} if named is not None else set()),
    )
    side = side_of(coords[:seen_from], destination.ref)
    steps.append(Step(StepKind.ARRIVE, walked, end, mark, names=names + what, side=side))
    return steps
