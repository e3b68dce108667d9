"""Directions in words a visitor follows: names, landmarks, halls, the side on arrival.

The expected sentences are worked out from the geometry of the ``wayfinding`` venue
(tests/conftest.py) at the router's default clearance of 0.5 m: a walker keeps half a
metre from booths, so paths bend at booth corners grown by 0.5 m and end with a short
step onto the booth's edge.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

import floorplan
from floorplan.routing import Router
from floorplan.routing.directions import StepKind, side_of
from floorplan.venue import Venue

from conftest import ORIGIN, wayfinding, write_spec


@pytest.fixture(scope="module")
def venue(tmp_path_factory: pytest.TempPathFactory) -> Venue:
    return floorplan.load_venue(write_spec(wayfinding(), tmp_path_factory.mktemp("wf")))


@pytest.fixture(scope="module")
def router(venue: Venue) -> Router:
    return Router(venue, clearance_m=0.5)


def _at(x: float, y: float) -> tuple[float, float]:
    return (ORIGIN[0] + x, ORIGIN[1] + y)


def test_kiosk_to_booth_in_another_hall(router: Router) -> None:
    route = router.route("KW", "E-T1")
    # From the kiosk (20, 18) straight to the corner of the Northwind block grown by
    # 0.5 m, (60.5, 19.5), through the door at x = 40; then to the corner of E-T1's
    # grown outline (63.5, 23.5) and the step onto its corner (64, 24).
    door_y = 18 + 1.5 * (40 - 20) / (60.5 - 20)
    to_door = math.dist((20, 18), (40, door_y))
    to_corner = math.dist((40, door_y), (60.5, 19.5))
    last = math.dist((60.5, 19.5), (63.5, 23.5)) + math.dist((63.5, 23.5), (64, 24))
    assert route.length_m == pytest.approx(to_door + to_corner + last)
    # At the corner the heading turns from east to (3, 4): 51° left. The café at
    # (62, 18) is 2.1 m away and stands out over the Northwind booth 0.7 m away; E-T1 is
    # where the walk goes, never a landmark of it. On arrival the café has just been
    # named, so the booth next to E-T1 is Northwind's (4 m). Facing (3, 4), E-T1's
    # centre (67, 27) is 8° off, ahead.
    assert route.steps_text("en") == [
        "From the kiosk in West Hall 1",
        f"After {to_door:.0f} m, go through the entrance to East Hall 2",
        f"After {to_corner:.0f} m, turn left at Café Lumen",
        f"After {last:.0f} m, arrive at booth E-T1 (Target Tech), next to the Northwind "
        "Robotics booth; the booth is ahead of you",
    ]
    assert route.steps_text("zh") == [
        "从西1馆的问询机出发",
        f"{to_door:.0f}米后进入东2馆",
        f"{to_corner:.0f}米后在流明咖啡处左转",
        f"{last:.0f}米后到达E-T1号展位（目标科技），旁边是北风机器人展位，展位在您前方",
    ]
    assert [s.kind for s in route.steps] == [
        StepKind.START, StepKind.ENTER, StepKind.LEFT, StepKind.ARRIVE,
    ]  # fmt: skip


def test_a_last_small_turn_becomes_the_side(router: Router) -> None:
    route = router.route("KS", "W-R2")
    # From the kiosk (2, 3) along the row's south side to W-R2's grown corner
    # (23.5, 5.5) — past Ridge Motors' booth, which touches W-R2 — and the half-metre
    # step onto W-R2's corner (24, 6). The bend there is 38° but 0.7 m before the end:
    # no one needs it said. Seen along the walk, W-R2's centre (27, 11) is 51° left.
    walk = math.dist((2, 3), (23.5, 5.5)) + math.dist((23.5, 5.5), (24, 6))
    assert route.steps_text("en") == [
        "From the kiosk in West Hall 1",
        f"After {walk:.0f} m, arrive at booth W-R2 (Harbor Foods), next to the Ridge Motors "
        "booth; the booth is on your left",
    ]
    assert route.steps_text("zh")[-1] == (
        f"{walk:.0f}米后到达W-R2号展位（海港食品），旁边是山脊汽车展位，展位在您左侧"
    )


def test_places_are_named_not_numbered(router: Router) -> None:
    to_wc = router.route("KS", "WC-W")  # a restroom without a name of its own
    assert to_wc.steps_text("en")[-1].endswith(
        "arrive at the restroom in West Hall 1; the restroom is ahead of you"
    )
    assert to_wc.steps_text("zh")[-1].endswith("到达西1馆的洗手间，洗手间在您前方")
    to_door = router.route(_at(5, 20), "W-D1")
    assert to_door.steps_text("en")[0] == "From the point you chose in West Hall 1"
    assert to_door.steps_text("zh")[0] == "从您在西1馆选定的位置出发"
    assert to_door.steps_text("en")[-1].endswith(
        "arrive at the entrance to West Hall 1; the entrance is ahead of you"
    )
    assert to_door.steps_text("zh")[-1].endswith("到达西1馆入口，入口在您前方")
    to_exit = router.route("KW", "E-X1")
    assert "the emergency exit of East Hall 2" in to_exit.steps_text("en")[-1]
    assert "东2馆安全出口" in to_exit.steps_text("zh")[-1]
    for route in (to_wc, to_door, to_exit):
        for lang in ("en", "zh"):
            text = " ".join(route.steps_text(lang))
            assert not re.search(r"\b(KS|KW|WC-W|W-D1|E-X1|WE-C1)\b", text), text


def test_ids_only_when_nothing_else_names_a_place(tmp_path: Path) -> None:
    spec = wayfinding()
    spec.replace("halls", "W", name="", name_zh="")
    router = Router(floorplan.load_venue(write_spec(spec, tmp_path / "v")))
    route = router.route("KW", "W-U1")
    assert route.steps_text("en")[0] == "From the kiosk in W"  # the hall has no name
    assert route.steps_text("zh")[0] == "从W的问询机出发"
    assert "arrive at booth W-U1" in route.steps_text("en")[-1]  # an unlet booth
    assert "到达W-U1号展位" in route.steps_text("zh")[-1]


def test_the_ends_of_a_route_are_never_its_landmarks(router: Router) -> None:
    for origin, destination in [("W-R1", "W-R2"), ("W-R2", "W-R1"), ("E-T1", "KW")]:
        route = router.route(origin, destination)
        marks = {s.landmark.landmark_id for s in route.steps if s.landmark is not None}
        assert not marks & {origin, destination}
    back = router.route("E-T1", "KW")
    # Leaving E-T1 the walker turns at the café, not at E-T1 (0.7 m from that corner).
    assert back.steps_text("en")[1].endswith("turn right at Café Lumen")


def test_side_of() -> None:
    east = [(0.0, 0.0), (10.0, 0.0)]
    assert side_of(east, (12.0, 5.0)) == "left"
    assert side_of(east, (12.0, -5.0)) == "right"
    assert side_of(east, (15.0, 1.0)) == "ahead"
    assert side_of(east, None) is None
    assert side_of([(0.0, 0.0), (0.3, 0.0)], (1.0, 1.0)) is None  # no stretch to face along


# ------------------------------------------------------------------ the bundled venue


@pytest.fixture(scope="module")
def bundled() -> tuple[Venue, Router]:
    venue = floorplan.load_venue()
    return venue, Router(venue)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("E2-K1", "W3-A05"), ("W1-K1", "C-WC1"), ("C-K1", "E3-B07"), ("W2-A03", "E1-INFO")],
)
def test_bundled_directions_speak_of_what_a_visitor_sees(
    bundled: tuple[Venue, Router], origin: str, destination: str
) -> None:
    venue, router = bundled
    route = router.route(origin, destination)
    hidden = {*venue.kiosks["kiosk_id"], *venue.amenities["amenity_id"]}
    hidden |= set(venue.openings["opening_id"])
    booths = set(venue.booths["booth_id"])
    for lang in ("en", "zh"):
        lines = route.steps_text(lang)
        text = " ".join(lines)
        assert not any(re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text) for i in hidden)
        # Booth numbers are on the booths' signs: only the route's own ends are named by one.
        named = {b for b in booths if re.search(rf"(?<![\w-]){re.escape(b)}(?![\w-])", text)}
        assert named <= {origin, destination}
        if lang == "zh":
            # Every hall, exhibitor, amenity and door of the bundled venue has a Chinese
            # name: nothing but booth numbers is in Latin script.
            assert not re.search("[A-Za-z]", re.sub(r"[A-Z]\d?-[A-Z0-9]+", "", text)), text
    marks = {s.landmark.landmark_id for s in route.steps if s.landmark is not None}
    assert not marks & {origin, destination}
    assert route.steps[-1].side is not None
