"""Check a venue against named rule sets: the format's, a safe floor's, a fire code's.

One engine for every place that shows problems (``floorplan validate``, ``floorplan
layouts show``, the planner's live check, the publish gate, ``/staff`` and ``floorplan
capacity``), so that one layout gets one list everywhere:

- ``format``: the venue format's rules (:func:`floorplan.validate.validate`, plus what
  reading the venue found);
- ``floor``: the layout's floor rules (aisle width, exits and doors kept clear, kiosks and
  amenities on open floor, step-free reachability), as the layout editor checks them;
- ``code``: the fire-code rules of a capacity profile (an exit of each hall's own, travel
  distance, exit width against the occupant load, no open floor closed in);
- ``all``: the three.

The floor and code rules are the layout editor's checker (:func:`floorplan.layout.check_layout`),
run once; the editor runs the same checker edit by edit. Which code applies is the venue's
own (``venue.json``'s ``code``: ``{"profile": "gb50016", "sprinklered": true}``) unless a
:class:`Code` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from floorplan.capacity import DEFAULT_PROFILE, Profile, load_profile
from floorplan.errors import OptionError
from floorplan.layout import LayoutRules, check_layout
from floorplan.problems import Problem, RuleSet, Severity
from floorplan.schema import parse_option
from floorplan.validate import validate
from floorplan.venue import Venue

__all__ = ["Code", "RuleChoice", "blocking", "by_severity", "check", "code_of", "layout_rules"]


class RuleChoice(StrEnum):
    """Which rule sets a check runs (``--rules``)."""

    FORMAT = "format"
    FLOOR = "floor"
    CODE = "code"
    ALL = "all"

    @property
    def sets(self) -> frozenset[RuleSet]:
        """Return the rule sets this choice stands for.

        >>> sorted(RuleChoice.ALL.sets)
        [<RuleSet.CODE: 'code'>, <RuleSet.FLOOR: 'floor'>, <RuleSet.FORMAT: 'format'>]
        """
        if self is RuleChoice.ALL:
            return frozenset({RuleSet.FORMAT, RuleSet.FLOOR, RuleSet.CODE})
        return frozenset({RuleSet(self.value)})


@dataclass(frozen=True)
class Code:
    """The fire code a venue is checked against: a capacity profile and its sprinklers.

    Attributes
    ----------
    profile
        A profile name (:func:`floorplan.capacity.known_profiles`) or a profile file.
    sprinklered
        Whether the halls have automatic sprinklers (a longer travel limit).
    """

    profile: str = DEFAULT_PROFILE
    sprinklered: bool = False

    def load(self) -> Profile:
        """Return the profile (raises :class:`~floorplan.OptionError` for an unknown one)."""
        return load_profile(self.profile)

    def describe(self) -> str:
        """Return the code in words, as reports and publications name it.

        >>> Code("gb50016", sprinklered=True).describe()
        'gb50016, sprinklered'
        """
        name = Path(self.profile).stem if Path(self.profile).suffix else self.profile
        return f"{name}, {'sprinklered' if self.sprinklered else 'not sprinklered'}"


def code_of(venue: Venue, *, profile: str | None = None, sprinklered: bool | None = None) -> Code:
    """Return the code ``venue`` is checked against: its own, unless overridden.

    ``venue.json`` may say ``"code": {"profile": "gb50016", "sprinklered": true}``;
    without it a venue is checked against :data:`~floorplan.capacity.DEFAULT_PROFILE`
    without sprinklers. ``profile`` and ``sprinklered`` override what the venue says.

    Raises
    ------
    OptionError
        When the venue's ``code`` is not a table of a profile text and a true/false.
    """
    raw = venue.meta.get("code") or {}
    where = f"venue {venue.name or venue.source or ''}".strip()
    if not isinstance(raw, Mapping):
        msg = f"{where}: venue.json's 'code' must be {{'profile': NAME, 'sprinklered': BOOL}}"
        raise OptionError(msg)
    prof = raw.get("profile", DEFAULT_PROFILE) if profile is None else profile
    spr = raw.get("sprinklered", False) if sprinklered is None else sprinklered
    if not isinstance(prof, str) or not prof.strip():
        msg = f"{where}: venue.json's code profile must be a profile name, got {prof!r}"
        raise OptionError(msg)
    if not isinstance(spr, bool):
        msg = f"{where}: venue.json's code 'sprinklered' must be true or false, got {spr!r}"
        raise OptionError(msg)
    return Code(prof, spr)


def layout_rules(code: Code, *, check_code: bool = True) -> LayoutRules:
    """Return the layout editor's rules that check ``code`` (the floor's default distances)."""
    return LayoutRules(
        check_code=check_code,
        profile=code.load() if check_code else code.profile,
        sprinklered=code.sprinklered,
    )


def check(
    venue: Venue, rules: RuleChoice | str = RuleChoice.ALL, *, code: Code | None = None
) -> list[Problem]:
    """Return every rule of the chosen sets that ``venue`` breaks, in report order.

    Parameters
    ----------
    venue
        The venue (a layout).
    rules
        ``format``, ``floor``, ``code`` or ``all``.
    code
        The code the ``code`` rules apply (default: the venue's own, :func:`code_of`).

    Raises
    ------
    OptionError
        When ``rules`` is not a rule set, or the code profile is unknown.
    """
    choice = parse_option(RuleChoice, rules, what="rule set")
    if choice is RuleChoice.FORMAT:
        found = [*venue.read_problems, *validate(venue)]
    else:
        with_code = RuleSet.CODE in choice.sets
        the_code = code or (code_of(venue) if with_code else Code())
        found = check_layout(venue, layout_rules(the_code, check_code=with_code))
    keep = choice.sets
    return sorted((p for p in found if p.rule.rule_set in keep), key=lambda p: p.sort_key)


def blocking(problems: Iterable[Problem]) -> list[Problem]:
    """Return the problems that fail a check: errors and warnings (not info)."""
    return [p for p in problems if p.severity.blocks]


def by_severity(problems: Iterable[Problem]) -> dict[Severity, list[Problem]]:
    """Return the problems grouped by severity (every severity present as a key)."""
    out: dict[Severity, list[Problem]] = {s: [] for s in Severity}
    for p in problems:
        out[p.severity].append(p)
    return out
