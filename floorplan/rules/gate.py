"""Decide whether a layout may be published: errors refuse it, warnings need a yes.

A :class:`PublishGate` is what :class:`~floorplan.io.store.LayoutStore` calls before it
marks a version published: every rule of the engine (``all``), under the venue's own
code unless one is given. The store refuses a version with an error, asks for an
acknowledgement of its warnings, and records which rules it checked.
"""

from __future__ import annotations

from dataclasses import dataclass

from floorplan.problems import Problem
from floorplan.rules.engine import Code, RuleChoice, check, code_of
from floorplan.venue import Venue

__all__ = ["PublishGate"]


@dataclass(frozen=True)
class PublishGate:
    """Check a layout with every rule before it is published.

    Parameters
    ----------
    code
        The code to check against (default: each venue's own, :func:`code_of`).
    """

    code: Code | None = None

    def code_for(self, venue: Venue) -> Code:
        """Return the code ``venue`` is checked against."""
        return self.code or code_of(venue)

    def __call__(self, venue: Venue) -> list[Problem]:
        """Return every problem of ``venue`` (rules ``all``)."""
        return check(venue, RuleChoice.ALL, code=self.code_for(venue))

    def describe(self, venue: Venue) -> str:
        """Return which rules the gate checks ``venue`` against, for the publication record."""
        return f"all rules ({self.code_for(venue).describe()})"
