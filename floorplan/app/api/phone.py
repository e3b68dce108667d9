"""Serve ``/m``, the phone page: one static page, its script, style and MapLibre GL JS.

No Bokeh session: the page is HTML rendered once per server (``templates/phone.html``),
and everything it shows comes from the JSON API. Its files live in
``floorplan/app/phone/`` and ship in the wheel; the page names each with a digest of its
content (``/m/m.js?v=1a2b…``), so a browser keeps them for a year and fetches a file
again only when it changed. Text (English and Chinese) comes from :mod:`floorplan.i18n`,
colours from :mod:`floorplan.app.theme` (as CSS variables in ``/m/theme.css``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from floorplan import i18n
from floorplan.app import theme
from floorplan.app.api.errors import ApiError
from floorplan.app.api.http import BaseHandler, answers
from floorplan.app.context import assets_path
from floorplan.app.resources import render
from floorplan.i18n import Lang

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "MAPLIBRE_VERSION",
    "PHONE_DIR",
    "PhoneAssetHandler",
    "PhonePageHandler",
    "phone_strings",
]

#: The phone page's files (script, style, vendored libraries).
PHONE_DIR: Final = Path(__file__).resolve().parents[1] / "phone"
#: The MapLibre GL JS the page runs (``phone/vendor/maplibre-gl-VERSION/``).
MAPLIBRE_VERSION: Final = "5.24.1"
_VENDOR: Final = f"vendor/maplibre-gl-{MAPLIBRE_VERSION}"
#: Only this server's own files; MapLibre starts its worker from a ``blob:`` URL and
#: draws icons from ``data:``/``blob:`` images; no inline script or style.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; worker-src 'self' blob:; child-src blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'none'"
)
_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
#: The catalogue keys the page shows (sent to it in both languages).
_STRING_KEYS: Final = (
    "app.title",
    "lang.toggle",
    "search.placeholder",
    "search.none",
    "kind.exhibitor",
    "kind.booth",
    "kind.product",
    "kind.zone",
    "kind.amenity",
    "kind.event",
    "you_are_here",
    "card.distance",
    "card.no_route",
    "card.steps",
    "card.close",
    "toggle.accessible",
    "phone.no_origin",
    "phone.offline",
    "phone.back_online",
    "phone.loading",
    "phone.failed",
)


@dataclass(frozen=True)
class _Asset:
    body: bytes
    content_type: str
    digest: str


def _colour_rules() -> str:
    """Return ``:root`` rules naming the map's and page's colours as CSS variables."""
    colours = {**theme.CSS_VARIABLES, **theme.PHONE_VARIABLES}
    body = " ".join(f"--fp-{name}: {colour};" for name, colour in colours.items())
    return f":root {{ {body} }}\n"


@cache
def _assets() -> dict[str, _Asset]:
    """Return every file the page may load, by URL path under ``/m/`` (read once)."""
    out: dict[str, _Asset] = {}
    files = {
        p.relative_to(PHONE_DIR).as_posix(): p.read_bytes()
        for p in PHONE_DIR.rglob("*")
        if p.is_file()
    }
    files["theme.css"] = _colour_rules().encode()
    for name, body in files.items():
        suffix = Path(name).suffix
        kind = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        digest = hashlib.blake2b(body, digest_size=8).hexdigest()
        out[name] = _Asset(body, kind, digest)
    return out


@cache
def icon_urls() -> dict[str, str]:
    """Return each map icon (by amenity kind, and ``you_are_here``) as a ``data:`` URL.

    The ten icons are 3.6 KB (0.6 KB gzipped) in the page itself: ten requests fewer per
    visitor, a quarter of a phone's requests in the load test, and no round trips on a
    crowded fair Wi-Fi.
    """
    icons = sorted((assets_path() / "icons").glob("*.svg"))
    return {
        p.stem: "data:image/svg+xml;base64," + base64.b64encode(p.read_bytes()).decode()
        for p in icons
    }


def asset_url(name: str) -> str:
    """Return the URL of page file ``name`` with its content digest (cached for a year)."""
    return f"/m/{name}?v={_assets()[name].digest}"


def phone_strings() -> dict[str, dict[str, str]]:
    """Return the page's text by catalogue key, in each language."""
    return {
        key: {lang.value: i18n.CATALOGUE[key][i] for i, lang in enumerate(Lang)}
        for key in _STRING_KEYS
    }


@cache
def _page() -> bytes:
    html = render(
        "phone.html",
        title=i18n.text("app.title", Lang.EN),
        maplibre_css=asset_url(f"{_VENDOR}/maplibre-gl.css"),
        maplibre_js=asset_url(f"{_VENDOR}/maplibre-gl.js"),
        theme_css=asset_url("theme.css"),
        page_css=asset_url("m.css"),
        page_js=asset_url("m.js"),
        strings=json.dumps(phone_strings(), ensure_ascii=False, sort_keys=True),
        icons=json.dumps(icon_urls(), sort_keys=True),
        placeholder=i18n.text("search.placeholder", Lang.EN),
    )
    return html.encode()


class PhonePageHandler(BaseHandler):
    """``GET /m``: the phone page (its query, ``from``/``to``/``lang``, is read in the page)."""

    @answers
    def get(self) -> None:
        """Answer the page; the browser revalidates it each time (it names its files)."""
        body = _page()
        self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.set_header("Referrer-Policy", "no-referrer")
        self.send_body(
            body,
            content_type="text/html; charset=utf-8",
            tag="m",
            cache_control="no-cache",
        )

    head = get


class PhoneAssetHandler(BaseHandler):
    """``GET /m/{file}``: the page's script, style, theme and vendored libraries."""

    @answers
    def get(self, name: str) -> None:
        """Answer one file; with its digest in the URL it is kept for a year."""
        asset = _assets().get(name)
        if asset is None or name.endswith(".md"):
            raise ApiError(404, f"no file {name!r} on the phone page", "path")
        versioned = self.get_query_argument("v", "") == asset.digest
        self.send_body(
            asset.body,
            content_type=asset.content_type,
            tag="m",
            cache_control="public, max-age=31536000, immutable" if versioned else "no-cache",
        )

    head = get
