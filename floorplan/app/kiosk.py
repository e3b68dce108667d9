"""Serve the visitor kiosk: map, search, route card, zones, events; also a phone's deep link.

:class:`KioskState` is the page's whole view state and logic, a ``param.Parameterized``
that tests drive without a browser; :class:`KioskPage` only draws it with Panel widgets
and the shared Bokeh map (:mod:`floorplan.app.mapview`). Every text from the venue is
data: it reaches the page as widget labels (text) or HTML-escaped, never as markup.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import panel as pn
import param
import segno
import shapely
from bokeh.events import DocumentReady, Event, Tap
from bokeh.models import CustomJS
from panel.io.document import unlocked
from pyproj import Transformer

from floorplan import i18n
from floorplan.app.api import cache_of
from floorplan.app.connection import watch_connection
from floorplan.app.context import VenueContext, VenueSnapshot
from floorplan.app.mapview import MapFrame, MapView
from floorplan.app.resources import css, custom_js, macro
from floorplan.app.theme import variables_css
from floorplan.errors import FloorplanError
from floorplan.i18n import Lang
from floorplan.schema import Col, Zone
from floorplan.search import HitKind, SearchHit

__all__ = ["Card", "KioskPage", "KioskState", "kiosk_page"]

MODES = ("home", "search", "card", "zone", "events", "start")
#: The most hits a search returns (all of them behind "show all N").
MAX_HITS = 200
#: Hits, and exhibitors of a zone, listed before a "show all N" button.
HITS_SHOWN = 12
ZONE_SHOWN = 24
#: The one-tap "nearest" buttons: amenity kinds, or opening kinds, of each.
QUICK_AMENITIES: Mapping[str, tuple[str, ...]] = {
    "restroom": ("restroom",),
    "food": ("cafe", "food", "restaurant"),
    "info": ("info",),
    "first_aid": ("first_aid",),
}
#: Ways out in normal use first; emergency exits only in a venue without them.
QUICK_EXITS: tuple[tuple[str, ...], ...] = (("exit", "entrance"), ("emergency_exit",))
QUICK = ("restroom", "exit", "food", "info", "first_aid")
#: Walking speed assumed when a route gives no duration (m/s, a relaxed fair pace).
WALK_SPEED_MPS = 1.0
#: The longest search text looked up: the work per keystroke message stays bounded
#: whatever a client sends (the box itself takes no more either).
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Card:
    """What the card shows about a chosen place, all plain text."""

    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]
    distance: str
    steps: tuple[str, ...]
    error: str


def _step_text(step: Any, lang: Lang) -> str:
    """Return a route step in ``lang`` whatever shape the router gives it in."""
    if isinstance(step, str):
        return step
    if isinstance(step, Mapping):
        return str(step.get(lang.value) or step.get("text") or next(iter(step.values()), ""))
    for name in (f"text_{lang.value}", lang.value):
        value = getattr(step, name, None)
        if isinstance(value, str):
            return value
    fn = getattr(step, "text", None)
    if callable(fn):
        return str(fn(lang.value))
    if isinstance(fn, str):
        return fn
    return str(step)


class KioskState(param.Parameterized):
    """The kiosk's view state: what is searched, chosen, routed and shown.

    Parameters
    ----------
    ctx
        The shared venue context.
    """

    lang: param.Selector = param.Selector(objects=[x.value for x in Lang], default=Lang.EN.value)
    kiosk_id = param.String(default="", doc="The kiosk the page runs on ('' on no kiosk).")
    origin = param.String(default="", doc="Where routes start ('' for the kiosk).")
    origin_point = param.NumericTuple(
        default=None, length=2, allow_None=True, doc="A tapped floor point routes start at."
    )
    query = param.String(default="")
    hits = param.List(default=[], item_type=SearchHit)
    selected = param.String(default="", doc="The chosen place id ('' for none).")
    accessible = param.Boolean(default=False, doc="Step-free routes only.")
    high_contrast = param.Boolean(default=False)
    mode: param.Selector = param.Selector(objects=list(MODES), default="home")
    zone = param.String(default="", doc="The zone being browsed.")
    route = param.Parameter(default=None, doc="The route to the chosen place, if any.")
    route_error = param.String(default="")
    notice = param.String(default="", doc="A message about a bad deep link, if any.")
    kiosk_notice = param.String(default="", doc="An unknown kiosk id: kept until reset.")
    highlighted = param.List(
        default=[], item_type=str, doc="Booth ids the map lights up: search hits, a zone."
    )
    show_all = param.Boolean(default=False, doc="Long lists are shown whole.")
    back_mode = param.String(default="home", doc="Where the start picker returns to.")
    search_ms = param.Number(default=0.0, doc="Server time of the last search.")

    def __init__(self, ctx: VenueContext, **params: Any) -> None:
        self.ctx = ctx
        #: The venue and lookups this session shows; replaced whole by :meth:`follow`.
        self.snap: VenueSnapshot = ctx.snapshot
        #: Walking distances from the start, by (start, accessible, place); None: no route.
        self._distances: dict[tuple[Any, bool, str], float | None] = {}
        super().__init__(**params)

    # --- entering the page -------------------------------------------------------------
    def apply_args(self, args: Mapping[str, str]) -> None:
        """Set the state from a URL's query (``kiosk, lang, to, from, accessible``).

        ``from`` is a place id or a floor point ``x,y`` (venue metres). Without a start
        (no kiosk, no ``from``) the page opens on the start picker ("Where are you?").
        """
        try:
            self.lang = i18n.parse_lang(args.get("lang")).value
        except FloorplanError:
            self.lang = Lang.EN.value
        kiosk = args.get("kiosk", "")
        if kiosk and self.snap.kiosk(kiosk) is None:
            self.kiosk_notice = i18n.text("kiosk.unknown", self.lang, kiosk=kiosk)
            kiosk = ""
        self.kiosk_id = kiosk
        origin = args.get("from", "")
        point = parse_point(origin) if origin not in self.snap.places else None
        if point is not None:
            self.origin_point = point
            origin = ""
        elif origin and origin not in self.snap.places:
            self.notice = i18n.text("place.unknown", self.lang, place=origin)
            origin = ""
        self.origin = origin
        self.accessible = args.get("accessible", "") in {"1", "true", "yes"}
        target = args.get("to", "")
        if target:
            if target in self.snap.places:
                self.choose(target)
            else:
                self.notice = i18n.text("place.unknown", self.lang, place=target)
        if not self.has_start and self.mode == "home":
            self.mode = "start"

    @property
    def route_start(self) -> Any:
        """Return where routes start: ``from=``, a tapped point, else the kiosk ('' for none)."""
        if self.origin:
            return self.origin
        if self.origin_point is not None:
            return tuple(self.origin_point)
        return self.kiosk_id

    @property
    def has_start(self) -> bool:
        """Whether routes have somewhere to start."""
        return bool(self.route_start)

    @property
    def start_point(self) -> tuple[float, float] | None:
        """Return the venue point routes start at, if any."""
        if self.origin_point is not None and not self.origin:
            return (float(self.origin_point[0]), float(self.origin_point[1]))
        place = self.snap.places.get(self.route_start) if self.route_start else None
        return (place[1], place[2]) if place else None

    def start_name(self) -> str:
        """Return the start in the page language ('' for none)."""
        start = self.route_start
        if not start:
            return ""
        if isinstance(start, tuple):
            hall = self._hall_at(start[0], start[1])
            return i18n.text("start.point", self.lang, hall=hall)
        return self.place_name(start)

    # --- actions ------------------------------------------------------------------------
    def set_query(self, text: str) -> list[SearchHit]:
        """Search for ``text`` and show the hits (the home view for an empty box).

        Only the first :data:`MAX_QUERY_CHARS` characters count. In the start picker the
        hits are places to start from, and the picker stays open.
        """
        text = text[:MAX_QUERY_CHARS]
        t0 = time.perf_counter()
        hits: list[SearchHit] = []
        if text.strip():
            # A first screenful (and one more to know whether there are more); the whole
            # list, for "show all N", only when there are: a long search costs up to ~50 ms
            # on the bundled venue, a screenful a few.
            hits = self.snap.search.search(text, limit=HITS_SHOWN + 1, near=self.start_point)
            if len(hits) > HITS_SHOWN:
                hits = self.snap.search.search(text, limit=MAX_HITS, near=self.start_point)
        self.search_ms = (time.perf_counter() - t0) * 1000
        mode = "start" if self.mode == "start" else "search" if text.strip() else "home"
        # Booths and amenities among the hits are lit on the map (unknown ids are ignored).
        lit = [h.target for h in hits if h.kind is not HitKind.ZONE]
        # A new search leaves the old route: the map shows the hits, not a stale way (in the
        # start picker a search chooses the start, and the destination stays).
        chosen = (
            {"selected": "", "route": None, "route_error": ""}
            if text.strip() and mode != "start"
            else {}
        )
        self.param.update(
            query=text,
            hits=hits,
            mode=mode,
            show_all=False,
            highlighted=list(dict.fromkeys(lit)),
            **chosen,
        )
        return hits

    def choose_hit(self, hit: SearchHit) -> None:
        """Act on a search hit: browse a zone, or route to the hit's place.

        In the start picker the hit's place becomes the start instead.
        """
        if self.mode == "start":
            if hit.target in self.snap.places:
                self.set_start(hit.target)
            return
        if hit.kind is HitKind.ZONE:
            self.browse_zone(hit.key)
        elif hit.target in self.snap.places:
            self.choose(hit.target)
        else:
            self.notice = i18n.text("place.unknown", self.lang, place=hit.target)

    def choose(self, place_id: str) -> None:
        """Select ``place_id`` (booth, amenity, opening), route to it and show its card."""
        if place_id not in self.snap.places:
            self.notice = i18n.text("place.unknown", self.lang, place=place_id)
            return
        route, error = self._route_to(place_id, accessible=self.accessible)
        self.param.update(
            selected=place_id,
            route=route,
            route_error=error,
            mode="card",
            notice="",
            highlighted=[],
        )

    def tap(self, x: float, y: float) -> str | None:
        """Act on a tap at venue point ``(x, y)``; return the booth or start it chose.

        In the start picker the tap sets the start: the booth there, else the floor
        point itself (returned as ``"x,y"``); ``None`` when it is no walkable floor.
        Otherwise the booth there is chosen (``None``: no booth, nothing changes).
        """
        booth = self.snap.booth_at(x, y)
        if self.mode == "start":
            if booth is not None:
                self.set_start(booth)
                return booth
            if not self._on_floor(x, y):
                self.notice = i18n.text("start.not_floor", self.lang)
                return None
            self.set_start(point=(x, y))
            return format_point((x, y))
        if booth is not None:
            self.choose(booth)
        return booth

    def open_start(self) -> None:
        """Open the start picker ("Where are you?"); it returns to the current view."""
        if self.mode != "start":
            back = self.mode if self.mode in {"card", "home", "zone", "events"} else "home"
            self.param.update(back_mode=back, mode="start", query="", hits=[], show_all=False)

    def set_start(self, place_id: str = "", *, point: tuple[float, float] | None = None) -> None:
        """Start routes at ``place_id`` or floor ``point``; route the chosen place from there.

        Closes the start picker: back to the card of the chosen place, else home.
        """
        if place_id and place_id not in self.snap.places:
            self.notice = i18n.text("place.unknown", self.lang, place=place_id)
            return
        if point is not None:  # to the decimetre: the QR code's link starts where this does
            point = parse_point(format_point(point))
        self.param.update(
            origin=place_id,
            origin_point=None if place_id else point,
            query="",
            hits=[],
            highlighted=[],
            notice="",
        )
        if self.selected:
            self.choose(self.selected)
        else:
            back = self.back_mode if self.back_mode in {"zone", "events"} else "home"
            self.mode = back

    def close_start(self) -> None:
        """Leave the start picker without changing the start."""
        if self.mode == "start":
            self.mode = "card" if self.selected else (self.back_mode or "home")

    def quick_targets(self, kind: str) -> list[str]:
        """Return the place ids a one-tap "nearest ``kind``" button chooses among."""
        return list(_quick_targets(self.snap, kind))

    def quick_reason(self, kind: str) -> str:
        """Return why button "nearest ``kind``" is disabled ('' when it is not)."""
        if not self.quick_targets(kind):
            return i18n.text("quick.none", self.lang)
        if not self.has_start:
            return i18n.text("quick.no_start", self.lang)
        if self.snap.router is None:
            return i18n.text("card.no_router", self.lang)
        return ""

    def go_nearest(self, kind: str) -> str:
        """Route to the nearest place of ``kind`` by walking distance; return its id.

        Returns '' (and says why in :attr:`notice`) when there is none to route to.
        """
        reason = self.quick_reason(kind)
        if reason:
            self.notice = reason
            return ""
        try:
            route = self.snap.router.nearest(
                self.route_start, self.quick_targets(kind), accessible=self.accessible
            )
        except FloorplanError as exc:
            self.notice = i18n.text("card.no_route", self.lang, reason=str(exc))
            return ""
        place = str(route.destination)
        self.param.update(
            selected=place, route=route, route_error="", mode="card", notice="", highlighted=[]
        )
        return place

    def set_accessible(self, value: bool) -> None:
        """Ask for step-free routes (or not) and route the chosen place again."""
        self.accessible = value
        if self.selected:
            route, error = self._route_to(self.selected, accessible=value)
            self.param.update(route=route, route_error=error)

    def browse_zone(self, zone: str) -> None:
        """List the exhibitors of ``zone`` and light them up on the map."""
        value = Zone(zone).value
        lit = [b for b, _ in self.zone_exhibitors(value)]
        self.param.update(zone=value, mode="zone", show_all=False, highlighted=lit)

    def show_events(self) -> None:
        """Show the events now and next (the old route and chosen place are cleared)."""
        self.param.update(mode="events", selected="", route=None, route_error="")

    def toggle_lang(self) -> None:
        """Switch English and Chinese."""
        self.lang = Lang.ZH.value if self.lang == Lang.EN.value else Lang.EN.value

    def reset(self) -> None:
        """Return to the home view (nothing searched or chosen, English, normal contrast)."""
        self.param.update(
            query="",
            hits=[],
            selected="",
            route=None,
            route_error="",
            mode="home" if self.has_start else "start",
            zone="",
            accessible=False,
            notice="",
            lang=Lang.EN.value,
            high_contrast=False,
            highlighted=[],
            show_all=False,
        )

    def follow(self, snap: VenueSnapshot) -> bool:
        """Show ``snap`` (a newly published layout) from now on; route the chosen place again.

        A chosen place the new layout no longer has sends the kiosk to its home view.
        Returns whether the home view was shown for that reason.
        """
        self.snap = snap
        self._distances.clear()
        if self.origin and self.origin not in snap.places:  # the start was removed
            self.origin = ""
        if not self.selected:
            return False
        if self.selected not in snap.places:  # removed by the planner: back to the home view
            self.param.update(selected="", route=None, route_error="", mode="home")
            return True
        if self.mode == "card":
            self.choose(self.selected)  # a new route on the new layout; redraws via watchers
        return False

    def _route_to(self, place_id: str, *, accessible: bool) -> tuple[Any, str]:
        start = self.route_start
        if not start or start == place_id:
            return None, ""
        router = self.snap.router
        if router is None:  # floorplan.routing could not be imported
            return None, i18n.text("card.no_router", self.lang)
        try:
            return router.route(start, place_id, accessible=accessible), ""
        except FloorplanError as exc:  # NoRouteError, PlaceError
            return None, i18n.text("card.no_route", self.lang, reason=str(exc))

    def _on_floor(self, x: float, y: float) -> bool:
        """Whether venue point ``(x, y)`` is in a hall and not in an obstacle."""
        pt = shapely.Point(x, y)
        halls = self.snap.venue.halls.geometry
        if not bool(halls.covers(pt).any()):
            return False
        obstacles = self.snap.venue.obstacles.geometry
        return not bool(obstacles.contains(pt).any()) if len(obstacles) else True

    def _hall_at(self, x: float, y: float) -> str:
        """Return the name, in the page language, of the hall holding ``(x, y)``."""
        h = self.snap.venue.halls
        inside = h[h.geometry.covers(shapely.Point(x, y))]
        return i18n.hall_name(inside.iloc[0], self.lang) if len(inside) else ""

    def distance_m(self, place_id: str) -> float | None:
        """Return the walk from the start to ``place_id`` in metres (None: no start or route).

        Remembered per start and step-free choice, so that a list redrawn costs no routes.
        """
        start = self.route_start
        if not start or start == place_id or self.snap.router is None:
            return None
        key = (start, self.accessible, place_id)
        if key not in self._distances:
            try:
                route = self.snap.router.route(start, place_id, accessible=self.accessible)
                self._distances[key] = float(route.length_m)
            except FloorplanError:
                self._distances[key] = None
        return self._distances[key]

    def distance_text(self, place_id: str) -> str:
        """Return "120 m · 2 min" (or 米 · 分钟) from the start to ``place_id`` ('' for none)."""
        metres = self.distance_m(place_id)
        if metres is None:
            return ""
        speed = self.snap.router.speeds.of(self.accessible)
        minutes = max(1, math.ceil(metres / speed / 60))
        return i18n.text("hits.distance", self.lang, metres=round(metres), minutes=minutes)

    # --- what to show -------------------------------------------------------------------
    def zone_exhibitors(self, zone: str) -> list[tuple[str, str]]:
        """Return ``(booth_id, exhibitor)`` of the let booths of ``zone``, by name."""
        b = self.snap.venue.booths
        sub = b[(b[Col.ZONE] == zone) & (b[Col.EXHIBITOR].fillna("") != "")]
        pairs = zip(sub[Col.BOOTH_ID].astype(str), sub[Col.EXHIBITOR].astype(str), strict=True)
        return sorted(pairs, key=lambda p: (p[1].casefold(), p[0]))

    def events_now_next(
        self, now: datetime | None = None, *, n_next: int = 5
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the events running at ``now`` and the next ``n_next`` to start.

        Outside the fair's days (a demo, a test) "now" is the first event's start, so
        that the list shows the programme rather than nothing.
        """
        ev = self.snap.venue.events
        if ev.empty:
            return ev, ev
        starts = pd.to_datetime(ev[Col.STARTS])
        ends = pd.to_datetime(ev[Col.ENDS])
        t = pd.Timestamp(now or datetime.now())
        if t.tzinfo is not None and starts.dt.tz is None:
            t = t.tz_localize(None)
        if t < starts.min() or t > ends.max():
            t = starts.min()
        running = ev[(starts <= t) & (ends > t)].sort_values(Col.STARTS)
        upcoming = ev[starts > t].sort_values(Col.STARTS).head(n_next)
        return running, upcoming

    def place_name(self, place_id: str) -> str:
        """Return a short plain-text name for a place id, in the page language."""
        place = self.snap.places.get(place_id)
        if place is None:
            return place_id
        if place[0] == "booths":
            name = self.exhibitor_name(place_id)
            return f"{name} · {place_id}" if name else place_id
        return _place_names(self.snap, Lang(self.lang)).get(place_id, place_id)

    def exhibitor_name(self, booth_id: str) -> str:
        """Return the exhibitor of ``booth_id`` in the page language ('' for none)."""
        if booth_id not in self.snap.booths.index:
            return ""
        b = self.snap.booths.loc[booth_id]
        en = str(b[Col.EXHIBITOR] or "")
        zh = str(b.get(Col.EXHIBITOR_ZH, "") or "")
        return (zh or en) if self.lang == Lang.ZH.value else (en or zh)

    def hit_label(self, hit: SearchHit) -> str:
        """Return the one-line plain-text label of a search hit in the page language."""
        if hit.kind is HitKind.ZONE:
            return i18n.zone_name(hit.key, self.lang)
        if hit.kind is HitKind.AMENITY:
            return self.place_name(hit.target)
        if hit.kind is HitKind.EXHIBITOR:
            return f"{self.exhibitor_name(hit.target) or hit.label} · {hit.detail}"
        if hit.kind is HitKind.BOOTH:
            name = self.exhibitor_name(hit.key)
            return f"{hit.key} · {name}" if name else hit.key
        if hit.kind is HitKind.PRODUCT:
            who = self.exhibitor_name(hit.target) or hit.detail
            return f"{hit.label_in(self.lang)} — {who}"
        if hit.kind is HitKind.DOOR:
            return hit.label_in(self.lang)
        return f"{hit.label_in(self.lang)} · {self.place_name(hit.target)}"

    def card(self) -> Card | None:
        """Return the card of the chosen place, or ``None`` when nothing is chosen."""
        pid = self.selected
        if not pid:
            return None
        lang = Lang(self.lang)
        place = self.snap.places[pid]
        rows: list[tuple[str, str]] = []
        if place[0] == "booths":
            b = self.snap.booths.loc[pid]
            name = str(b[Col.EXHIBITOR] or "")
            zh = str(b.get(Col.EXHIBITOR_ZH, "") or "")
            title = (zh or name) if lang is Lang.ZH else (name or zh)
            title = title or i18n.text("card.unsold", lang)
            # English mode gives the Chinese name too; Chinese mode only the Chinese one.
            subtitle = zh if zh and name and lang is Lang.EN else ""
            hall = self._hall_name(str(b[Col.HALL_ID]))
            rows.append((i18n.text("card.booth", lang), pid))
            rows.append((i18n.text("card.hall", lang), hall))
            rows.append((i18n.text("card.zone", lang), i18n.zone_name(str(b[Col.ZONE]), lang)))
            products = i18n.pick_list(b, Col.PRODUCTS, lang)
            if products:
                rows.append((i18n.text("card.products", lang), ", ".join(products)))
            if b.get(Col.COUNTRY):
                country = i18n.country_name(str(b[Col.COUNTRY]), lang)
                rows.append((i18n.text("card.country", lang), country))
        else:
            title, subtitle = self.place_name(pid), ""
        distance = ""
        steps: tuple[str, ...] = ()
        if self.route is not None:
            metres = float(self.route.length_m)
            seconds = float(getattr(self.route, "duration_s", metres / WALK_SPEED_MPS))
            distance = i18n.text(
                "card.distance", lang, metres=round(metres), minutes=max(1, math.ceil(seconds / 60))
            )
            steps = tuple(_step_text(s, lang) for s in getattr(self.route, "steps", ()) or ())
        return Card(title, subtitle, tuple(rows), distance, steps, self.route_error)

    def _hall_name(self, hall_id: str) -> str:
        return _hall_names(self.snap, Lang(self.lang)).get(hall_id, hall_id)

    def deep_link(self, base_url: str) -> str:
        """Return the phone page (``/m``) showing this route from this start, for the QR code.

        ``from`` is where the route starts: ``from=`` if the kiosk was given one, a tapped
        point as ``lon,lat`` (what the API reads; the kiosk's own ``from=x,y`` is in the
        venue's metres), else the kiosk itself ("you are here" on the phone); ``to`` the
        chosen place.
        """
        start = self.route_start
        if isinstance(start, tuple):
            # The API's transformer of this snapshot: made once, shared with /api/v1.
            start = lon_lat(cache_of(self.snap).to_wgs84, start)
        args = {"from": start, "to": self.selected, "lang": self.lang}
        if self.accessible:
            args["accessible"] = "1"
        return f"{base_url.rstrip('/')}/m?{urlencode({k: v for k, v in args.items() if v})}"


