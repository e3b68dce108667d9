"""Fixtures the pages' browser tests share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from _browser import launch_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Return one headless Chromium for the session.

    One Playwright for every module that asks: a second ``sync_playwright`` started while
    the first is open fails ("Sync API inside the asyncio loop").
    """
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()
