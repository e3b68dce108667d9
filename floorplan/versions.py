"""Describe one saved layout version; shared by the store, its errors and the pages.

This module imports nothing else of floorplan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["VersionInfo"]


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
