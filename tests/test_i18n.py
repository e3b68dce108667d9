"""Names by language: fallbacks, lists, levels, and country names from CLDR."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from floorplan.errors import OptionError
from floorplan.i18n import (
    amenity_label,
    country_code,
    country_name,
    hall_name,
    level_name,
    parse_levels,
    pick,
    pick_list,
)


def test_pick_falls_back_both_ways_and_reads_frame_rows() -> None:
    row = pd.Series({"title": "Opening forum", "title_zh": math.nan})
    assert pick(row, "title", "zh") == "Opening forum"  # a missing cell is no name
    only_zh = {"name": "", "name_zh": "洗手间"}
    assert pick(only_zh, "name", "en") == "洗手间"
    assert pick({}, "name", "en") == ""
    with pytest.raises(OptionError, match="language"):
        pick(only_zh, "name", "fr")


def test_pick_list_pairs_items_by_place() -> None:
    booth = {"products": "rice; tea ;", "products_zh": "大米;;咖啡"}
    assert pick_list(booth, "products", "zh") == ["大米", "tea", "咖啡"]
    assert pick_list(booth, "products", "en") == ["rice", "tea", "咖啡"]
    assert pick_list({}, "products", "zh") == []


def test_hall_and_amenity_names() -> None:
    assert hall_name({"hall_id": "E2", "name": "East Hall 2", "name_zh": ""}, "zh") == "East Hall 2"
    assert hall_name({"hall_id": "E2", "name": None}, "zh") == "E2"
    assert amenity_label({"kind": "first_aid"}, "en") == "First aid"
    assert amenity_label({"kind": "bowling", "name_zh": "保龄球"}, "zh") == "保龄球"
    assert amenity_label({"kind": "bowling"}, "zh") == "服务点"


@pytest.mark.parametrize(
    ("value", "code", "zh"),
    [
        ("DE", "DE", "德国"),
        ("de", "DE", "德国"),
        ("Germany", "DE", "德国"),
        ("德国", "DE", "德国"),
        ("中国 China", "CN", "中国"),
        ("China / 中国", "CN", "中国"),
        ("United Kingdom", "GB", "英国"),
        ("South Korea", "KR", "韩国"),
        ("Türkiye", "TR", "土耳其"),
    ],
)
def test_countries_from_cldr(value: str, code: str, zh: str) -> None:
    assert country_code(value) == code
    assert country_name(value, "zh") == zh


def test_unknown_countries_are_kept_as_given() -> None:
    assert country_code("Atlantis") == ""
    assert country_name("Atlantis", "zh") == "Atlantis"
    assert country_name("", "zh") == ""
    assert country_code("Germany France") == ""  # two countries: neither is chosen
    assert country_name("us", "en") == "United States"


def test_levels_named_or_numbered() -> None:
    levels = [{"level": 0, "name": "Hall level"}, {"level": 1, "name_zh": "夹层"}]
    assert level_name(0, "en", levels) == "Hall level"
    assert level_name(0, "zh", levels) == "1层"  # no Chinese name: the number
    assert level_name(1, "zh", levels) == "夹层"
    assert level_name(1, "en", levels) == "Level 1"
    assert level_name(-2, "en") == "Basement 2"
    assert level_name(3, "zh", "not a list") == "4层"  # a bad list is ignored here


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"level": 0}, "must be a list"),
        ([{"name": "x"}], "no integer 'level'"),
        ([{"level": True}], "no integer 'level'"),
        ([{"level": 1.5}], "no integer 'level'"),
        ([{"level": 0, "name": 3}], "must be text"),
        ([{"level": 0}, {"level": 0}], "twice"),
    ],
)
def test_bad_levels_are_refused(value: object, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        parse_levels(value)