# Names of places, by snapshot and language: built once and shared by every session (a
# pandas lookup per name cost ~5 ms; the start picker names ~25 places per draw).
@lru_cache(maxsize=32)
def _hall_names(snap: VenueSnapshot, lang: Lang) -> dict[str, str]:
    return {
        str(row[Col.HALL_ID]): i18n.hall_name(row, lang)
        for row in snap.venue.halls.drop(columns="geometry").to_dict("records")
    }


@lru_cache(maxsize=32)
def _place_names(snap: VenueSnapshot, lang: Lang) -> dict[str, str]:
    """Return the names of the amenities, doors and kiosks of ``snap`` in ``lang``."""
    halls = _hall_names(snap, lang)
    out: dict[str, str] = {}
    for row in snap.venue.amenities.drop(columns="geometry").to_dict("records"):
        kind = i18n.amenity_name(str(row[Col.KIND]), lang)
        label = i18n.amenity_label(row, lang)
        out[str(row[Col.AMENITY_ID])] = f"{kind} · {label}" if label and label != kind else kind
    for row in snap.venue.openings.drop(columns="geometry").to_dict("records"):
        key = f"door.{row[Col.KIND]}"
        key = key if key in i18n.CATALOGUE else "door.other"
        hall = str(row[Col.HALL_ID])
        out[str(row[Col.OPENING_ID])] = i18n.text(key, lang, hall=halls.get(hall, hall))
    for row in snap.venue.kiosks.drop(columns="geometry").to_dict("records"):
        hall = str(row.get(Col.HALL_ID, "") or "")
        kid = str(row[Col.KIOSK_ID])
        out[kid] = i18n.text("kiosk.name", lang, kiosk=kid, hall=halls.get(hall, hall))
    return out


