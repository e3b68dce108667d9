"""The venue as a stateless JSON API, and ``/m``, the phone page that runs on it.

Plain Tornado handlers served by the same ``floorplan serve`` as the Panel pages (Panel's
``extra_patterns``), with no Bokeh session: each request reads the server's current
:class:`~floorplan.app.context.VenueSnapshot` and answers from it.

- ``/api/v1/...``: venue, layers (GeoJSON), events, search, places, routes and tours,
  described at ``/api/v1/openapi.json`` (:mod:`~floorplan.app.api.handlers`,
  :mod:`~floorplan.app.api.payloads`, :mod:`~floorplan.app.api.openapi`);
- ``/m``: the phone page (:mod:`~floorplan.app.api.phone`): MapLibre GL JS drawing the
  API's GeoJSON, search, routes with steps, English and Chinese.

``docs/api.md`` documents both.
"""

from __future__ import annotations

from typing import Any, Final

from floorplan.app.api.errors import ApiError
from floorplan.app.api.http import ApiOptions
from floorplan.app.api.payloads import cache_of
from floorplan.app.context import VenueContext

__all__ = ["API_PREFIX", "ApiError", "ApiOptions", "cache_of", "web_patterns"]

#: Where the API is served.
API_PREFIX: Final = "/api/v1"


def web_patterns(ctx: VenueContext, options: ApiOptions | None = None) -> list[tuple[Any, ...]]:
    """Return the Tornado routes of the API and the phone page, for Panel's ``extra_patterns``."""
    from floorplan.app.api import handlers as H  # noqa: PLC0415 - tornado on demand
    from floorplan.app.api import phone  # noqa: PLC0415

    api = {"ctx": ctx, "options": options or ApiOptions()}
    page = {"options": options or ApiOptions()}
    return [
        (rf"{API_PREFIX}/venue/?", H.VenueHandler, api),
        (rf"{API_PREFIX}/layers/([a-z_]+)/?", H.LayerHandler, api),
        (rf"{API_PREFIX}/events/?", H.EventsHandler, api),
        (rf"{API_PREFIX}/search/?", H.SearchHandler, api),
        (rf"{API_PREFIX}/places/([^/]+)/?", H.PlaceHandler, api),
        (rf"{API_PREFIX}/route/?", H.RouteHandler, api),
        (rf"{API_PREFIX}/tour/?", H.TourHandler, api),
        (rf"{API_PREFIX}/openapi\.json", H.OpenApiHandler, api),
        (r"/api/.*", H.NotFoundHandler, api),
        (r"/m/?", phone.PhonePageHandler, page),
        (r"/m/(.+)", phone.PhoneAssetHandler, page),
    ]
