r"""Say what each layer of a CAD drawing holds: halls, booths, columns, walls, doors, text.

A :class:`LayerMap` gives every layer (and, for block references on layers it does not
know, every block name) a :class:`Role`. It is written in TOML::

    [layers]                      # exact layer names, case-insensitive
    "A-WALL" = "wall"
    "BOOTH-ENERGY" = { role = "booth", zone = "energy" }
    "STAGE" = { role = "obstacle", kind = "stage" }

    [patterns]                    # regular expressions, case-insensitive, tried in order
    "^S-COL" = "column"

    [blocks]                      # block-name patterns, for references on unmapped layers
    "^DR\\d+" = "door"

    [attributes]                  # block attribute tags that carry booth data
    booth_number = ["BOOTH", "STAND_NO"]
    exhibitor = ["COMPANY"]

    [options]
    defaults = true               # also use the built-in English and Chinese names
    zone = "services"             # zone of booths whose layer names none

Without a map (or with ``defaults = true``) common English and Chinese layer names are
recognised (booth/stand/展位/展台, column/柱, wall/墙, exit/安全出口/疏散, door/门, …).

>>> m = LayerMap.default()
>>> [m.rule("展位 BOOTH").role, m.rule("柱 COLUMN").role, m.rule("安全出口").role]
[<Role.BOOTH: 'booth'>, <Role.COLUMN: 'column'>, <Role.EMERGENCY_EXIT: 'emergency_exit'>]
>>> m.rule("图框 TITLE").role
<Role.IGNORE: 'ignore'>
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from floorplan.errors import DrawingError, OptionError
from floorplan.schema import OpeningKind, Zone, parse_option

__all__ = [
    "DEFAULT_ATTRIBUTE_TAGS",
    "LayerMap",
    "LayerRule",
    "Role",
    "load_layer_map",
]


class Role(StrEnum):
    """What the entities of a layer are to the venue."""

    HALL = "hall"
    HALL_LABEL = "hall_label"
    BOOTH = "booth"
    BOOTH_NUMBER = "booth_number"
    EXHIBITOR = "exhibitor"
    COLUMN = "column"
    OBSTACLE = "obstacle"
    WALL = "wall"
    DOOR = "door"
    EXIT = "exit"
    EMERGENCY_EXIT = "emergency_exit"
    CONNECTION = "connection"
    IGNORE = "ignore"

    @property
    def is_text(self) -> bool:
        """Whether the role is read from text (labels, numbers, names)."""
        return self in _TEXT_ROLES

    @property
    def is_opening(self) -> bool:
        """Whether the role's items become openings in a hall wall."""
        return self in _OPENING_KIND

    @property
    def is_object(self) -> bool:
        """Whether one block reference on such a layer is one thing (a door, a column)."""
        return self in _OBJECT_ROLES

    @property
    def opening_kind(self) -> OpeningKind:
        """Return the opening kind of a door or exit role."""
        return _OPENING_KIND[self]


_TEXT_ROLES: Final = frozenset({Role.HALL_LABEL, Role.BOOTH_NUMBER, Role.EXHIBITOR})
_OPENING_KIND: Final = {
    Role.DOOR: OpeningKind.ENTRANCE,
    Role.EXIT: OpeningKind.EXIT,
    Role.EMERGENCY_EXIT: OpeningKind.EMERGENCY_EXIT,
    Role.CONNECTION: OpeningKind.CONNECTION,
}
_OBJECT_ROLES: Final = frozenset(
    {Role.BOOTH, Role.COLUMN, Role.OBSTACLE, *_OPENING_KIND},
)


@dataclass(frozen=True)
class LayerRule:
    """The role a layer plays, with what the role needs to know.

    Attributes
    ----------
    role
        What the layer holds.
    zone
        For booth layers: the zone of their booths (``None``: the map's default).
    kind
        For obstacle layers: the obstacle kind (``column``, ``wall``, ``stage``, …).
    source
        Why this rule applies (``"layers"``, ``"patterns"``, ``"default"``, …), for reports.
    """

    role: Role
    zone: str | None = None
    kind: str | None = None
    source: str = "default"