@lru_cache(maxsize=64)
def _quick_targets(snap: VenueSnapshot, kind: str) -> tuple[str, ...]:
    """Return the place ids a one-tap "nearest ``kind``" button of ``snap`` chooses among."""
    if kind == "exit":
        op = snap.venue.openings
        for kinds in QUICK_EXITS:
            ids = op.loc[op[Col.KIND].astype(str).isin(kinds), Col.OPENING_ID]
            if len(ids):
                return tuple(str(i) for i in ids)
        return ()
    am = snap.venue.amenities
    kinds = QUICK_AMENITIES[kind]
    return tuple(str(i) for i in am.loc[am[Col.KIND].astype(str).isin(kinds), Col.AMENITY_ID])


def parse_point(text: str) -> tuple[float, float] | None:
    """Return floor point ``"x,y"`` (venue metres) as numbers, ``None`` for anything else.

    >>> parse_point("460980.5,4440907.8"), parse_point("A-101"), parse_point("nan,1")
    ((460980.5, 4440907.8), None, None)
    """
    parts = text.split(",")
    if len(parts) != 2:
        return None
    try:
        x, y = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


def lon_lat(to_wgs84: Transformer, point: Any) -> str:
    """Return venue point ``point`` as ``"lon,lat"`` (WGS84, 7 decimals: about 1 cm)."""
    lon, lat = to_wgs84.transform(float(point[0]), float(point[1]))
    return f"{lon:.7f},{lat:.7f}"


