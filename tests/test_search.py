"""Search: exact, prefix, typo-tolerant, pinyin, synonyms, grouping, degenerate input."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

import floorplan
from floorplan.search import HitKind, SearchIndex, normalize

from _browser import XSS_NAME, ZH_NAME, kiosk_venue
from conftest import wayfinding, write_spec


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(kiosk_venue())


def _keys(hits, kind=None):  # type: ignore[no-untyped-def]
    return [h.key for h in hits if kind is None or h.kind is kind]


def test_first_character_suggests(index: SearchIndex) -> None:
    hits = index.search("a")
    assert hits
    assert "A-101" in _keys(hits, HitKind.EXHIBITOR)  # Acme Motors


def test_prefix_of_first_word_finds_exhibitor_first(index: SearchIndex) -> None:
    hits = index.search("Acme")
    assert hits[0].kind is HitKind.EXHIBITOR
    assert hits[0].key == "A-101"
    assert hits[0].label == "Acme Motors"


@pytest.mark.parametrize("typo", ["Acne Motors", "acme motrs", "ACME"])
def test_typos_and_case(index: SearchIndex, typo: str) -> None:
    assert "A-101" in _keys(index.search(typo), HitKind.EXHIBITOR)


@pytest.mark.parametrize("query", ["nengyuan", "neng yuan", "能源", "hbnykj", ZH_NAME])
def test_chinese_name_by_hanzi_and_pinyin(index: SearchIndex, query: str) -> None:
    assert "A-201" in _keys(index.search(query), HitKind.EXHIBITOR)


@pytest.mark.parametrize("query", ["toilet", "WC", "洗手间", "厕所", "restroom", "toilte"])
def test_amenity_synonyms(index: SearchIndex, query: str) -> None:
    assert set(_keys(index.search(query), HitKind.AMENITY)) == {"WC-A", "WC-B"}


def test_near_orders_equal_hits_by_distance(index: SearchIndex) -> None:
    assert _keys(index.search("toilet", near=(110.0, 30.0)), HitKind.AMENITY)[0] == "WC-B"
    assert _keys(index.search("toilet", near=(5.0, 30.0)), HitKind.AMENITY)[0] == "WC-A"


def test_booth_ids_products_zones_events(index: SearchIndex) -> None:
    assert index.search("A-102")[0].key == "A-102"
    assert index.search("a102")[0].key == "A-102"
    prod = [h for h in index.search("solar") if h.kind is HitKind.PRODUCT]
    assert prod[0].target == "A-201"
    assert "energy" in _keys(index.search("clean energy"), HitKind.ZONE)
    assert "energy" in _keys(index.search("enrgy"), HitKind.ZONE)
    ev = [h for h in index.search("forum") if h.kind is HitKind.EVENT]
    assert ev[0].key == "EV1"
    assert ev[0].target == "CAFE-1"


def test_hits_are_grouped_by_kind(index: SearchIndex) -> None:
    hits = index.search("battery")
    kinds = [h.kind for h in hits]
    # Each kind appears in one run: grouped.
    runs = [k for i, k in enumerate(kinds) if i == 0 or kinds[i - 1] is not k]
    assert len(runs) == len(set(runs))
    assert {HitKind.PRODUCT, HitKind.EVENT} <= set(kinds)


def test_markup_is_plain_data(index: SearchIndex) -> None:
    hits = index.search("<img")
    assert hits[0].label == XSS_NAME


def test_limit_and_empty_queries(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("a", limit=0) == []
    assert len(index.search("a", limit=3)) == 3
    assert index.search("zzzzqqqxx") == []


def test_unsold_booth_is_found_by_id_only(index: SearchIndex) -> None:
    # B-102 is the unsold booth (empty exhibitor) of the test venue.
    unsold = [h for h in index.search("B-102") if h.kind is HitKind.BOOTH]
    assert unsold[0].key == "B-102"
    assert unsold[0].label == ""


def test_empty_venue() -> None:
    v = kiosk_venue()
    v.booths = v.booths.iloc[0:0]
    v.amenities = v.amenities.iloc[0:0]
    v.events = v.events.iloc[0:0]
    idx = SearchIndex(v)
    assert _keys(idx.search("energy")) == ["energy"]  # only the zone itself
    assert idx.search("acme") == []


def test_unicode_names() -> None:
    v = kiosk_venue()
    extra = gpd.GeoDataFrame(
        [
            {
                "booth_id": "B-999",
                "hall_id": "B",
                "zone": "health",
                "exhibitor": "Schäfer & Groß AG",
                "exhibitor_zh": "舍费尔·格罗斯",
                "products": "",
                "geometry": box(100, 2, 102, 4),
            }
        ],
        crs=v.booths.crs,
    )
    v.booths = gpd.GeoDataFrame(
        [*v.booths.to_dict("records"), *extra.to_dict("records")], crs=v.booths.crs
    )
    idx = SearchIndex(v)
    assert "B-999" in _keys(idx.search("schäfer"), HitKind.EXHIBITOR)
    assert "B-999" in _keys(idx.search("SCHÄFER & GROSS"), HitKind.EXHIBITOR)
    assert "B-999" in _keys(idx.search("shefeier"), HitKind.EXHIBITOR)


def test_normalize() -> None:
    assert normalize("  Ａｃｍｅ\tMotors ") == "acme motors"


# --- vocabulary: doors, accessibility, Chinese products --------------------------------


@pytest.fixture(scope="module")
def bundled() -> SearchIndex:
    return SearchIndex(floorplan.load_venue())


def _wayfinding(where: Path, **changes: dict[str, object]) -> SearchIndex:
    spec = wayfinding()
    spec.replace(
        "booths", "E-S1", products="herbal extracts;dried fruit", products_zh="植物提取物;果干"
    )
    for fid, props in changes.items():
        layer = "openings" if fid in {"W-D1", "E-X1", "WE-C1"} else "amenities"
        spec.replace(layer, fid, **props)
    return SearchIndex(floorplan.load_venue(write_spec(spec, where / "v")))


@pytest.mark.parametrize(
    ("queries", "detail"),
    [
        (("toilet", "restroom", "WC", "洗手间", "厕所", "卫生间"), "restroom"),
        (("food", "café", "cafe", "餐饮", "咖啡"), "cafe"),
        (("info", "information", "问询", "服务台"), "info"),
        (("first aid", "急救", "medical"), "first_aid"),
        (("emergency exit", "安全出口", "fire exit"), "emergency_exit"),
    ],
)
def test_kinds_have_words_in_both_languages(
    bundled: SearchIndex, queries: tuple[str, ...], detail: str
) -> None:
    for q in queries:
        hits = bundled.search(q)
        assert hits, q
        assert hits[0].detail == detail, (q, hits[0])
        assert hits[0].score == 100.0, q  # an exact word, not a near miss


def test_exit_lists_exits_before_herbal_extracts(tmp_path: Path) -> None:
    idx = _wayfinding(tmp_path / "a")
    hits = idx.search("exit")
    assert hits[0].kind is HitKind.DOOR
    assert hits[0].key == "E-X1"
    products = [i for i, h in enumerate(hits) if h.kind is HitKind.PRODUCT]
    assert all(i > 0 for i in products)
    # Without an exit, the same query does reach the extracts (by typo tolerance): it is
    # the ranking, not a missing match, that keeps them behind the exits.
    spec = wayfinding()
    spec.replace("booths", "E-S1", products="herbal extracts")
    spec.layers["openings"] = [
        f for f in spec.layers["openings"] if f[0]["kind"] != "emergency_exit"
    ]
    none = SearchIndex(floorplan.load_venue(write_spec(spec, tmp_path / "b")))
    assert [h.label for h in none.search("exit") if h.kind is HitKind.PRODUCT] == [
        "herbal extracts"
    ]


def test_exit_on_the_bundled_venue(bundled: SearchIndex) -> None:
    for q in ("exit", "出口"):
        hits = bundled.search(q, limit=20)
        assert len(hits) == 20
        assert {h.kind for h in hits} == {HitKind.DOOR}
        assert {h.detail for h in hits} <= {"exit", "emergency_exit"}
        assert not any("extract" in h.label for h in hits)


def test_chinese_exit_names_the_hall(bundled: SearchIndex) -> None:
    hit = bundled.search("出口")[0]
    assert re.fullmatch(r"\S+馆安全出口|中央廊道安全出口", hit.label_zh), hit.label_zh
    assert hit.label_in("zh") == hit.label_zh
    assert hit.label_in("en").startswith("Emergency exit, ")


def test_wheelchair_finds_accessible_toilets_then_step_free_doors(tmp_path: Path) -> None:
    hits = _wayfinding(tmp_path / "a").search("wheelchair")
    assert [(h.kind, h.key) for h in hits] == [
        (HitKind.AMENITY, "WC-W"),
        (HitKind.DOOR, "E-X1"),
        (HitKind.DOOR, "W-D1"),
    ]
    changes = {"W-D1": {"step_free": False}, "WC-W": {"accessible": False}}
    stepped = _wayfinding(tmp_path / "b", **changes)
    assert [h.key for h in stepped.search("无障碍")] == ["E-X1"]


def test_chinese_product_words(bundled: SearchIndex, tmp_path: Path) -> None:
    idx = _wayfinding(tmp_path)
    hit = idx.search("激光雷达")[0]
    assert (hit.kind, hit.target, hit.label, hit.label_zh) == (
        HitKind.PRODUCT, "E-T1", "lidar sensors", "激光雷达",
    )  # fmt: skip
    assert idx.search("jiguangleida")[0].target == "E-T1"  # by pinyin too
    venue = floorplan.load_venue()
    lidar = {
        b for b, p in zip(venue.booths["booth_id"], venue.booths["products"], strict=True)
        if "lidar sensors" in p.split(";")
    }  # fmt: skip
    found = bundled.search("激光雷达", limit=1000)
    assert lidar
    assert {h.target for h in found if h.kind is HitKind.PRODUCT} == lidar