#: Built-in layer-name patterns, most specific first: the first match wins.
_DEFAULT_PATTERNS: Final[tuple[tuple[str, LayerRule], ...]] = (
    (r"title|frame|border|图框|标题|图签|dim|标注|axis|轴线|grid|轴网", LayerRule(Role.IGNORE)),
    (r"hall.?(name|label|no|id)|展厅名|展馆名|馆号|馆名", LayerRule(Role.HALL_LABEL)),
    (
        r"booth.?(no|num|number|id|text|label)|stand.?(no|num|number|id|text)|展位号|展台号|编号",
        LayerRule(Role.BOOTH_NUMBER),
    ),
    (r"exhibitor|company|展商|参展商|公司", LayerRule(Role.EXHIBITOR)),
    (r"concourse|foyer|lobby|大厅|中庭|门厅", LayerRule(Role.HALL, kind="concourse")),
    (r"emergency|fire.?exit|evac|安全出口|疏散|紧急", LayerRule(Role.EMERGENCY_EXIT)),
    (r"connection|passage|连廊|连通", LayerRule(Role.CONNECTION)),
    (r"exit|出口", LayerRule(Role.EXIT)),
    (r"door|entrance|entry|门|入口", LayerRule(Role.DOOR)),
    (r"booth|stand|展位|展台|展摊", LayerRule(Role.BOOTH)),
    (r"column|pillar|\bcol\b|柱", LayerRule(Role.COLUMN, kind="column")),
    (r"wall|墙", LayerRule(Role.WALL, kind="wall")),
    (r"stage|舞台", LayerRule(Role.OBSTACLE, kind="stage")),
    (r"obstacle|service|equipment|障碍|设备|服务", LayerRule(Role.OBSTACLE, kind="service")),
    (r"hall|展厅|展馆|outline|轮廓|边界", LayerRule(Role.HALL)),
)
#: Built-in block-name patterns for references on layers no rule names.
_DEFAULT_BLOCKS: Final[tuple[tuple[str, LayerRule], ...]] = (
    (r"window|win|窗", LayerRule(Role.IGNORE)),
    (r"emergency|安全出口|疏散", LayerRule(Role.EMERGENCY_EXIT)),
    (r"door|门", LayerRule(Role.DOOR)),
    (r"column|pillar|\bcol|柱", LayerRule(Role.COLUMN, kind="column")),
    (r"booth|stand|展位|展台", LayerRule(Role.BOOTH)),
)
#: Block attribute tags read as a booth number or an exhibitor, case-insensitive.
DEFAULT_ATTRIBUTE_TAGS: Final[dict[str, tuple[str, ...]]] = {
    "booth_number": (
        "BOOTH",
        "BOOTH_NO",
        "BOOTHNO",
        "BOOTH_NUMBER",
        "STAND",
        "STAND_NO",
        "NO",
        "NUMBER",
        "NUM",
        "展位号",
        "展位",
        "编号",
    ),
    "exhibitor": ("EXHIBITOR", "COMPANY", "NAME", "展商", "参展商", "公司", "公司名称"),
}

#: Words in a booth layer's name that say its zone.
_ZONE_WORDS: Final = tuple(
    (re.compile(p, re.IGNORECASE), z.value)
    for p, z in (
        (r"automobile|汽车", Zone.AUTOMOBILE),
        (r"agricultur|农业", Zone.AGRICULTURE),
        (r"energy|能源", Zone.ENERGY),
        (r"digital|数字", Zone.DIGITAL),
        (r"health|健康", Zone.HEALTH),
        (r"services|服务", Zone.SERVICES),
    )
)
_IGNORE = LayerRule(Role.IGNORE, source="unmapped")
_MAP_KEYS: Final = {"layers", "patterns", "blocks", "attributes", "options"}
_OPTION_KEYS: Final = {"defaults", "zone"}
_RULE_KEYS: Final = {"role", "zone", "kind"}


@dataclass(frozen=True)
class LayerMap:
    """Roles of a drawing's layers and blocks; see the module docstring for the TOML form.

    Attributes
    ----------
    layers
        Exact layer names (upper-cased) and their rules.
    patterns
        Compiled layer-name patterns and their rules, tried in order.
    blocks
        Compiled block-name patterns, for references on layers no rule names.
    attribute_tags
        ``booth_number`` and ``exhibitor``: the attribute tags that carry them (upper-cased).
    zone
        The zone of booths whose layer names none.
    """

    layers: dict[str, LayerRule] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], LayerRule], ...] = ()
    blocks: tuple[tuple[re.Pattern[str], LayerRule], ...] = ()
    attribute_tags: dict[str, frozenset[str]] = field(
        default_factory=lambda: {k: frozenset(v) for k, v in DEFAULT_ATTRIBUTE_TAGS.items()}
    )
    zone: str = Zone.SERVICES.value

    @classmethod
    def default(cls) -> LayerMap:
        """Return the map of common English and Chinese layer and block names."""
        return cls(patterns=_compiled(_DEFAULT_PATTERNS), blocks=_compiled(_DEFAULT_BLOCKS))

    def rule(self, layer: str) -> LayerRule:
        """Return the rule of ``layer`` (``ignore`` when nothing names it).

        A booth layer whose rule names no zone takes the zone its name mentions
        (``BOOTH-ENERGY``, ``展位-能源``), as ``floorplan export dxf`` names them.
        """
        found = self.layers.get(layer.upper())
        if found is None:
            found = next((r for p, r in self.patterns if p.search(layer)), _IGNORE)
        if found.role is Role.BOOTH and found.zone is None:
            zone = next((z for p, z in _ZONE_WORDS if p.search(layer)), None)
            if zone is not None:
                return replace(found, zone=zone)
        return found

    def block_rule(self, block: str) -> LayerRule | None:
        """Return the rule a block name implies, or ``None``."""
        for pattern, rule in self.blocks:
            if pattern.search(block):
                return rule
        return None