def format_point(point: Any) -> str:
    """Return a floor point as ``"x,y"`` to the decimetre (see :func:`parse_point`).

    >>> format_point((460980.54, 4440907.81))
    '460980.5,4440907.8'
    """
    return f"{float(point[0]):.1f},{float(point[1]):.1f}"


# ---------------------------------------------------------------------------------------
# The Panel page
# ---------------------------------------------------------------------------------------

# Style sheets (floorplan/app/static), by URL: each widget lives in its own shadow root,
# so each carries the sheets it needs; the browser loads each file once.
_BUTTON_CSS = css("kiosk-button")
_SMALL_BUTTON_CSS = css("kiosk-small-button")
_ROOT_CSS = css("kiosk-root")
_CARD_CSS = css("kiosk-card")
_TEXT_CSS = css("kiosk-text")
# High contrast (WCAG AAA): the page root gets the class ``high-contrast`` and every
# widget ``hc``; static/high-contrast.css keys its rules on each widget's own host.
HC_CLASS = "hc"
ROOT_HC_CLASS = "high-contrast"
_HC_CSS = css("high-contrast")


def home_url(kiosk_id: str, args: Mapping[str, str]) -> str:
    """Return the kiosk's home view: its kiosk and the language its URL set, nothing chosen.

    >>> home_url("K1", {"lang": "zh", "to": "A-101"})
    '/kiosk?kiosk=K1&lang=zh'
    >>> home_url("", {"lang": "xx"})
    '/kiosk?'
    """
    home = {"kiosk": kiosk_id} if kiosk_id else {}
    if args.get("lang") in {lang.value for lang in Lang}:
        home["lang"] = args["lang"]
    return "/kiosk?" + urlencode(home)


