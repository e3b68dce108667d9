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
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import panel as pn
import param
import segno
from bokeh.events import DocumentReady, Event, Tap
from bokeh.models import CustomJS
from panel.io.document import unlocked

from floorplan import i18n
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

MODES = ("home", "search", "card", "zone", "events")
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
    search_ms = param.Number(default=0.0, doc="Server time of the last search.")

    def __init__(self, ctx: VenueContext, **params: Any) -> None:
        self.ctx = ctx
        #: The venue and lookups this session shows; replaced whole by :meth:`follow`.
        self.snap: VenueSnapshot = ctx.snapshot
        super().__init__(**params)

    # --- entering the page -------------------------------------------------------------
    def apply_args(self, args: Mapping[str, str]) -> None:
        """Set the state from a URL's query (``kiosk, lang, to, from, accessible``)."""
        try:
            self.lang = i18n.parse_lang(args.get("lang")).value
        except FloorplanError:
            self.lang = Lang.EN.value
        kiosk = args.get("kiosk", "")
        if kiosk and self.snap.kiosk(kiosk) is None:
            self.notice = i18n.text("kiosk.unknown", self.lang, kiosk=kiosk)
            kiosk = ""
        self.kiosk_id = kiosk
        origin = args.get("from", "")
        if origin and origin not in self.snap.places:
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

    @property
    def route_start(self) -> str:
        """Return where routes start: ``from=`` if given, else the kiosk ('' for neither)."""
        return self.origin or self.kiosk_id

    @property
    def start_point(self) -> tuple[float, float] | None:
        """Return the venue point routes start at, if any."""
        place = self.snap.places.get(self.route_start)
        return (place[1], place[2]) if place else None

    # --- actions ------------------------------------------------------------------------
    def set_query(self, text: str) -> list[SearchHit]:
        """Search for ``text`` and show the hits (the home view for an empty box).

        Only the first :data:`MAX_QUERY_CHARS` characters count.
        """
        text = text[:MAX_QUERY_CHARS]
        t0 = time.perf_counter()
        hits = (
            self.snap.search.search(text, limit=20, near=self.start_point) if text.strip() else []
        )
        self.search_ms = (time.perf_counter() - t0) * 1000
        self.param.update(query=text, hits=hits, mode="search" if text.strip() else "home")
        return hits

    def choose_hit(self, hit: SearchHit) -> None:
        """Act on a search hit: browse a zone, or route to the hit's place."""
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
        self.param.update(selected=place_id, route=route, route_error=error, mode="card", notice="")

    def tap(self, x: float, y: float) -> str | None:
        """Choose the booth at venue point ``(x, y)``; return its id (``None``: no booth)."""
        booth = self.snap.booth_at(x, y)
        if booth is not None:
            self.choose(booth)
        return booth

    def set_accessible(self, value: bool) -> None:
        """Ask for step-free routes (or not) and route the chosen place again."""
        self.accessible = value
        if self.selected:
            route, error = self._route_to(self.selected, accessible=value)
            self.param.update(route=route, route_error=error)

    def browse_zone(self, zone: str) -> None:
        """List the exhibitors of ``zone``."""
        self.param.update(zone=Zone(zone).value, mode="zone")

    def show_events(self) -> None:
        """Show the events now and next."""
        self.mode = "events"

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
            mode="home",
            zone="",
            accessible=False,
            notice="",
            lang=Lang.EN.value,
            high_contrast=False,
        )

    def follow(self, snap: VenueSnapshot) -> bool:
        """Show ``snap`` (a newly published layout) from now on; route the chosen place again.

        A chosen place the new layout no longer has sends the kiosk to its home view.
        Returns whether the home view was shown for that reason.
        """
        self.snap = snap
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
        """Return a short plain-text name for a place id."""
        place = self.snap.places.get(place_id)
        if place is None:
            return place_id
        layer = place[0]
        if layer == "booths":
            name = self.exhibitor_name(place_id)
            return f"{name} · {place_id}" if name else place_id
        if layer == "amenities":
            am = self.snap.venue.amenities
            row = am[am[Col.AMENITY_ID].astype(str) == place_id].iloc[0]
            kind = i18n.amenity_name(str(row[Col.KIND]), self.lang)
            return f"{kind} · {row[Col.NAME]}" if row[Col.NAME] else kind
        return place_id

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
            kind = i18n.amenity_name(hit.detail, self.lang)
            return f"{kind} · {hit.label}" if hit.label and hit.label != hit.detail else kind
        if hit.kind is HitKind.EXHIBITOR:
            return f"{self.exhibitor_name(hit.target) or hit.label} · {hit.detail}"
        if hit.kind is HitKind.BOOTH:
            name = self.exhibitor_name(hit.key)
            return f"{hit.key} · {name}" if name else hit.key
        if hit.kind is HitKind.PRODUCT:
            return f"{hit.label} — {hit.detail}"
        if hit.kind is HitKind.DOOR:
            return hit.label_in(self.lang)
        return f"{hit.label} · {self.place_name(hit.target)}"

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
            subtitle = (name if title == zh else zh) if zh and name else ""
            hall = self._hall_name(str(b[Col.HALL_ID]))
            rows.append((i18n.text("card.booth", lang), pid))
            rows.append((i18n.text("card.hall", lang), hall))
            rows.append((i18n.text("card.zone", lang), i18n.zone_name(str(b[Col.ZONE]), lang)))
            products = [p.strip() for p in str(b[Col.PRODUCTS] or "").split(";") if p.strip()]
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
        h = self.snap.venue.halls
        row = h[h[Col.HALL_ID].astype(str) == hall_id]
        return str(row.iloc[0][Col.NAME] or hall_id) if len(row) else hall_id

    def deep_link(self, base_url: str) -> str:
        """Return the phone page (``/m``) showing this route from this kiosk, for the QR code.

        ``from`` is where the route starts (``from=`` if the kiosk was given one, else the
        kiosk itself: "you are here" on the phone), ``to`` the chosen place.
        """
        args = {"from": self.route_start, "to": self.selected, "lang": self.lang}
        if self.accessible:
            args["accessible"] = "1"
        return f"{base_url.rstrip('/')}/m?{urlencode({k: v for k, v in args.items() if v})}"


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
        state.param.watch(self._render, ["mode", "hits", "selected", "route", "zone", "notice"])
        state.param.watch(self._on_selected, ["selected", "route"])
        state.apply_args(args)
        self._on_lang()
        self._render()
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
            icon_url=lambda kind: f"/assets/icons/{kind if _known_icon(kind) else 'other'}.svg",
            here=(kiosk[0], kiosk[1]) if kiosk else None,
        )
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
            mode="home",
            zone="",
            notice="",
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

    def _on_selected(self, *_: object) -> None:
        # Raw Bokeh changes from a Panel widget callback must be sent with the document
        # unlocked (Panel does this for its own widgets, not for models we hold).
        with unlocked():
            self._draw_selected()

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
        s = self.state
        lang = Lang(s.lang)
        self.notice.object = macro("kiosk.html", "text", s.notice)
        items: list[Any] = []
        if s.mode == "search":
            items = self._render_hits(lang)
        elif s.mode == "card":
            items = self._render_card(lang)
        elif s.mode == "zone":
            items = self._render_zone(lang)
        elif s.mode == "events":
            items = self._render_events(lang)
        else:
            items = [_para(i18n.text("home.hint", lang))]
        self._mark_hc(items)
        self.body.objects = items

    def _render_hits(self, lang: Lang) -> list[Any]:
        s = self.state
        # Names the query these hits answer, so that a test can wait for the last one.
        marker = pn.pane.HTML(macro("kiosk.html", "hits_for", s.query), margin=0, height=0)
        if not s.hits:
            return [marker, _para(i18n.text("search.none", lang, query=s.query))]
        items: list[Any] = [marker]
        kind = None
        for hit in s.hits[:12]:
            if hit.kind is not kind:
                kind = hit.kind
                items.append(_heading(i18n.text(f"kind.{kind.value}", lang)))
            items.append(
                self._button(
                    s.hit_label(hit),
                    lambda h=hit: s.choose_hit(h),
                    css_classes=["hit", f"hit-{hit.kind.value}"],
                )
            )
        return items

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
        if s.route_start:
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
                items += [
                    self._button(
                        f"{name} · {bid}", lambda b=bid: s.choose(b), css_classes=["zone-exhibitor"]
                    )
                    for bid, name in pairs[:60]
                ]
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
                        f"{ev[Col.TITLE]} — {when}",
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


def _para(text: str) -> pn.pane.HTML:
    return pn.pane.HTML(
        macro("kiosk.html", "para", text),
        sizing_mode="stretch_width",
        stylesheets=[_TEXT_CSS, _HC_CSS],
    )


def _with_class(classes: list[str], name: str, *, on: bool) -> list[str]:
    """Return ``classes`` with ``name`` in it (``on``) or not, order otherwise kept."""
    rest = [c for c in classes if c != name]
    return [*rest, name] if on else rest


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