def _compiled(
    pairs: tuple[tuple[str, LayerRule], ...] | list[tuple[str, LayerRule]],
) -> tuple[tuple[re.Pattern[str], LayerRule], ...]:
    return tuple((re.compile(p, re.IGNORECASE), r) for p, r in pairs)


def load_layer_map(source: str | Path | None = None, *, text: str | None = None) -> LayerMap:
    """Read a layer map from a TOML file (or ``text``); ``None`` gives the default map.

    Raises
    ------
    DrawingError
        When the file cannot be read, is not TOML, or names an unknown key, role or zone
        (the message names the file and the key).
    """
    if source is None and text is None:
        return LayerMap.default()
    where = str(source) if source is not None else "layer map"
    try:
        raw = tomllib.loads(text if text is not None else Path(str(source)).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        msg = f"layer map {where} cannot be read: {exc}"
        raise DrawingError(msg) from None
    try:
        return _parse_map(raw)
    except (OptionError, re.error, TypeError, ValueError) as exc:
        msg = f"layer map {where}: {exc}"
        raise DrawingError(msg) from None


def _parse_map(raw: dict[str, Any]) -> LayerMap:
    _known_keys(raw, _MAP_KEYS, "top level")
    options = _table(raw, "options")
    _known_keys(options, _OPTION_KEYS, "[options]")
    zone = parse_option(Zone, str(options.get("zone", Zone.SERVICES.value)), what="zone").value
    base = LayerMap.default() if options.get("defaults", True) else LayerMap(attribute_tags={})
    layers = {
        str(k).upper(): _rule(v, f"[layers] {k!r}", "layers")
        for k, v in _table(raw, "layers").items()
    }
    patterns = [
        (p, _rule(v, f"[patterns] {p!r}", "patterns")) for p, v in _table(raw, "patterns").items()
    ]
    blocks = [(p, _rule(v, f"[blocks] {p!r}", "blocks")) for p, v in _table(raw, "blocks").items()]
    tags = dict(base.attribute_tags)
    for key, values in _table(raw, "attributes").items():
        if key not in DEFAULT_ATTRIBUTE_TAGS:
            msg = f"[attributes] {key!r} is not one of {', '.join(DEFAULT_ATTRIBUTE_TAGS)}"
            raise ValueError(msg)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            msg = f"[attributes] {key!r} must be a list of tags"
            raise TypeError(msg)
        tags[key] = frozenset(v.upper() for v in values)
    return replace(
        base,
        layers=layers,
        patterns=(*_compiled(patterns), *base.patterns),
        blocks=(*_compiled(blocks), *base.blocks),
        attribute_tags=tags,
        zone=zone,
    )


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        msg = f"[{key}] must be a table"
        raise TypeError(msg)
    return value


def _known_keys(table: dict[str, Any], known: set[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        msg = f"unknown key {unknown[0]!r} in {where}; valid: {', '.join(sorted(known))}"
        raise ValueError(msg)


def _rule(value: object, where: str, source: str) -> LayerRule:
    if isinstance(value, str):
        value = {"role": value}
    if not isinstance(value, dict) or "role" not in value:
        msg = f"{where} must be a role name or a table with a 'role'"
        raise TypeError(msg)
    _known_keys(value, _RULE_KEYS, where)
    role = parse_option(Role, str(value["role"]), what=f"role in {where}")
    zone = value.get("zone")
    if zone is not None:
        zone = parse_option(Zone, str(zone), what=f"zone in {where}").value
    kind = value.get("kind")
    if role is Role.COLUMN:
        kind = "column"
    elif role is Role.WALL:
        kind = "wall"
    elif role is Role.OBSTACLE and kind is None:
        kind = "service"
    return LayerRule(role, zone=zone, kind=None if kind is None else str(kind), source=source)
