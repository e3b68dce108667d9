"""The JSON API over real HTTP: every endpoint, every error, ETags, gzip, CORS, publishes."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely
from pyproj import Transformer

from floorplan.app.api import ApiOptions, web_patterns
from floorplan.app.api import payloads as P
from floorplan.app.api.http import MAX_BODY_BYTES
from floorplan.app.api.openapi import openapi_document
from floorplan.app.context import VenueContext, VenueSnapshot, search_cache_dir
from floorplan.errors import PublishRefusedError
from floorplan.i18n import hall_name, level_name
from floorplan.io.store import LayoutStore
from floorplan.layout import LayoutEditor
from floorplan.routing import MAX_TOUR_STOPS
from floorplan.rules import PublishGate
from floorplan.schema import LAYERS, Col
from floorplan.venue import Venue

from _api import Api, Reply, api_error
from _browser import XSS_NAME, ZH_NAME, kiosk_venue

_error = api_error


@pytest.fixture(scope="module")
def venue() -> Venue:
    return kiosk_venue()


@pytest.fixture(scope="module")
def api(venue: Venue) -> Iterator[Api]:
    server = Api(VenueContext(venue))
    yield server
    server.stop()


# --- venue -------------------------------------------------------------------------------
def test_venue(api: Api, venue: Venue) -> None:
    r = api.get("/api/v1/venue")
    assert r.status == 200
    body = r.json()
    assert body["name"] == venue.name
    assert body["layout_version"] is None
    assert body["layout_tag"] == "file"
    assert [h["id"] for h in body["halls"]] == list(venue.halls[Col.HALL_ID])
    assert {z["id"] for z in body["zones"]} == {
        "automobile",
        "agriculture",
        "energy",
        "digital",
        "health",
        "services",
    }
    assert all(z["name"]["zh"] and z["colour"].startswith("#") for z in body["zones"])
    to_wgs = Transformer.from_crs(venue.crs, "EPSG:4326", always_xy=True)
    x0, y0, x1, y1 = venue.halls.total_bounds
    expected = [*to_wgs.transform(x0, y0), *to_wgs.transform(x1, y1)]
    assert body["bbox"] == pytest.approx(expected, abs=1e-7)
    assert body["counts"]["booths"] == len(venue.booths)
    assert r.headers["x-layout-version"] == "file"
    # Hall and floor names in both languages, as the kiosk and the steps word them.
    for hall, row in zip(body["halls"], venue.halls.to_dict("records"), strict=True):
        assert hall["name"] == {"en": hall_name(row, "en"), "zh": hall_name(row, "zh")}
        assert hall["level_name"]["zh"] == level_name(hall["level"], "zh")
        assert hall["level_name"]["zh"] != hall["level_name"]["en"]


def test_etag_and_not_modified(api: Api) -> None:
    r = api.get("/api/v1/venue")
    etag = r.headers["etag"]
    assert etag.startswith('"file-')
    assert etag.endswith('"')
    again = api.get("/api/v1/venue", **{"If-None-Match": etag})
    assert again.status == 304
    assert again.raw == b""
    other = api.get("/api/v1/venue", **{"If-None-Match": '"file-0000"'})
    assert other.status == 200
    assert "max-age" in r.headers["cache-control"]


def test_gzip_when_accepted(api: Api) -> None:
    plain = api.get("/api/v1/layers/booths")
    packed = api.get("/api/v1/layers/booths", **{"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert len(packed.raw) < len(plain.raw)
    assert packed.body == plain.raw
    # Each representation has its own strong ETag.
    assert packed.headers["etag"] != plain.headers["etag"]
    assert "Accept-Encoding" in packed.headers["vary"]


def test_head(api: Api) -> None:
    r = api.call("HEAD", "/api/v1/venue", headers={})
    assert r.status == 200
    assert r.raw == b""
    assert r.headers["etag"]


# --- layers ------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", LAYERS)
def test_layers_in_wgs84_and_venue_metres(api: Api, venue: Venue, layer: str) -> None:
    frame = getattr(venue, layer)
    r = api.get(f"/api/v1/layers/{layer}")
    assert r.status == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    fc = r.json()
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc
    assert len(fc["features"]) == len(frame)
    metres = api.get(f"/api/v1/layers/{layer}?crs=venue").json()
    assert metres["crs"]["properties"]["name"] == "EPSG:32650"
    to_wgs = Transformer.from_crs(venue.crs, "EPSG:4326", always_xy=True)
    for f_wgs, f_m, geom in zip(fc["features"], metres["features"], frame.geometry, strict=True):
        assert f_wgs["properties"] == f_m["properties"]
        g_m = shapely.geometry.shape(f_m["geometry"])
        assert g_m.equals_exact(geom, 0.001)
        g_wgs = shapely.geometry.shape(f_wgs["geometry"])
        expected = shapely.transform(
            geom, lambda xy: __import__("numpy").column_stack(to_wgs.transform(xy[:, 0], xy[:, 1]))
        )
        assert g_wgs.equals_exact(expected, 1e-6)


def test_layer_properties_are_json_values(api: Api) -> None:
    booths = api.get("/api/v1/layers/booths").json()["features"]
    by_id = {f["id"]: f["properties"] for f in booths}
    assert any(p["exhibitor"] == XSS_NAME for p in by_id.values())  # data, as text
    assert any(p["exhibitor_zh"] == ZH_NAME for p in by_id.values())
    assert all(isinstance(p["open_sides"], int) for p in by_id.values())


def test_layer_of_one_hall(api: Api, venue: Venue) -> None:
    fc = api.get("/api/v1/layers/booths?hall=B").json()
    assert fc["features"]
    assert {f["properties"]["hall_id"] for f in fc["features"]} == {"B"}
    assert len(fc["features"]) == int((venue.booths[Col.HALL_ID] == "B").sum())


def test_layer_fields(api: Api, venue: Venue) -> None:
    fc = api.get("/api/v1/layers/booths?fields=zone,exhibitor_zh").json()
    assert len(fc["features"]) == len(venue.booths)
    # The id is always kept; a column of the format the frame lacks is simply absent.
    assert {k for f in fc["features"] for k in f["properties"]} == {
        "booth_id",
        "zone",
        "exhibitor_zh",
    }
    assert api.get("/api/v1/layers/halls?fields=name_zh").status == 200
    _error(api.get("/api/v1/layers/booths?fields=zone,colour"), 400, "fields")


def test_layer_errors(api: Api) -> None:
    _error(api.get("/api/v1/layers/nope"), 404, "layer")
    _error(api.get("/api/v1/layers/booths?crs=EPSG:3857"), 400, "crs")
    _error(api.get("/api/v1/layers/booths?hall=Z"), 404, "hall")


# --- events ------------------------------------------------------------------------------
def test_events(api: Api, venue: Venue) -> None:
    body = api.get("/api/v1/events?lang=zh").json()
    assert body["lang"] == "zh"
    assert [e["id"] for e in body["events"]] == ["EV1", "EV2"]  # by start time
    ev1 = body["events"][0]
    assert ev1["where"] == "CAFE-1"
    assert ev1["point"]
    assert ev1["starts"].startswith("2023-11-28T09")
    _error(api.get("/api/v1/events?lang=fr"), 400, "lang")


# --- search ------------------------------------------------------------------------------
def test_search_finds_english_chinese_pinyin_and_typos(api: Api) -> None:
    def targets(q: str) -> list[str]:
        return [h["target"] for h in api.get(f"/api/v1/search?q={q}").json()["hits"]]

    assert "A-101" in targets("acme")
    quoted = urllib.request.quote(ZH_NAME)
    assert "A-201" in targets(quoted)  # Sunpower Energy's Chinese name
    assert "B-202" in targets("shuzilong")  # 数字龙 by pinyin
    assert {"WC-A", "WC-B"} <= set(targets("tiolet"))  # a typo


def test_search_labels_in_the_language_asked(api: Api) -> None:
    q = urllib.request.quote("数字龙")
    en = api.get(f"/api/v1/search?q={q}&lang=en").json()["hits"][0]
    zh = api.get(f"/api/v1/search?q={q}&lang=zh").json()["hits"][0]
    assert en["target"] == zh["target"] == "B-202"
    assert en["text"].startswith("Digital Dragon")
    assert zh["text"].startswith("数字龙")
    assert len(zh["point"]) == 2


def test_search_near_puts_the_nearer_first(api: Api) -> None:
    near_a = api.get("/api/v1/search?q=restroom&near=K1").json()["hits"]
    near_b = api.get("/api/v1/search?q=restroom&near=K2").json()["hits"]
    assert near_a[0]["target"] == "WC-A"
    assert near_b[0]["target"] == "WC-B"


def test_search_limit_is_capped(api: Api) -> None:
    body = api.get("/api/v1/search?q=a&limit=100000").json()
    assert body["limit"] == P.MAX_LIMIT
    assert len(api.get("/api/v1/search?q=a&limit=2").json()["hits"]) == 2


def test_search_errors(api: Api) -> None:
    _error(api.get("/api/v1/search"), 400, "q")
    _error(api.get("/api/v1/search?q=%20%20"), 400, "q")
    _error(api.get("/api/v1/search?q=" + "x" * (P.MAX_QUERY_CHARS + 1)), 400, "q")
    _error(api.get("/api/v1/search?q=a&limit=0"), 400, "limit")
    _error(api.get("/api/v1/search?q=a&limit=ten"), 400, "limit")
    _error(api.get("/api/v1/search?q=a&lang=de"), 400, "lang")
    _error(api.get("/api/v1/search?q=a&near=NOWHERE"), 404, "near")


# --- places ------------------------------------------------------------------------------
def test_place_of_a_booth_in_chinese(api: Api) -> None:
    body = api.get("/api/v1/places/A-201?lang=zh").json()
    assert body["layer"] == "booths"
    assert body["exhibitor"] == ZH_NAME
    assert body["name"] == f"{ZH_NAME} · A-201"
    assert body["geometry"]["type"] == "Polygon"
    assert body["products"] == ["solar panel", "inverter"]
    assert body["zone_name"] == "清洁能源链"
    assert body["country"] == "中国"
    assert api.get("/api/v1/places/A-201?lang=en").json()["country"] == "China"


def test_place_of_an_amenity_and_a_kiosk(api: Api) -> None:
    wc = api.get("/api/v1/places/WC-A").json()
    assert (wc["layer"], wc["name"]) == ("amenities", "Restroom · Restroom A")
    k1 = api.get("/api/v1/places/K1?crs=venue").json()
    assert k1["layer"] == "kiosks"
    assert k1["point"] == [30.0, 4.0]  # the venue's metres


def test_place_errors(api: Api) -> None:
    _error(api.get("/api/v1/places/NOPE"), 404, "id")
    _error(api.get("/api/v1/places/A-101?lang=xx"), 400, "lang")


# --- routes ------------------------------------------------------------------------------
def test_route(api: Api) -> None:
    r = api.get("/api/v1/route?from=K1&to=B-101")
    assert r.status == 200
    assert r.headers["content-type"].startswith("application/geo+json")
    f = r.json()
    assert f["type"] == "Feature"
    assert f["geometry"]["type"] == "LineString"
    p = f["properties"]
    assert p["from"] == "K1"
    assert p["to"] == "B-101"
    assert p["halls"] == ["A", "B"]
    assert p["length_m"] > 30
    assert p["duration_s"] > 0
    kinds = [s["kind"] for s in p["steps"]]
    assert kinds[0] == "start"
    assert kinds[-1] == "arrive"
    assert "enter" in kinds
    line = shapely.geometry.shape(f["geometry"])
    lon0, lat0, lon1, lat1 = api.get("/api/v1/venue").json()["bbox"]
    assert line.length > 0
    assert all(lon0 <= x <= lon1 and lat0 <= y <= lat1 for x, y in f["geometry"]["coordinates"])


def test_route_in_chinese_and_in_metres(api: Api, venue: Venue) -> None:
    zh = api.get("/api/v1/route?from=K1&to=A-101&lang=zh").json()
    assert "到达" in zh["properties"]["steps"][-1]["text"]
    m = api.get("/api/v1/route?from=K1&to=A-101&crs=venue").json()
    line = shapely.geometry.LineString(m["geometry"]["coordinates"])
    assert line.length == pytest.approx(m["properties"]["length_m"], abs=0.2)
    assert line.intersects(venue.halls.geometry.iloc[0])


def test_route_via_and_from_coordinates(api: Api, venue: Venue) -> None:
    direct = api.get("/api/v1/route?from=K1&to=B-202").json()["properties"]["length_m"]
    via = api.get("/api/v1/route?from=K1&to=B-202&via=WC-A").json()["properties"]
    assert via["length_m"] > direct
    k1 = venue.kiosks.geometry.iloc[0]
    lon, lat = Transformer.from_crs(venue.crs, "EPSG:4326", always_xy=True).transform(k1.x, k1.y)
    from_point = api.get(f"/api/v1/route?from={lon},{lat}&to=B-202").json()["properties"]
    assert from_point["length_m"] == pytest.approx(direct, abs=0.5)
    metres = api.get(f"/api/v1/route?from={k1.x},{k1.y}&to=B-202&crs=venue").json()
    assert metres["properties"]["length_m"] == pytest.approx(direct, abs=0.5)


def test_route_errors(api: Api) -> None:
    _error(api.get("/api/v1/route?to=A-101"), 400, "from")
    _error(api.get("/api/v1/route?from=K1"), 400, "to")
    _error(api.get("/api/v1/route?from=K1&to=NOPE"), 404, "to")
    _error(api.get("/api/v1/route?from=NOPE&to=A-101"), 404, "from")
    _error(api.get("/api/v1/route?from=K1&to=A-101&via=NOPE"), 404, "via")
    _error(api.get("/api/v1/route?from=K1&to=A-101&accessible=maybe"), 400, "accessible")
    _error(api.get("/api/v1/route?from=K1&to=A-101&crs=utm"), 400, "crs")
    _error(api.get("/api/v1/route?from=999,999&to=A-101"), 400, "from")
    via = "&".join(f"via=A-10{i % 2 + 1}" for i in range(P.MAX_VIA + 1))
    _error(api.get(f"/api/v1/route?from=K1&to=A-101&{via}"), 400, "via")
    # A point outside every hall cannot be walked from: 422 with the router's reason.
    err = _error(api.get("/api/v1/route?from=-50,-50&to=A-101&crs=venue"), 422)
    assert err["code"] == "no_route"


@pytest.fixture(scope="module")
def stepped_api(venue: Venue) -> Iterator[Api]:
    """The kiosk venue with its only door between the halls not step-free."""
    stepped = venue.copy()
    stepped.openings.loc[stepped.openings[Col.OPENING_ID] == "AB-C1", Col.STEP_FREE] = False
    server = Api(VenueContext(stepped))
    yield server
    server.stop()


def test_no_step_free_route_is_422_with_the_reason(stepped_api: Api) -> None:
    ok = stepped_api.get("/api/v1/route?from=K1&to=B-101")
    assert ok.status == 200
    err = _error(stepped_api.get("/api/v1/route?from=K1&to=B-101&accessible=1"), 422)
    assert err["code"] == "no_route"
    assert "B-101" in err["message"]


# --- tours -------------------------------------------------------------------------------
def _post(api: Api, body: Any, *, content_type: str = "application/json") -> Reply:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return api.call("POST", "/api/v1/tour", body=data, headers={"Content-Type": content_type})


def test_tour(api: Api) -> None:
    r = _post(api, {"from": "K1", "stops": ["B-202", "A-101", "WC-B"], "lang": "zh"})
    assert r.status == 200
    p = r.json()["properties"]
    assert sorted(p["order"]) == ["A-101", "B-202", "WC-B"]
    assert p["order"][0] == "A-101"  # the stop in the kiosk's own hall comes first
    assert p["lang"] == "zh"
    assert p["steps"]
    assert r.headers["cache-control"] == "no-store"


def test_tour_errors(api: Api, stepped_api: Api) -> None:
    _error(_post(api, {"from": "K1", "stops": ["A-101"]}, content_type="text/plain"), 415, "body")
    _error(_post(api, b"{not json"), 400, "body")
    _error(_post(api, [1, 2]), 400, "body")
    _error(_post(api, {"stops": ["A-101"]}), 400, "from")
    _error(_post(api, {"from": "K1"}), 400, "stops")
    _error(_post(api, {"from": "K1", "stops": []}), 400, "stops")
    _error(_post(api, {"from": "K1", "stops": [1]}), 400, "stops")
    _error(_post(api, {"from": "K1", "stops": ["A-101"], "accessible": "yes"}), 400, "accessible")
    _error(_post(api, {"from": "K1", "stops": ["A-101"], "lang": "xx"}), 400, "lang")
    many = ["A-101"] * (MAX_TOUR_STOPS + 1)
    _error(_post(api, {"from": "K1", "stops": many}), 400, "stops")
    _error(_post(api, {"from": "K1", "stops": ["NOPE"]}), 404, "stops")
    _error(_post(api, {"from": "K1", "stops": ["A-101"], "return_to": "NOPE"}), 404, "return_to")
    huge = {"from": "K1", "stops": ["A-101"], "pad": "x" * MAX_BODY_BYTES}
    _error(_post(api, huge), 413, "body")
    err = _error(_post(stepped_api, {"from": "K1", "stops": ["B-101"], "accessible": True}), 422)
    assert "B-101" in err["message"]


# --- the API as a whole ------------------------------------------------------------------
def test_unknown_endpoints_and_methods(api: Api) -> None:
    _error(api.get("/api/v1/nothing"), 404, "path")
    _error(api.get("/api/v2/venue"), 404, "path")
    _error(api.call("POST", "/api/v1/venue", body=b"{}", headers={}), 405)
    _error(api.call("DELETE", "/api/v1/tour", headers={}), 405)


def test_long_url_refused(api: Api) -> None:
    _error(api.get("/api/v1/search?q=a&pad=" + "x" * 5000), 414)


def test_internal_failure_is_json_without_traceback(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(snap: VenueSnapshot) -> bytes:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(P, "venue_payload", broken)
    err = _error(api.get("/api/v1/venue"), 500)
    assert "secret" not in err["message"]


def test_openapi_describes_what_is_served(api: Api, venue: Venue) -> None:
    doc = api.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert doc == openapi_document(api.url)
    examples = {
        "/api/v1/layers/{layer}": "/api/v1/layers/halls",
        "/api/v1/places/{id}": "/api/v1/places/A-101",
        "/api/v1/search": "/api/v1/search?q=acme",
        "/api/v1/route": "/api/v1/route?from=K1&to=A-101",
    }
    for path, item in doc["paths"].items():
        method = next(iter(item))
        if method == "get":
            assert api.get(examples.get(path, path)).status == 200, path
        else:
            assert _post(api, {"from": "K1", "stops": ["A-101"]}).status == 200
    served = {p[0] for p in web_patterns(api.ctx) if p[0].startswith("/api/v1/")}
    assert len(served) == len(doc["paths"])


def test_cors_is_off_by_default_and_configurable(api: Api, venue: Venue) -> None:
    r = api.get("/api/v1/venue", Origin="https://other.example")
    assert "access-control-allow-origin" not in r.headers
    listed = Api(VenueContext(venue), ApiOptions(cors_origins=("https://signage.example",)))
    anyone = Api(VenueContext(venue), ApiOptions(cors_origins=("*",)))
    try:
        ok = listed.get("/api/v1/venue", Origin="https://signage.example")
        assert ok.headers["access-control-allow-origin"] == "https://signage.example"
        no = listed.get("/api/v1/venue", Origin="https://other.example")
        assert "access-control-allow-origin" not in no.headers
        pre = listed.call("OPTIONS", "/api/v1/tour", headers={"Origin": "https://signage.example"})
        assert pre.status == 204
        assert "POST" in pre.headers["access-control-allow-methods"]
        star = anyone.get("/api/v1/venue", Origin="https://x.example")
        assert star.headers["access-control-allow-origin"] == "*"
    finally:
        listed.stop()
        anyone.stop()


def test_a_publish_changes_the_etags(venue: Venue) -> None:
    ctx = VenueContext(venue)
    server = Api(ctx)
    try:
        before = server.get("/api/v1/layers/halls")
        search_before = server.get("/api/v1/search?q=acme")
        ctx.publish(VenueSnapshot.build(venue, version=2))
        after = server.get("/api/v1/layers/halls")
        assert after.json()["features"] == before.json()["features"]  # same content...
        assert after.headers["etag"] != before.headers["etag"]  # ...of another version
        assert after.headers["etag"].startswith('"v2-')
        assert after.headers["x-layout-version"] == "v2"
        stale = server.get("/api/v1/layers/halls", **{"If-None-Match": before.headers["etag"]})
        assert stale.status == 200
        search_after = server.get("/api/v1/search?q=acme")
        assert search_after.json()["layout_version"] == 2
        assert search_after.headers["etag"] != search_before.headers["etag"]
    finally:
        server.stop()


def test_a_publish_through_the_gate_changes_the_etags(
    tmp_path: Path, venue: Venue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A planner's publish (the store's gate, then the kiosks' snapshot) is what phones see."""
    store = LayoutStore(tmp_path / "layouts.gpkg", gate=PublishGate())
    v1 = store.save(venue, message="initial", author="pat")
    store.publish(v1, acknowledge=True)
    ctx = VenueContext(store.load(v1), store=store, served_version=v1)
    server = Api(ctx)
    try:
        before = server.get("/api/v1/layers/booths?crs=venue")
        assert before.headers["x-layout-version"] == f"v{v1}"
        ed = LayoutEditor(store.load(v1))
        ed.move("A-101", dx_m=8.0, dy_m=0.0)
        v2 = store.save(ed.venue, message="move A-101", base=v1, author="pat")
        # A version whose snapshot cannot be built is refused: phones keep the old tags.
        real_build = VenueSnapshot.build

        def broken(cls: type[VenueSnapshot], *_: Any, **__: Any) -> VenueSnapshot:
            msg = "the router cannot be built"
            raise RuntimeError(msg)

        monkeypatch.setattr(VenueSnapshot, "build", classmethod(broken))
        with pytest.raises(PublishRefusedError):
            ctx.publish_version(v2, author="pat", acknowledge=True)
        same = server.get("/api/v1/layers/booths?crs=venue")
        assert same.headers["etag"] == before.headers["etag"]
        monkeypatch.setattr(VenueSnapshot, "build", real_build)
        ctx.publish_version(v2, author="pat", acknowledge=True)
        after = server.get("/api/v1/layers/booths?crs=venue")
        assert after.headers["x-layout-version"] == f"v{v2}"
        assert after.headers["etag"] != before.headers["etag"]

        def x_of(reply: Reply) -> float:
            booth = next(f for f in reply.json()["features"] if f["id"] == "A-101")
            return float(shapely.geometry.shape(booth["geometry"]).centroid.x)

        assert x_of(after) == pytest.approx(x_of(before) + 8.0)
        stale = server.get("/api/v1/layers/booths", **{"If-None-Match": before.headers["etag"]})
        assert stale.status == 200
        assert server.get("/api/v1/search?q=acme").json()["layout_version"] == v2
        # The published version's search index was kept beside the store for a restart.
        assert any(search_cache_dir(store.path).iterdir())
    finally:
        server.stop()
