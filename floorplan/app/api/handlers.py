"""The JSON API's Tornado handlers: parse and check parameters, answer from the snapshot.

Each request reads the server's current :class:`~floorplan.app.context.VenueSnapshot`
once (a publish swaps it whole, so one request never mixes two layouts) and answers from
:mod:`floorplan.app.api.payloads`. Handlers are stateless: no session, no cookie.
"""

from __future__ import annotations

import json
from typing import Any, Final

from floorplan import i18n
from floorplan.app.api import payloads as P
from floorplan.app.api.errors import ApiError
from floorplan.app.api.http import BaseHandler, answers
from floorplan.app.api.openapi import openapi_document
from floorplan.app.context import VenueContext, VenueSnapshot
from floorplan.errors import FloorplanError
from floorplan.i18n import Lang
from floorplan.routing import MAX_TOUR_STOPS

__all__ = [
    "ApiHandler",
    "EventsHandler",
    "LayerHandler",
    "NotFoundHandler",
    "OpenApiHandler",
    "PlaceHandler",
    "RouteHandler",
    "SearchHandler",
    "TourHandler",
    "VenueHandler",
]

JSON: Final = "application/json; charset=utf-8"
GEOJSON: Final = "application/geo+json; charset=utf-8"
_TRUE: Final = {"1", "true", "yes", "on"}
_FALSE: Final = {"", "0", "false", "no", "off"}


class ApiHandler(BaseHandler):
    """A handler of the API: the server's context, typed parameters, JSON answers."""

    ctx: VenueContext

    def initialize(self, ctx: VenueContext | None = None, **kwargs: Any) -> None:  # type: ignore[override]
        """Keep the server's context and the API's options."""
        super().initialize(**kwargs)
        if ctx is None:  # pragma: no cover - the routes always pass it
            msg = "an API handler needs the server's VenueContext"
            raise TypeError(msg)
        self.ctx = ctx

    # --- parameters ----------------------------------------------------------------------
    def text_arg(self, name: str, *, required: bool = False, max_chars: int = 200) -> str:
        """Return query parameter ``name`` stripped ('' when absent and not ``required``).

        Raises
        ------
        ApiError
            400 naming ``name`` when it is missing but required, or too long.
        """
        value = (self.get_query_argument(name, "") or "").strip()
        if required and not value:
            raise ApiError(400, f"the query parameter {name!r} is required", name)
        if len(value) > max_chars:
            raise ApiError(400, f"{name!r} is longer than {max_chars} characters", name)
        return value

    def lang_arg(self) -> Lang:
        """Return ``lang`` (default English).

        Raises
        ------
        ApiError
            400 for a language other than ``en`` or ``zh``.
        """
        value = self.text_arg("lang") or Lang.EN.value
        try:
            return i18n.parse_lang(value)
        except FloorplanError as exc:
            raise ApiError(400, str(exc), "lang") from None

    def crs_arg(self) -> P.Crs:
        """Return ``crs``: ``wgs84`` (default, RFC 7946) or ``venue`` (metres).

        Raises
        ------
        ApiError
            400 for another value.
        """
        value = self.text_arg("crs").lower() or P.Crs.WGS84.value
        try:
            return P.Crs(value)
        except ValueError:
            valid = ", ".join(c.value for c in P.Crs)
            raise ApiError(400, f"unknown crs {value!r}; valid: {valid}", "crs") from None

    def bool_arg(self, name: str) -> bool:
        """Return a yes/no query parameter (``1/true/yes`` or ``0/false/no``; absent: no).

        Raises
        ------
        ApiError
            400 for any other value.
        """
        value = self.text_arg(name).lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ApiError(400, f"{name}={value!r} is neither true nor false", name)

    # --- answers -------------------------------------------------------------------------
    def send_json(self, snap: VenueSnapshot, body: bytes, *, content_type: str = JSON) -> None:
        """Send ``body`` tagged with the layout it was made from."""
        self.set_header("X-Layout-Version", P.layout_tag(snap))
        self.send_body(
            body,
            content_type=content_type,
            tag=P.layout_tag(snap),
            cache_control=f"public, max-age={self.api_options.max_age_s}",
        )


class VenueHandler(ApiHandler):
    """``GET /api/v1/venue``."""

    @answers
    def get(self) -> None:
        """Answer the venue's name, dates, levels, halls, zones and layout version."""
        snap = self.ctx.snapshot
        self.send_json(snap, P.venue_payload(snap))

    head = get


class LayerHandler(ApiHandler):
    """``GET /api/v1/layers/{layer}?crs=&hall=&fields=``."""

    @answers
    def get(self, layer: str) -> None:
        """Answer one layer as a GeoJSON FeatureCollection."""
        snap = self.ctx.snapshot
        crs = self.crs_arg()
        hall = self.text_arg("hall", max_chars=100)
        fields = tuple(f for f in self.text_arg("fields", max_chars=500).split(",") if f)
        body = P.layer_payload(snap, layer, crs=crs, hall=hall, fields=fields)
        self.send_json(snap, body, content_type=GEOJSON)

    head = get


class EventsHandler(ApiHandler):
    """``GET /api/v1/events?lang=``."""

    @answers
    def get(self) -> None:
        """Answer the fair's programme."""
        snap = self.ctx.snapshot
        self.send_json(snap, P.events_payload(snap, lang=self.lang_arg()))

    head = get


