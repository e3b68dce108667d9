"""Describe saved layout versions, publications and kiosks; shared by the store and the pages.

This module imports nothing else of floorplan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["KioskStatus", "Publication", "VersionInfo"]


@dataclass(frozen=True)
class VersionInfo:
    """One saved version's record."""

    version: int
    parent: int | None
    author: str
    message: str
    saved_at: str
    published_at: str | None = None
    booths: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON reports have it."""
        return {
            "version": self.version,
            "parent": self.parent,
            "author": self.author,
            "message": self.message,
            "saved_at": self.saved_at,
            "published_at": self.published_at,
            "booths": self.booths,
        }


@dataclass(frozen=True)
class Publication:
    """One entry of a store's publication log: which version went to the kiosks, and why.

    Attributes
    ----------
    seq
        The entry's number, in order of publishing.
    version
        The version published.
    author, published_at
        Who published it and when (ISO 8601, UTC).
    gate
        Which rules the store checked it against before publishing.
    acknowledged
        The warnings the author acknowledged to publish it (problem records as JSON
        reports have them: ``layer``, ``id``, ``rule``, ``message``, ``ids``, ...).
    """

    seq: int
    version: int
    author: str
    published_at: str
    gate: str = ""
    acknowledged: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return the record as JSON reports have it."""
        return {
            "seq": self.seq,
            "version": self.version,
            "author": self.author,
            "published_at": self.published_at,
            "gate": self.gate,
            "acknowledged": list(self.acknowledged),
        }


@dataclass(frozen=True)
class KioskStatus:
    """What the kiosks show: the published version and the open kiosk sessions by version.

    ``sessions`` counts the kiosk sessions of every live server process by the version
    each one shows (``None``: the venue file, before anything was published), as the
    servers last reported them.

    >>> KioskStatus(2, {2: 14, 1: 2}).text()
    'published v2; 14 of 16 kiosk sessions on v2, 2 on v1'
    >>> KioskStatus(2, {2: 3}).text()
    'published v2; all 3 kiosk sessions on v2'
    >>> KioskStatus(None, {}).text()
    'nothing published; no kiosk session open'
    """

    published: int | None
    sessions: Mapping[int | None, int]

    @property
    def total(self) -> int:
        """Return how many kiosk sessions are open."""
        return sum(self.sessions.values())

    @property
    def behind(self) -> int:
        """Return how many kiosk sessions show another version than the published one."""
        return sum(n for v, n in self.sessions.items() if v != self.published)

    def text(self) -> str:
        """Return the status in words, as ``layouts list`` and the planner say it."""
        head = f"published v{self.published}" if self.published is not None else "nothing published"
        total = self.total
        if total == 0:
            return f"{head}; no kiosk session open"
        on = self.sessions.get(self.published, 0)
        noun = "kiosk session" if total == 1 else "kiosk sessions"
        if on == total:
            return f"{head}; {'all ' if total > 1 else ''}{total} {noun} on {_name(self.published)}"
        others = sorted(
            ((v, n) for v, n in self.sessions.items() if v != self.published and n),
            key=lambda vn: (vn[0] is None, -(vn[0] or 0)),
        )
        rest = ", ".join(f"{n} on {_name(v)}" for v, n in others)
        return f"{head}; {on} of {total} {noun} on {_name(self.published)}, {rest}"

    def to_dict(self) -> dict[str, Any]:
        """Return the status as JSON reports have it (version ``null``: the venue file)."""
        return {
            "published": self.published,
            "sessions": [
                {"version": v, "count": n}
                for v, n in sorted(
                    self.sessions.items(), key=lambda vn: (vn[0] is None, -(vn[0] or 0))
                )
            ],
            "total": self.total,
        }


def _name(version: int | None) -> str:
    return "the venue file" if version is None else f"v{version}"