def reload_url(home: str, args: Mapping[str, str], *, idle_s: float) -> str:
    """Return where the page goes when its server is back after a lost connection.

    A kiosk (an idle reset) goes to its home view, keeping an ``idle`` its URL set; a
    page without an idle reset (a phone's deep link, ``idle=0``) reloads its own URL, so
    that the route the visitor came for is still shown.

    >>> reload_url("/kiosk?kiosk=K1", {"kiosk": "K1", "to": "A-1", "idle": "5"}, idle_s=5)
    '/kiosk?kiosk=K1&idle=5'
    >>> reload_url("/kiosk?kiosk=K1", {"kiosk": "K1", "to": "A-1", "idle": "0"}, idle_s=0)
    '/kiosk?kiosk=K1&to=A-1&idle=0'
    """
    if not (idle_s > 0 and math.isfinite(idle_s)):
        return "/kiosk?" + urlencode(dict(args))
    if "idle" in args:
        return home + ("&" if not home.endswith("?") else "") + urlencode({"idle": args["idle"]})
    return home


def _idle_js(idle_s: float, home_url: str) -> CustomJS:
    """Return the browser-side guard: no accidental zoom or scroll, and the idle reset."""
    return custom_js("idle-guard", idle_ms=int(idle_s * 1000), home=home_url)


