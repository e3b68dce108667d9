"""Describe the JSON API as an OpenAPI 3.1 document (served at ``/api/v1/openapi.json``).

``tests/app/api/test_api.py`` checks that every path here is served and every route the
server serves is here, so the description cannot drift from the handlers.
"""

from __future__ import annotations

from typing import Any, Final

from floorplan.app.api.payloads import MAX_LIMIT, MAX_QUERY_CHARS, MAX_VIA
from floorplan.schema import LAYERS
from floorplan.search import HitKind

__all__ = ["API_VERSION", "openapi_document"]

API_VERSION: Final = "1.0.0"


def _param(
    name: str, where: str, description: str, schema: dict[str, Any], *, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "description": description,
        "schema": schema,
    }


_LANG = _param("lang", "query", "Language of names and steps.", {"enum": ["en", "zh"]})
_CRS = _param(
    "crs",
    "query",
    "Coordinates: WGS 84 longitude/latitude (RFC 7946, the default) or the venue's "
    "projected metres.",
    {"enum": ["wgs84", "venue"], "default": "wgs84"},
)
_ERRORS: Final = {
    "400": {"$ref": "#/components/responses/BadParameter"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def _ok(description: str, schema: dict[str, Any], media: str = "application/json") -> Any:
    return {
        "200": {
            "description": description,
            "headers": {
                "ETag": {"$ref": "#/components/headers/ETag"},
                "X-Layout-Version": {"$ref": "#/components/headers/LayoutVersion"},
            },
            "content": {media: {"schema": schema}},
        },
        "304": {"description": "Not modified: the ETag given in If-None-Match is current."},
    }


def _paths() -> dict[str, Any]:  # long: one declarative table, an entry per endpoint
    route_params = [
        _param(
            "from",
            "query",
            "Start: a place id, or 'lon,lat' ('x,y' with crs=venue).",
            {"type": "string"},
            required=True,
        ),
        _param(
            "to",
            "query",
            "Destination: a place id or a coordinate pair.",
            {"type": "string"},
            required=True,
        ),
        _param(
            "via",
            "query",
            f"Places to pass in order (repeat, or join with ';'); at most {MAX_VIA}.",
            {"type": "array", "items": {"type": "string"}},
        ),
        _param(
            "accessible",
            "query",
            "Step-free doors only, at the accessible pace.",
            {"type": "boolean", "default": False},
        ),
        _LANG,
        _CRS,
    ]
    return {
        "/api/v1/venue": {
            "get": {
                "summary": "The venue: name, dates, levels, halls, zones (names, colours), "
                "amenity kinds, kiosks and the layout version.",
                "operationId": "getVenue",
                "responses": _ok("The venue.", {"$ref": "#/components/schemas/Venue"}),
            }
        },
        "/api/v1/layers/{layer}": {
            "get": {
                "summary": "One layer as a GeoJSON FeatureCollection.",
                "operationId": "getLayer",
                "parameters": [
                    _param("layer", "path", "The layer.", {"enum": list(LAYERS)}),
                    _CRS,
                    _param("hall", "query", "Only the features of this hall.", {"type": "string"}),
                    _param(
                        "fields",
                        "query",
                        "Only these properties (comma-separated; the id is always kept).",
                        {"type": "string"},
                    ),
                ],
                "responses": _ok(
                    "The layer.",
                    {"$ref": "#/components/schemas/FeatureCollection"},
                    "application/geo+json",
                )
                | _ERRORS,
            }
        },
        "/api/v1/events": {
            "get": {
                "summary": "The fair's programme, each event with its place.",
                "operationId": "getEvents",
                "parameters": [_LANG],
                "responses": _ok("The events.", {"type": "object"}) | _ERRORS,
            }
        },
        "/api/v1/search": {
            "get": {
                "summary": "Find exhibitors, booths, products, zones, services and events "
                "(English, Chinese, pinyin, typos).",
                "operationId": "search",
                "parameters": [
                    _param(
                        "q",
                        "query",
                        "What was typed so far.",
                        {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS},
                        required=True,
                    ),
                    _LANG,
                    _param(
                        "limit",
                        "query",
                        f"The most hits (larger values are cut to {MAX_LIMIT}).",
                        {"type": "integer", "minimum": 1, "default": 20},
                    ),
                    _param(
                        "near",
                        "query",
                        "A place id: among equal hits, nearer ones first.",
                        {"type": "string"},
                    ),
                ],
                "responses": _ok("The hits, best first.", {"$ref": "#/components/schemas/Search"})
                | _ERRORS,
            }
        },
        "/api/v1/places/{id}": {
            "get": {
                "summary": "A booth, amenity, door or kiosk: its name, properties and geometry.",
                "operationId": "getPlace",
                "parameters": [
                    _param("id", "path", "The place id.", {"type": "string"}),
                    _LANG,
                    _CRS,
                ],
                "responses": _ok("The place.", {"type": "object"}) | _ERRORS,
            }
        },
        "/api/v1/route": {
            "get": {
                "summary": "The shortest walk: a GeoJSON LineString Feature with length, "
                "duration and steps.",
                "operationId": "getRoute",
                "parameters": route_params,
                "responses": _ok(
                    "The route.", {"$ref": "#/components/schemas/Route"}, "application/geo+json"
                )
                | _ERRORS
                | {"422": {"$ref": "#/components/responses/NoRoute"}},
            }
        },
        "/api/v1/tour": {
            "post": {
                "summary": "The shortest walk through every stop, in the best order.",
                "operationId": "postTour",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/TourRequest"}}
                    },
                },
                "responses": _ok(
                    "The tour.", {"$ref": "#/components/schemas/Route"}, "application/geo+json"
                )
                | _ERRORS
                | {
                    "413": {"$ref": "#/components/responses/TooLarge"},
                    "415": {"$ref": "#/components/responses/BadParameter"},
                    "422": {"$ref": "#/components/responses/NoRoute"},
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This description.",
                "operationId": "getOpenApi",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }


def _components() -> dict[str, Any]:  # long: one declarative table of the API's schemas
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "code", "message"],
                "properties": {
                    "status": {"type": "integer"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "parameter": {"type": "string", "description": "The parameter at fault."},
                },
            }
        },
    }

    def response(text: str) -> dict[str, Any]:
        return {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }

    named = {"type": "object", "properties": {"en": {"type": "string"}, "zh": {"type": "string"}}}
    return {
        "schemas": {
            "Error": error,
            "Venue": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "dates": {"type": "array", "items": {"type": "string", "format": "date"}},
                    "layout_version": {"type": ["integer", "null"]},
                    "layout_tag": {"type": "string"},
                    "crs": {"type": "string"},
                    "bbox": {"type": "array", "items": {"type": "number"}, "minItems": 4},
                    "levels": {"type": "array", "items": {"type": "integer"}},
                    "halls": {"type": "array", "items": {"type": "object"}},
                    "zones": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "name": named,
                                "colour": {"type": "string"},
                            },
                        },
                    },
                    "amenity_kinds": {"type": "array", "items": {"type": "object"}},
                    "kiosks": {"type": "array", "items": {"type": "object"}},
                },
            },
            "FeatureCollection": {
                "type": "object",
                "required": ["type", "features"],
                "properties": {
                    "type": {"const": "FeatureCollection"},
                    "features": {"type": "array"},
                },
            },
            "Search": {
                "type": "object",
                "properties": {
                    "query": {"type": "string"},
                    "hits": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "kind": {"enum": [k.value for k in HitKind]},
                                "key": {"type": "string"},
                                "text": {"type": "string"},
                                "target": {"type": ["string", "null"]},
                                "score": {"type": "number"},
                                "point": {"type": ["array", "null"], "items": {"type": "number"}},
                            },
                        },
                    },
                },
            },
            "Route": {
                "type": "object",
                "properties": {
                    "type": {"const": "Feature"},
                    "geometry": {"type": "object", "properties": {"type": {"const": "LineString"}}},
                    "properties": {
                        "type": "object",
                        "properties": {
                            "length_m": {"type": "number"},
                            "duration_s": {"type": "number"},
                            "steps": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "kind": {"type": "string"},
                                        "distance_m": {"type": "number"},
                                        "text": {"type": "string"},
                                        "point": {"type": "array", "items": {"type": "number"}},
                                    },
                                },
                            },
                            "order": {"type": "array", "items": {"type": "string"}},
                        },
                    },
                },
            },
            "TourRequest": {
                "type": "object",
                "required": ["from", "stops"],
                "properties": {
                    "from": {"type": "string"},
                    "stops": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                    "return_to": {"type": "string"},
                    "accessible": {"type": "boolean"},
                    "lang": {"enum": ["en", "zh"]},
                    "crs": {"enum": ["wgs84", "venue"]},
                },
            },
        },
        "responses": {
            "BadParameter": response("A parameter is missing or wrong; 'parameter' names it."),
            "NotFound": response("No such place, layer, hall or endpoint."),
            "NoRoute": response("No walkable route joins the places; the message says why."),
            "TooLarge": response("The request body is too large."),
        },
        "headers": {
            "ETag": {
                "description": "Strong; changes with the published layout version.",
                "schema": {"type": "string"},
            },
            "LayoutVersion": {
                "description": "'v7' for layout store version 7, 'file' for the venue file.",
                "schema": {"type": "string"},
            },
        },
    }


def openapi_document(server_url: str = "") -> dict[str, Any]:
    """Return the API's OpenAPI 3.1 description (``server_url``: where it is served)."""
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "floorplan venue API",
            "version": API_VERSION,
            "description": "The venue, its layers as GeoJSON, search and walking routes of "
            "a floorplan server. Stateless; answers carry ETags tied to the published layout "
            "version. See docs/api.md.",
            "license": {"name": "MIT"},
        },
        "paths": _paths(),
        "components": _components(),
    }
    if server_url:
        doc["servers"] = [{"url": server_url}]
    return doc
