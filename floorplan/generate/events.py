"""Events: forums, seminars, product launches and matchmaking over the days of the expo."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floorplan.i18n import Lang, zone_name
from floorplan.schema import AmenityKind, Col, Zone

__all__ = ["DATES", "schedule_events"]


DATES = ("2023-11-28", "2023-11-29", "2023-11-30", "2023-12-01", "2023-12-02")


_ZONE_TITLE = {
    Zone.AUTOMOBILE: "Smart Vehicle",
    Zone.AGRICULTURE: "Green Agriculture",
    Zone.ENERGY: "Clean Energy",
    Zone.DIGITAL: "Digital Technology",
    Zone.HEALTH: "Healthy Life",
    Zone.SERVICES: "Supply Chain Services",
}


_SEMINARS = (
    ("Resilient supply chains", "韧性供应链"),
    ("Standards and certification", "标准与认证"),
    ("Green and low-carbon production", "绿色低碳生产"),
    ("Cross-border procurement", "跨境采购"),
    ("Digital traceability", "数字化溯源"),
    ("SMEs in global value chains", "中小企业融入全球价值链"),
)

_OPENING = (
    "Opening Forum: Connecting the World for a Shared Future",
    "开幕论坛：链接世界，共创未来",
)


_LAUNCH_SLOTS = ("10:00", "11:00", "13:30", "14:30", "15:30")


_MATCH_SLOTS = (("10:00", "11:30"), ("14:00", "15:30"))


#: At the first Chain Expo 47 companies showed 62 new products (per 515 exhibitors).
_LAUNCH_BOOTHS_SHARE = 47 / 515


_LAUNCHES_SHARE = 62 / 515


def _at(day: int, hhmm: str) -> pd.Timestamp:
    return pd.Timestamp(f"{DATES[day]}T{hhmm}:00")


def _zh(zone: Zone) -> str:
    """Return the zone's Chinese name (智能汽车链...)."""
    return zone_name(zone.value, Lang.ZH)


def _pick_zh(values: str, values_zh: str, k: int) -> str:
    """Return item ``k`` of a ``;`` list in Chinese, the English one where there is none."""
    zh = values_zh.split(";")
    return zh[k] if k < len(zh) and zh[k] else values.split(";")[k]


_Row = tuple[str, str, pd.Timestamp, pd.Timestamp, str]


def _launches(rng: np.random.Generator, booths: gpd.GeoDataFrame) -> list[_Row]:
    """Return product launches at booths, more likely at bigger ones (as at the Expo)."""
    rows: list[_Row] = []
    sold = booths[booths[Col.EXHIBITOR] != ""]
    n_sold = len(sold)
    if not n_sold:
        return rows
    n_b = min(n_sold, max(1, round(n_sold * _LAUNCH_BOOTHS_SHARE)))
    n_l = max(n_b, round(n_sold * _LAUNCHES_SHARE))
    weight = shapely.area(sold.geometry.to_numpy())
    pick = rng.choice(n_sold, size=n_b, replace=False, p=weight / weight.sum())
    extra = rng.choice(pick, size=n_l - n_b, replace=True)
    counts = pd.Series(np.concatenate([pick, extra])).value_counts(sort=False)
    slots = [(d, s) for d in range(len(DATES)) for s in _LAUNCH_SLOTS]
    for b, k in sorted((int(i), int(n)) for i, n in zip(counts.index, counts, strict=True)):
        rec = sold.iloc[b]
        products = str(rec[Col.PRODUCTS]).split(";")
        for j in rng.choice(len(slots), size=min(k, len(slots)), replace=False):
            day, hhmm = slots[int(j)]
            p = int(rng.integers(len(products)))
            begin = _at(day, hhmm)
            title = f"Product launch: {products[p]} by {rec[Col.EXHIBITOR]}"
            product_zh = _pick_zh(str(rec[Col.PRODUCTS]), str(rec[Col.PRODUCTS_ZH]), p)
            title_zh = f"{rec[Col.EXHIBITOR_ZH] or rec[Col.EXHIBITOR]}新品发布：{product_zh}"
            end_at = begin + pd.Timedelta(minutes=45)
            rows.append((title, title_zh, begin, end_at, str(rec[Col.BOOTH_ID])))
    return rows


def schedule_events(
    rng: np.random.Generator, booths: gpd.GeoDataFrame, amenities: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Schedule forums, seminars, product launches and matchmaking over the five days.

    Every title is in English (``title``) and Chinese (``title_zh``).
    """
    rows: list[_Row] = []
    kind = amenities[Col.KIND].to_numpy()
    stages = amenities.loc[kind == AmenityKind.STAGE.value, [Col.AMENITY_ID, Col.HALL_ID]]
    rooms = amenities.loc[kind == AmenityKind.MEETING_ROOM.value, Col.AMENITY_ID].tolist()
    hall_zone = booths.groupby(Col.HALL_ID, sort=True)[Col.ZONE].agg(lambda z: z.mode().iloc[0])
    main_stage = str(stages[Col.AMENITY_ID].iloc[0])
    for sid, hid in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True):
        if hid not in hall_zone.index:
            main_stage = str(sid)
            break
    rows.append((*_OPENING, _at(0, "09:30"), _at(0, "12:00"), main_stage))
    hall_stage = {
        str(h): str(s) for s, h in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True)
    }
    for i, zone in enumerate(Zone):
        in_zone = [h for h, z in hall_zone.items() if z == zone.value and h in hall_stage]
        where = hall_stage[str(in_zone[0])] if in_zone else main_stage
        day = 1 + i % 4
        start = "14:00" if in_zone or i < 4 else "09:30"
        end = "16:30" if start == "14:00" else "12:00"
        title = f"{_ZONE_TITLE[zone]} Chain Forum"
        rows.append((title, f"{_zh(zone)}论坛", _at(day, start), _at(day, end), where))
    for h, sid in hall_stage.items():
        if h not in hall_zone.index:
            continue
        zone = Zone(hall_zone[h])
        for day in (1, 3):
            topic, topic_zh = _SEMINARS[int(rng.integers(len(_SEMINARS)))]
            title = f"{_ZONE_TITLE[zone]} seminar: {topic}"
            title_zh = f"{_zh(zone)}研讨会：{topic_zh}"
            rows.append((title, title_zh, _at(day, "10:30"), _at(day, "11:30"), sid))
    rows += _launches(rng, booths)
    zones = list(Zone)
    for r, room in enumerate(rooms):
        for day in range(len(DATES)):
            for s, (from_, to) in enumerate(_MATCH_SLOTS):
                zone = zones[(r + day * 2 + s) % len(zones)]
                title = f"Matchmaking: {_ZONE_TITLE[zone]} buyers meet suppliers"
                title_zh = f"供需对接会：{_zh(zone)}采购商与供应商面对面"
                rows.append((title, title_zh, _at(day, from_), _at(day, to), str(room)))
    columns = [Col.TITLE, Col.TITLE_ZH, Col.STARTS, Col.ENDS, Col.WHERE]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    frame = frame.sort_values([Col.STARTS, Col.WHERE, Col.TITLE], kind="stable", ignore_index=True)
    width = max(4, len(str(len(frame))))
    frame.insert(0, Col.EVENT_ID, [f"EV{i:0{width}d}" for i in range(1, len(frame) + 1)])
    return frame