class KioskPage:
    """One session's kiosk page: widgets and the map bound to a :class:`KioskState`.

    Parameters
    ----------
    ctx
        The shared venue context.
    args
        The URL query (``kiosk, lang, to, from, accessible, idle``).
    base_url
        Scheme and host phones reach this server at (for the QR code).
    """

    def __init__(self, ctx: VenueContext, args: Mapping[str, str], *, base_url: str) -> None:
        self.ctx = ctx
        self.base_url = base_url
        self.state = state = KioskState(ctx)
        self._build_map(args)
        self._build_side()
        self.root = pn.Row(
            self.map_pane,
            self.side,
            sizing_mode="stretch_both",
            stylesheets=[variables_css(), _ROOT_CSS],
            css_classes=["kiosk-root"],
        )
        state.param.watch(self._on_lang, "lang")
        state.param.watch(self._on_contrast, "high_contrast")
        state.param.watch(
            self._render,
            [
                "mode",
                "hits",
                "selected",
                "route",
                "zone",
                "notice",
                "kiosk_notice",
                "show_all",
                "origin",
                "origin_point",
                "accessible",
            ],
        )
        state.param.watch(self._on_selected, ["selected", "route"])
        state.param.watch(self._on_lit, ["highlighted"])
        state.param.watch(self._on_start, ["origin", "origin_point"])
        # The side panel is drawn once, when the state is whole (not per step of it).
        self._drawing = False
        state.apply_args(args)
        self._on_lang()
        self._drawing = True
        self._render()
        self._on_start()
        try:
            idle_s = float(args.get("idle", ctx.idle_s))
        except ValueError:
            idle_s = ctx.idle_s
        home = home_url(state.kiosk_id, args)
        self.idle_s = idle_s
        self.home_url = home
        self.idle_js = _idle_js(idle_s if math.isfinite(idle_s) else 0, home)
        #: Where the page reloads after its server connection was lost and is back.
        self.reload_url = reload_url(home, args, idle_s=idle_s)

    def _build_map(self, args: Mapping[str, str]) -> None:
        """Build the map turned to the kiosk's heading, with "You are here"."""
        snap = self.state.snap
        kiosk = snap.kiosk(args.get("kiosk", ""))
        heading = kiosk[2] if kiosk else 0.0
        self.frame = MapFrame.facing(snap.venue, heading)
        lang = i18n.parse_lang(args.get("lang")) if args.get("lang") in {"en", "zh"} else Lang.EN
        self.map = MapView(
            snap.venue,
            self.frame,
            lang=lang,
            icon_url=_icon_url,
            here=(kiosk[0], kiosk[1]) if kiosk else None,
        )
        #: Where "You are here" is drawn (venue point; None: nowhere).
        self._here_at = (kiosk[0], kiosk[1]) if kiosk else None
        self.map.figure.on_event(Tap, self._on_tap)
        # The pane hands the figure itself to the page: the class goes on the figure.
        self.map.figure.css_classes = ["kiosk-map"]
        self.map_pane = pn.pane.Bokeh(self.map.figure, sizing_mode="stretch_both")

    def _build_side(self) -> None:
        """Build the side panel: the top bar, the search box, the notice and the body."""
        state = self.state
        self.search = pn.widgets.TextInput(
            max_length=MAX_QUERY_CHARS,
            sizing_mode="stretch_width",
            stylesheets=[css("kiosk-search"), _HC_CSS],
        )
        self.search.param.watch(lambda e: state.set_query(e.new or ""), "value_input")
        small = [_SMALL_BUTTON_CSS, _HC_CSS]
        self.lang_btn = pn.widgets.Button(stylesheets=small, color="primary")
        self.lang_btn.on_click(lambda _e: state.toggle_lang())
        self.home_btn = pn.widgets.Button(stylesheets=small)
        self.home_btn.on_click(lambda _e: self._home())
        self.zones_btn = pn.widgets.Button(stylesheets=small)
        self.zones_btn.on_click(lambda _e: self._zones())
        self.events_btn = pn.widgets.Button(stylesheets=small)
        self.events_btn.on_click(lambda _e: state.show_events())
        self.contrast = pn.widgets.Toggle(stylesheets=small)
        self.contrast.param.watch(lambda e: setattr(state, "high_contrast", e.new), "value")
        self.accessible = pn.widgets.Toggle(stylesheets=[_BUTTON_CSS, _HC_CSS])
        self.accessible.param.watch(lambda e: state.set_accessible(e.new), "value")
        self.notice = pn.pane.HTML("", stylesheets=[css("kiosk-notice"), _HC_CSS])
        self.body = pn.Column(sizing_mode="stretch_width", css_classes=["kiosk-body"])
        bar = pn.FlexBox(
            self.home_btn,
            self.zones_btn,
            self.events_btn,
            self.lang_btn,
            self.contrast,
            gap="8px",
            sizing_mode="stretch_width",
        )
        self.side = pn.Column(bar, self.search, self.notice, self.body, css_classes=["kiosk-side"])

    def follow(self, snap: VenueSnapshot) -> None:
        """Draw ``snap`` (a newly published layout) and route the chosen place again."""
        with unlocked():
            self.map.set_venue(snap.venue)
        if self.state.follow(snap):
            with unlocked():
                self.map.home()

    # --- event handlers -----------------------------------------------------------------
    def _zones(self) -> None:
        self.state.param.update(mode="zone", zone="")

    def _on_tap(self, event: Event) -> None:
        if not isinstance(event, Tap) or event.x is None or event.y is None:
            return
        x, y = self.frame.to_venue(float(event.x), float(event.y))
        self.state.tap(x, y)

    def _home(self) -> None:
        self.search.param.update(value="", value_input="")
        self.state.param.update(
            query="",
            hits=[],
            selected="",
            route=None,
            route_error="",
            mode="home" if self.state.has_start else "start",
            zone="",
            notice="",
            highlighted=[],
            show_all=False,
        )
        with unlocked():
            self.map.home()

    def _on_lang(self, *_: object) -> None:
        lang = Lang(self.state.lang)
        t = i18n.text
        self.lang_btn.name = t("lang.toggle", lang)
        self.home_btn.name = t("button.home", lang)
        self.zones_btn.name = t("button.zones", lang)
        self.events_btn.name = t("button.events", lang)
        self.contrast.name = t("toggle.contrast", lang)
        self.accessible.name = t("toggle.accessible", lang)
        self.search.placeholder = t("search.placeholder", lang)
        with unlocked():
            self.map.set_lang(lang)
        self._render()

    def _on_contrast(self, *_: object) -> None:
        high = self.state.high_contrast
        with unlocked():
            self.map.set_contrast(high=high)
        self.contrast.value = high
        self.root.css_classes = _with_class(self.root.css_classes, ROOT_HC_CLASS, on=high)
        self._mark_hc([*self._fixed_widgets(), *self.body.objects])

    def _fixed_widgets(self) -> list[Any]:
        return [
            self.home_btn,
            self.zones_btn,
            self.events_btn,
            self.lang_btn,
            self.contrast,
            self.search,
            self.notice,
            self.accessible,
        ]

    def _mark_hc(self, widgets: list[Any]) -> None:
        """Give ``widgets`` the high-contrast class, or take it away, as the state says."""
        on = self.state.high_contrast
        for w in widgets:
            classes = _with_class(w.css_classes, HC_CLASS, on=on)
            if classes != list(w.css_classes):
                w.css_classes = classes

    def _on_start(self, *_: object) -> None:
        """Put "You are here" where the visitor said they are (a kiosk's stays put)."""
        s = self.state
        point = s.start_point
        if point == self._here_at:
            return
        self._here_at = point
        with unlocked():
            self.map.set_here(point, lang=Lang(s.lang))

    def _on_selected(self, *_: object) -> None:
        # Raw Bokeh changes from a Panel widget callback must be sent with the document
        # unlocked (Panel does this for its own widgets, not for models we hold).
        with unlocked():
            self._draw_selected()

    def _on_lit(self, *_: object) -> None:
        """Light up what the state says (search hits, the browsed zone's booths) on the map."""
        with unlocked():
            self.map.highlight_ids(list(self.state.highlighted))

    def _draw_selected(self) -> None:
        s = self.state
        if not s.selected:
            self.map.home()
            return
        place = self.state.snap.places[s.selected]
        if place[0] == "booths":
            self.map.highlight([self.state.snap.booths.loc[s.selected].geometry])
        else:
            self.map.highlight([])
        if s.route is not None and len(s.route.coords):
            self.map.show_route(list(s.route.coords))
            self.map.fit([self.map.route, self.map.highlight_renderer], padding=0.15)
        else:
            self.map.show_route([])
            if place[0] == "booths":
                self.map.fit([self.map.highlight_renderer], padding=1.0)

    # --- drawing the side panel ---------------------------------------------------------
    def _button(self, label: str, action: Any, **kw: Any) -> pn.widgets.Button:
        # A widget label is set as text by Bokeh: markup in a name stays visible text.
        b = pn.widgets.Button(
            name=label, stylesheets=[_BUTTON_CSS, _HC_CSS], sizing_mode="stretch_width", **kw
        )
        b.on_click(lambda _e: action())
        return b

    def _render(self, *_: object) -> None:
        if not getattr(self, "_drawing", True):
            return
        s = self.state
        lang = Lang(s.lang)
        self.notice.object = macro("kiosk.html", "notices", [s.kiosk_notice, s.notice])
        items: list[Any] = []
        if s.mode == "start":
            items = self._render_start(lang)
        elif s.mode == "search":
            items = self._render_hits(lang)
        elif s.mode == "card":
            items = self._render_card(lang)
        elif s.mode == "zone":
            items = self._render_zone(lang)
        elif s.mode == "events":
            items = self._render_events(lang)
        else:
            items = self._render_home(lang)
        self._mark_hc(items)
        self.body.objects = items

    def _start_line(self, lang: Lang) -> list[Any]:
        """Return "From: …" and the button that reopens the start picker."""
        s = self.state
        items: list[Any] = []
        if s.has_start:
            items.append(_para(i18n.text("start.from", lang, place=s.start_name()), "from"))
        label = "start.change" if s.has_start else "start.choose"
        items.append(
            self._button(i18n.text(label, lang), s.open_start, css_classes=["change-start"])
        )
        return items

    def _render_home(self, lang: Lang) -> list[Any]:
        s = self.state
        items: list[Any] = [*self._start_line(lang), _heading(i18n.text("quick.title", lang))]
        row: list[Any] = []
        for kind in QUICK:
            reason = s.quick_reason(kind)
            b = self._button(
                i18n.text(f"quick.{kind}", lang),
                lambda k=kind: s.go_nearest(k),
                css_classes=["quick", f"quick-{kind}"],
                disabled=bool(reason),
                description=reason or None,
            )
            row.append(b)
            if reason:
                row.append(_para(reason, "why"))
        items += row
        items.append(_para(i18n.text("home.hint", lang)))
        return items

    def _render_start(self, lang: Lang) -> list[Any]:
        """Draw the start picker: tap the map, search, or pick an entrance or kiosk."""
        s = self.state
        other = Lang.ZH if lang is Lang.EN else Lang.EN
        title = f"{i18n.text('start.title', lang)} / {i18n.text('start.title', other)}"
        items: list[Any] = [
            pn.pane.HTML(
                macro("kiosk.html", "start_title", title),
                stylesheets=[_TEXT_CSS, _HC_CSS],
                css_classes=["start-picker"],
            ),
            _para(i18n.text("start.hint", lang)),
        ]
        if s.has_start or s.selected:
            items.append(self._button(i18n.text("start.back", lang), s.close_start))
        if s.query.strip():
            items.append(pn.pane.HTML(macro("kiosk.html", "hits_for", s.query), height=0))
            hits = [h for h in s.hits if h.target in s.snap.places]
            if not hits:
                items.append(_para(i18n.text("search.none", lang, query=s.query)))
            items += [
                self._button(
                    s.hit_label(h),
                    lambda h=h: s.choose_hit(h),
                    css_classes=["start-hit", f"hit-{h.kind.value}"],
                )
                for h in hits[:HITS_SHOWN]
            ]
            return items
        op = s.snap.venue.openings
        doors = op.loc[op[Col.KIND].astype(str) == "entrance", Col.OPENING_ID].astype(str)
        if len(doors):
            items.append(_heading(i18n.text("start.entrances", lang)))
            names = [s.place_name(d) for d in doors]
            # Two entrances of one hall read the same: their ids tell them apart.
            twice = {n for n in names if names.count(n) > 1}
            items += [
                self._button(
                    f"{n} · {d}" if n in twice else n,
                    lambda d=d: s.set_start(d),
                    css_classes=["start-door"],
                )
                for d, n in zip(doors, names, strict=True)
            ]
        kiosks = s.snap.venue.kiosks[Col.KIOSK_ID].astype(str)
        if len(kiosks):
            items.append(_heading(i18n.text("start.kiosks", lang)))
            items += [
                self._button(
                    s.place_name(k), lambda k=k: s.set_start(k), css_classes=["start-kiosk"]
                )
                for k in kiosks
            ]
        return items

    def _show_all(self, n: int, shown: int, lang: Lang) -> list[Any]:
        """Return "12 of 88" and a "Show all 88" button when a list is cut."""
        if n <= shown or self.state.show_all:
            return []
        return [
            _para(i18n.text("list.shown", lang, shown=shown, n=n), "shown"),
            self._button(
                i18n.text("list.show_all", lang, n=n),
                lambda: setattr(self.state, "show_all", True),
                css_classes=["show-all"],
            ),
        ]

    def _with_distance(self, label: str, place_id: str) -> str:
        dist = self.state.distance_text(place_id) if place_id else ""
        return f"{label} · {dist}" if dist else label

    def _render_hits(self, lang: Lang) -> list[Any]:
        s = self.state
        # Names the query these hits answer, so that a test can wait for the last one.
        marker = pn.pane.HTML(macro("kiosk.html", "hits_for", s.query), margin=0, height=0)
        if not s.hits:
            return [marker, _para(i18n.text("search.none", lang, query=s.query))]
        items: list[Any] = [marker]
        kind = None
        shown = s.hits if s.show_all else s.hits[:HITS_SHOWN]
        for hit in shown:
            if hit.kind is not kind:
                kind = hit.kind
                items.append(_heading(i18n.text(f"kind.{kind.value}", lang)))
            target = hit.target if hit.kind is not HitKind.ZONE else ""
            items.append(
                self._button(
                    self._with_distance(s.hit_label(hit), target),
                    lambda h=hit: s.choose_hit(h),
                    css_classes=["hit", f"hit-{hit.kind.value}"],
                )
            )
        return items + self._show_all(len(s.hits), HITS_SHOWN, lang)

    def _render_card(self, lang: Lang) -> list[Any]:
        s = self.state
        card = s.card()
        if card is None:
            return []
        items: list[Any] = [
            pn.pane.HTML(
                macro("kiosk.html", "card", card, i18n.text("card.steps", lang)),
                stylesheets=[_CARD_CSS, _HC_CSS],
                css_classes=["card"],
                sizing_mode="stretch_width",
            ),
        ]
        if not s.has_start:
            items.append(_para(i18n.text("start.needed", lang), "needs-start"))
        items += self._start_line(lang)
        if s.has_start:
            self.accessible.value = s.accessible
            items.append(self.accessible)
        link = s.deep_link(self.base_url)
        qr = segno.make(link, error="m").svg_data_uri(scale=4, border=2)
        items.append(
            pn.pane.HTML(
                macro("kiosk.html", "qr", qr, i18n.text("card.qr", lang), link),
                css_classes=["qr"],
                stylesheets=[css("kiosk-qr"), _HC_CSS],
            )
        )
        return items

    def _render_zone(self, lang: Lang) -> list[Any]:
        s = self.state
        items: list[Any] = [_heading(i18n.text("zones.title", lang))]
        for zone in Zone:
            items.append(
                self._button(
                    i18n.zone_name(zone.value, lang),
                    lambda z=zone.value: s.browse_zone(z),
                    color="primary" if s.zone == zone.value else "default",
                    css_classes=["zone", f"zone-{zone.value}"],
                )
            )
            if s.zone == zone.value:
                pairs = s.zone_exhibitors(zone.value)
                if not pairs:
                    items.append(_para(i18n.text("zones.empty", lang)))
                shown = pairs if s.show_all else pairs[:ZONE_SHOWN]
                items += [
                    self._button(
                        self._with_distance(f"{s.exhibitor_name(bid) or name} · {bid}", bid),
                        lambda b=bid: s.choose(b),
                        css_classes=["zone-exhibitor"],
                    )
                    for bid, name in shown
                ]
                items += self._show_all(len(pairs), ZONE_SHOWN, lang)
        return items

    def _render_events(self, lang: Lang) -> list[Any]:
        s = self.state
        running, upcoming = s.events_now_next()
        items: list[Any] = []
        for key, frame in (("events.now", running), ("events.next", upcoming)):
            if frame.empty:
                continue
            items.append(_heading(i18n.text(key, lang)))
            for _, ev in frame.iterrows():
                where = str(ev[Col.WHERE])
                when = i18n.text(
                    "events.at",
                    lang,
                    start=pd.Timestamp(ev[Col.STARTS]).strftime("%H:%M"),
                    end=pd.Timestamp(ev[Col.ENDS]).strftime("%H:%M"),
                    place=s.place_name(where),
                )
                items.append(
                    self._button(
                        f"{i18n.pick(ev, Col.TITLE, lang)} — {when}",
                        lambda w=where: s.choose(w),
                        css_classes=["event"],
                    )
                )
        if not items:
            items.append(_para(i18n.text("events.none", lang)))
        return items

    def view(self) -> pn.viewable.Viewable:
        """Return the page's root layout."""
        return self.root


