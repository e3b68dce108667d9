"""Events: forums, seminars, product launches and matchmaking over the days of the expo."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

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
    "Resilient supply chains",
    "Standards and certification",
    "Green and low-carbon production",
    "Cross-border procurement",
    "Digital traceability",
    "SMEs in global value chains",
)


_LAUNCH_SLOTS = ("10:00", "11:00", "13:30", "14:30", "15:30")


_MATCH_SLOTS = (("10:00", "11:30"), ("14:00", "15:30"))


#: At the first Chain Expo 47 companies showed 62 new products (per 515 exhibitors).
_LAUNCH_BOOTHS_SHARE = 47 / 515


_LAUNCHES_SHARE = 62 / 515


def _at(day: int, hhmm: str) -> pd.Timestamp:
    return pd.Timestamp(f"{DATES[day]}T{hhmm}:00")


def schedule_events(
    rng: np.random.Generator, booths: gpd.GeoDataFrame, amenities: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Schedule forums, seminars, product launches and matchmaking over the five days."""
    rows: list[tuple[str, pd.Timestamp, pd.Timestamp, str]] = []
    kind = amenities[Col.KIND].to_numpy()
    stages = amenities.loc[kind == AmenityKind.STAGE.value, [Col.AMENITY_ID, Col.HALL_ID]]
    rooms = amenities.loc[kind == AmenityKind.MEETING_ROOM.value, Col.AMENITY_ID].tolist()
    hall_zone = booths.groupby(Col.HALL_ID, sort=True)[Col.ZONE].agg(lambda z: z.mode().iloc[0])
    main_stage = str(stages[Col.AMENITY_ID].iloc[0])
    for sid, hid in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True):
        if hid not in hall_zone.index:
            main_stage = str(sid)
            break
    rows.append(
        (
            "Opening Forum: Connecting the World for a Shared Future",
            _at(0, "09:30"),
            _at(0, "12:00"),
            main_stage,
        )
    )
    hall_stage = {
        str(h): str(s) for s, h in zip(stages[Col.AMENITY_ID], stages[Col.HALL_ID], strict=True)
    }
    for i, zone in enumerate(Zone):
        in_zone = [h for h, z in hall_zone.items() if z == zone.value and h in hall_stage]
        where = hall_stage[str(in_zone[0])] if in_zone else main_stage
        day = 1 + i % 4
        start = "14:00" if in_zone or i < 4 else "09:30"
        end = "16:30" if start == "14:00" else "12:00"
        rows.append((f"{_ZONE_TITLE[zone]} Chain Forum", _at(day, start), _at(day, end), where))
    for h, sid in hall_stage.items():
        if h not in hall_zone.index:
            continue
        zone = Zone(hall_zone[h])
        for day in (1, 3):
            topic = _SEMINARS[int(rng.integers(len(_SEMINARS)))]
            title = f"{_ZONE_TITLE[zone]} seminar: {topic}"
            rows.append((title, _at(day, "10:30"), _at(day, "11:30"), sid))
    sold = booths[booths[Col.EXHIBITOR] != ""]
    n_sold = len(sold)
    if n_sold:
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
                product = products[int(rng.integers(len(products)))]
                begin = _at(day, hhmm)
                title = f"Product launch: {product} by {rec[Col.EXHIBITOR]}"
                end_at = begin + pd.Timedelta(minutes=45)
                rows.append((title, begin, end_at, str(rec[Col.BOOTH_ID])))
    zones = list(Zone)
    for r, room in enumerate(rooms):
        for day in range(len(DATES)):
            for s, (from_, to) in enumerate(_MATCH_SLOTS):
                zone = zones[(r + day * 2 + s) % len(zones)]
                title = f"Matchmaking: {_ZONE_TITLE[zone]} buyers meet suppliers"
                rows.append((title, _at(day, from_), _at(day, to), str(room)))
    frame = pd.DataFrame.from_records(rows, columns=[Col.TITLE, Col.STARTS, Col.ENDS, Col.WHERE])
    frame = frame.sort_values([Col.STARTS, Col.WHERE, Col.TITLE], kind="stable", ignore_index=True)
    width = max(4, len(str(len(frame))))
    frame.insert(0, Col.EVENT_ID, [f"EV{i:0{width}d}" for i in range(1, len(frame) + 1)])
    return frame
