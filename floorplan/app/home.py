"""Serve ``/``: the kiosks' links for setting up their screens, and the visitor map.

Whoever sets up a kiosk screen opens ``/`` once and taps that kiosk's link: the page then
knows where it stands and which way it faces. A visitor's phone taps "Open the venue map"
(``/kiosk``, which asks where they are). Old links ``/?kiosk=…`` still open the kiosk.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import parse_qsl, urlencode

import tornado.web

from floorplan import i18n
from floorplan.app.context import VenueContext, VenueSnapshot
from floorplan.app.resources import css, render
from floorplan.i18n import Lang
from floorplan.schema import Col

__all__ = ["HomeHandler", "home_page"]


def _with_lang(path: str, lang: Lang, **query: str) -> str:
    return f"{path}?{urlencode({**query, 'lang': lang.value})}"


def home_page(snap: VenueSnapshot, lang: Lang) -> str:
    """Return the home page of ``snap``'s venue in ``lang``: its kiosks' links by hall."""
    t = i18n.text
    other = Lang.ZH if lang is Lang.EN else Lang.EN
    venue = snap.venue
    halls = venue.halls.set_index(Col.HALL_ID, drop=False)
    by_hall: dict[str, list[tuple[str, str, str]]] = {}
    order = [str(h) for h in halls.index]
    for _, k in venue.kiosks.sort_values(Col.KIOSK_ID).iterrows():
        kid = str(k[Col.KIOSK_ID])
        hall = str(k.get(Col.HALL_ID, "") or "")
        heading = float(k.get(Col.HEADING_DEG, 0.0) or 0.0)
        deg = round(heading) % 360 if math.isfinite(heading) else 0
        label = t("home.kiosk", lang, kiosk=kid)
        detail = t("home.facing", lang, deg=deg)
        by_hall.setdefault(hall, []).append((label, detail, _with_lang("/kiosk", lang, kiosk=kid)))
    groups = [
        (i18n.hall_name(halls.loc[h], lang) if h in halls.index else h, by_hall[h])
        for h in [*order, *sorted(set(by_hall) - set(order))]
        if h in by_hall
    ]
    page: dict[str, Any] = {
        "lang": lang.value,
        "title": t("home.title", lang, venue=venue.name),
        "app_title": t("app.title", lang),
        "css_urls": [css("auth"), css("home")],
        "other_lang": (t("auth.other_lang", lang), f"/?lang={other.value}"),
        "lead": t("home.lead", lang),
        "visitor": (t("home.visitor", lang), _with_lang("/kiosk", lang)),
        "halls": groups,
        "none": t("home.none", lang),
        "staff": (t("home.staff", lang), _with_lang("/login", lang)),
    }
    return render("home.html", page=page)


class HomeHandler(tornado.web.RequestHandler):
    """Answer ``/`` with :func:`home_page`; ``/?kiosk=…`` (an old link) opens the kiosk."""

    def initialize(self, ctx: VenueContext) -> None:
        """Keep the server's venue context."""
        self.ctx = ctx

    def get(self) -> None:
        """Write the home page, or send a kiosk's old link on to ``/kiosk``."""
        args = parse_qsl(self.request.query, keep_blank_values=True)
        if any(k != "lang" for k, _ in args):
            self.redirect("/kiosk?" + self.request.query)
            return
        asked = dict(args).get("lang", "")
        if asked in {x.value for x in Lang}:
            lang = Lang(asked)
        else:
            accept = self.request.headers.get("Accept-Language", "").strip().lower()
            lang = Lang.ZH if accept.startswith("zh") else Lang.EN
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(home_page(self.ctx.snapshot, lang))
