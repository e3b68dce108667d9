"""The phone page's files over HTTP: versioned URLs, long caching, gzip, CSP, the licence."""

from __future__ import annotations

import base64
import gzip
import html
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from floorplan.app.api.phone import CONTENT_SECURITY_POLICY, MAPLIBRE_VERSION, PHONE_DIR
from floorplan.app.context import VenueContext, assets_path

from _api import Api
from _api import api_error as _error
from _browser import kiosk_venue

VENDOR = PHONE_DIR / "vendor" / f"maplibre-gl-{MAPLIBRE_VERSION}"


@pytest.fixture(scope="module")
def api() -> Iterator[Api]:
    server = Api(VenueContext(kiosk_venue()))
    yield server
    server.stop()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        url = a.get("src") or (a.get("href") if tag == "link" else None)
        if url:
            self.urls.append(url)


def test_page_names_its_files_by_digest(api: Api) -> None:
    r = api.get("/m?from=K1&to=A-101")
    assert r.status == 200
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert r.headers["cache-control"] == "no-cache"
    links = _Links()
    links.feed(r.body.decode())
    assert links.inline_scripts == 0  # the CSP allows none
    assert len(links.urls) == 5
    for url in links.urls:
        assert re.fullmatch(r"/m/[\w./-]+\?v=[0-9a-f]{16}", url), url
        asset = api.get(url, **{"Accept-Encoding": "gzip"})
        assert asset.status == 200, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert any(f"maplibre-gl-{MAPLIBRE_VERSION}/maplibre-gl.js" in u for u in links.urls)


def test_maplibre_is_the_pinned_build_with_its_licence(api: Api) -> None:
    js = (VENDOR / "maplibre-gl.js").read_text(encoding="utf-8")
    assert f"v{MAPLIBRE_VERSION}/LICENSE.txt" in js.splitlines()[2]
    licence = api.get(f"/m/vendor/maplibre-gl-{MAPLIBRE_VERSION}/LICENSE.txt")
    assert licence.status == 200
    assert b"BSD" in licence.body
    packed = api.get(
        f"/m/vendor/maplibre-gl-{MAPLIBRE_VERSION}/maplibre-gl.js", **{"Accept-Encoding": "gzip"}
    )
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed.raw) == (VENDOR / "maplibre-gl.js").read_bytes()
    assert packed.headers["cache-control"] == "no-cache"  # unversioned URL: revalidate


def test_theme_css_names_the_colours(api: Api) -> None:
    css = api.get("/m/theme.css").body.decode()
    for name in ("route", "map-ground", "zone-energy", "hall-fill"):
        assert f"--fp-{name}: #" in css


def test_unknown_files_are_404(api: Api) -> None:
    _error(api.get("/m/nothing.js"), 404, "path")
    _error(api.get("/m/../pyproject.toml"), 404)
    _error(api.get("/m/vendor/README.md"), 404, "path")


def test_the_page_carries_every_icon(api: Api) -> None:
    page = api.get("/m").body.decode()
    found = re.search(r'data-icons="([^"]*)"', page)
    assert found is not None
    icons = json.loads(html.unescape(found.group(1)))
    on_disk = {p.stem: p.read_bytes() for p in (assets_path() / "icons").glob("*.svg")}
    assert set(icons) == set(on_disk)
    assert {"you_are_here", "other", "restroom"} <= set(on_disk)
    prefix = "data:image/svg+xml;base64,"
    for kind, url in icons.items():
        assert url.startswith(prefix), kind
        assert base64.b64decode(url.removeprefix(prefix)) == on_disk[kind]
