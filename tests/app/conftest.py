"""Fixtures the page tests share: one Chromium for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from _browser import launch_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return the session's Chromium (Playwright's sync API allows one per thread)."""
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()
