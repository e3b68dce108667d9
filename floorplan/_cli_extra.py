"""Collect the subcommands that live beside their feature (route, serve, users)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["REGISTER"]

REGISTER: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]