class SearchHandler(ApiHandler):
    """``GET /api/v1/search?q=&lang=&limit=&near=``."""

    @answers
    def get(self) -> None:
        """Answer the kiosk's search hits for ``q``."""
        snap = self.ctx.snapshot
        text = self.text_arg("q", required=True, max_chars=P.MAX_QUERY_CHARS)
        lang = self.lang_arg()
        near = self.text_arg("near", max_chars=100)
        raw = self.text_arg("limit") or "20"
        try:
            limit = int(raw)
        except ValueError:
            raise ApiError(400, f"limit={raw!r} is not a whole number", "limit") from None
        if limit < 1:
            raise ApiError(400, f"limit must be at least 1, not {limit}", "limit")
        limit = min(limit, P.MAX_LIMIT)
        self.send_json(snap, P.search_payload(snap, text, lang=lang, limit=limit, near=near))

    head = get


class PlaceHandler(ApiHandler):
    """``GET /api/v1/places/{id}?lang=&crs=``."""

    @answers
    def get(self, place_id: str) -> None:
        """Answer what a booth, amenity, door or kiosk is, and where."""
        snap = self.ctx.snapshot
        body = P.place_payload(snap, place_id, lang=self.lang_arg(), crs=self.crs_arg())
        self.send_json(snap, body)

    head = get


class RouteHandler(ApiHandler):
    """``GET /api/v1/route?from=&to=&via=&accessible=&lang=&crs=``."""

    @answers
    def get(self) -> None:
        """Answer the shortest walk as a GeoJSON Feature with its steps."""
        snap = self.ctx.snapshot
        origin = self.text_arg("from", required=True, max_chars=100)
        destination = self.text_arg("to", required=True, max_chars=100)
        via = [
            v.strip()
            for arg in self.get_query_arguments("via")
            for v in arg.split(";")
            if v.strip()
        ]
        if len(via) > P.MAX_VIA:
            raise ApiError(400, f"at most {P.MAX_VIA} via stops, not {len(via)}", "via")
        body = P.route_payload(
            snap,
            origin,
            destination,
            via=via,
            accessible=self.bool_arg("accessible"),
            lang=self.lang_arg(),
            crs=self.crs_arg(),
        )
        self.send_json(snap, body, content_type=GEOJSON)

    head = get


class TourHandler(ApiHandler):
    """``POST /api/v1/tour`` with ``{"from", "stops", "return_to", "accessible", "lang"}``."""

    @answers
    def post(self) -> None:
        """Answer the shortest walk through every stop, in the order walked."""
        snap = self.ctx.snapshot
        kind = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "send the tour as JSON (Content-Type: application/json)", "body")
        try:
            body = json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, f"the body is not JSON: {exc}", "body") from None
        if not isinstance(body, dict):
            raise ApiError(400, "the body must be a JSON object", "body")
        origin = _field(body, "from", str, required=True)
        stops = _field(body, "stops", list, required=True)
        if not stops or not all(isinstance(s, str) and s for s in stops):
            raise ApiError(400, "stops must be a non-empty list of place ids", "stops")
        if len(stops) > MAX_TOUR_STOPS:
            raise ApiError(400, f"at most {MAX_TOUR_STOPS} stops, not {len(stops)}", "stops")
        lang_value = _field(body, "lang", str) or Lang.EN.value
        try:
            lang = i18n.parse_lang(lang_value)
        except FloorplanError as exc:
            raise ApiError(400, str(exc), "lang") from None
        crs_value = _field(body, "crs", str) or P.Crs.WGS84.value
        if crs_value not in {c.value for c in P.Crs}:
            raise ApiError(400, f"unknown crs {crs_value!r}", "crs")
        answer = P.tour_payload(
            snap,
            origin,
            stops,
            return_to=_field(body, "return_to", str) or "",
            accessible=bool(_field(body, "accessible", bool)),
            lang=lang,
            crs=P.Crs(crs_value),
        )
        self.set_header("X-Layout-Version", P.layout_tag(snap))
        # A POST answer is not cached by anyone; its ETag still names the layout.
        self.send_body(
            answer, content_type=GEOJSON, tag=P.layout_tag(snap), cache_control="no-store"
        )


def _field(body: dict[str, Any], name: str, kind: type, *, required: bool = False) -> Any:
    """Return ``body[name]`` if it is a ``kind`` (``None`` when absent and not required).

    Raises
    ------
    ApiError
        400 naming the field when it is missing but required, or of another type.
    """
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"the field {name!r} is required", name)
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApiError(400, f"the field {name!r} must be a {kind.__name__}", name)
    return value


class OpenApiHandler(ApiHandler):
    """``GET /api/v1/openapi.json``: the API described as OpenAPI 3.1."""

    @answers
    def get(self) -> None:
        """Answer the OpenAPI document."""
        host = self.request.host or "localhost"
        body = json.dumps(openapi_document(f"{self.request.protocol}://{host}")).encode()
        self.send_body(body, content_type=JSON, tag="api", cache_control="public, max-age=300")

    head = get


class NotFoundHandler(ApiHandler):
    """Any other path under ``/api/``: a JSON 404 naming the known endpoints."""

    def prepare(self) -> None:
        """Answer 404 whatever the method."""
        self.fail(
            ApiError(
                404,
                f"no endpoint {self.request.path!r}; see /api/v1/openapi.json",
                "path",
            )
        )