def _heading(label: str) -> pn.pane.HTML:
    return pn.pane.HTML(macro("kiosk.html", "heading", label), stylesheets=[_TEXT_CSS, _HC_CSS])


def _para(text: str, css_class: str = "") -> pn.pane.HTML:
    return pn.pane.HTML(
        macro("kiosk.html", "para", text),
        sizing_mode="stretch_width",
        stylesheets=[_TEXT_CSS, _HC_CSS],
        css_classes=[css_class] if css_class else [],
    )


def _with_class(classes: list[str], name: str, *, on: bool) -> list[str]:
    """Return ``classes`` with ``name`` in it (``on``) or not, order otherwise kept."""
    rest = [c for c in classes if c != name]
    return [*rest, name] if on else rest


def _icon_url(kind: str) -> str:
    return f"/assets/icons/{kind if _known_icon(kind) else 'other'}.svg"


def _known_icon(kind: str) -> bool:
    from floorplan.schema import AmenityKind  # noqa: PLC0415

    return kind in {k.value for k in AmenityKind} or kind == "you_are_here"


def kiosk_page(ctx: VenueContext) -> pn.viewable.Viewable:
    """Build the kiosk page for the current Panel session (its document, its query)."""
    return session_kiosk(ctx).view()


def session_kiosk(ctx: VenueContext) -> KioskPage:
    """Return the kiosk of the current Panel session, wired to its document."""
    args = {
        k: v[0].decode("utf-8", "replace") for k, v in (pn.state.session_args or {}).items() if v
    }
    headers = pn.state.headers or {}
    base = ctx.public_url or f"http://{headers.get('Host', 'localhost')}"
    page = KioskPage(ctx, args, base_url=base)
    if pn.state.curdoc is not None:
        pn.state.curdoc.js_on_event(DocumentReady, page.idle_js)
        pn.state.curdoc.title = i18n.text("app.title", page.state.lang)
        _watch_connection(pn.state.curdoc, page)
    return page


def _watch_connection(doc: Any, page: KioskPage) -> None:
    """Show the bilingual "reconnecting…" banner while the server is away, then reload."""
    t = i18n.text
    watch_connection(
        doc,
        reload_url=page.reload_url,
        title=f"{t('conn.reconnecting', Lang.EN)} · {t('conn.reconnecting', Lang.ZH)}",
        details=[t("conn.kiosk_detail", Lang.EN), t("conn.kiosk_detail", Lang.ZH)],
    )
