"""Locust users for ``floorplan serve``: phone visitors on /m and the API, and kiosk sessions.

``PhoneVisitor`` is one visitor's phone after scanning a kiosk's QR code: it loads the page
and its files (gzip, as a browser asks), the venue and its layers once, then two or three
times types the first letters of something (a keystroke every 150-350 ms, a search each),
opens a hit and asks the route to it from the kiosk, reading it for a while (think time)
before the next. Then the visitor leaves and a new one arrives.

``KioskSession`` is a kiosk's browser as the server sees it: it opens ``/kiosk?kiosk=ID``
(Panel makes the session and its document), opens the session's websocket with the
token from that page and pulls the document, as BokehJS does before drawing; the time from
the first request to the document is recorded as ``kiosk first render``. The session then
stays open (an idle kiosk) until the run ends.

Run through ``benchmarks/loadtest/run.py``, which starts the server and records the
figures; loopback only.
"""

from __future__ import annotations

import html
import json
import random
import re
import time
import uuid
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

import websocket
from locust import User, between, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.exception import StopUser

ASSET = re.compile(r'(?:src|href)="(/m/[^"]+)"')
ICONS = re.compile(r'data-icons="([^"]*)"')
BROWSER: dict[str, str] = {"Accept-Encoding": "gzip"}
#: The layers and properties the phone page asks for (floorplan/app/phone/m.js).
FIELDS: dict[str, str] = {
    "halls": "hall_id,name,name_zh",
    "obstacles": "kind",
    "openings": "kind",
    "amenities": "amenity_id,kind",
    "booths": "booth_id,exhibitor,exhibitor_zh,zone,hall_id",
}


class Venue:
    """What the visitors pick from: kiosks, places and words, read once from the API."""

    kiosks: ClassVar[list[str]] = []
    places: ClassVar[list[str]] = []
    words: ClassVar[list[str]] = []
    icons: ClassVar[list[str]] = []

    @classmethod
    def load(cls, client: Any) -> None:
        if cls.kiosks:
            return
        venue = client.get("/api/v1/venue", name="setup").json()
        cls.kiosks = [k["id"] for k in venue["kiosks"]]
        booths = client.get("/api/v1/layers/booths", name="setup").json()["features"]
        amenities = client.get("/api/v1/layers/amenities", name="setup").json()["features"]
        cls.places = [f["id"] for f in booths + amenities]
        names = [f["properties"].get("exhibitor") or "" for f in booths]
        cls.words = [n for n in names if len(n) >= 4] or ["toilet"]
        cls.icons = sorted({f["properties"]["kind"] for f in amenities} | {"you_are_here"})


def _typo(word: str) -> str:
    if len(word) < 5:
        return word
    i = random.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


class PhoneVisitor(FastHttpUser):
    """A phone on /m: the page once, then searches and routes with think time."""

    wait_time = between(1, 3)  # between one visitor leaving and the next arriving

    def on_start(self) -> None:
        Venue.load(self.client)

    @task
    def visit(self) -> None:
        kiosk = random.choice(Venue.kiosks)
        self.load_page(kiosk)
        for _ in range(random.randint(2, 3)):
            target = self.search()
            time.sleep(random.uniform(1.0, 3.0))  # reading the hits
            self.client.get(
                f"/api/v1/places/{quote(target)}?lang=en",
                name="/api/v1/places/[id]",
                headers=BROWSER,
            )
            self.client.get(
                f"/api/v1/route?from={quote(kiosk)}&to={quote(target)}&lang=en",
                name="/api/v1/route",
                headers=BROWSER,
            )
            time.sleep(random.uniform(5.0, 15.0))  # walking, reading the steps

    def load_page(self, kiosk: str) -> None:
        page = self.client.get(f"/m?from={kiosk}", name="/m", headers=BROWSER)
        for url in ASSET.findall(page.text or ""):
            self.client.get(url, name="/m/[file]", headers=BROWSER)
        self.client.get("/api/v1/venue", name="/api/v1/venue", headers=BROWSER)
        for layer in ("halls", "obstacles", "openings", "amenities", "booths"):
            self.client.get(
                f"/api/v1/layers/{layer}", name="/api/v1/layers/[layer]", headers=BROWSER
            )
        # The icons the page draws, where the page names them (data-icons): inside it
        # (data: URLs, nothing to fetch) or on the server.
        found = ICONS.search(page.text or "")
        urls = json.loads(html.unescape(found.group(1))) if found else {}
        for icon in Venue.icons:
            url = urls.get(icon) or f"/assets/icons/{icon}.svg"
            if not url.startswith("data:"):
                self.client.get(url, name="/assets/icons/[icon]")
        self.client.get(
            f"/api/v1/places/{quote(kiosk)}?lang=en", name="/api/v1/places/[id]", headers=BROWSER
        )

    def search(self) -> str:
        """Type the first letters of a name (sometimes with a typo); return a hit's place."""
        word = random.choice(Venue.words)
        word = _typo(word) if random.random() < 0.3 else word
        target = random.choice(Venue.places)
        for n in range(3, min(len(word), random.randint(4, 8)) + 1):
            time.sleep(random.uniform(0.15, 0.35))
            reply = self.client.get(
                f"/api/v1/search?q={quote(word[:n])}&lang=en&limit=15",
                name="/api/v1/search",
                headers=BROWSER,
            )
            hits = [h["target"] for h in (reply.json() or {}).get("hits", []) if h["target"]]
            if hits:
                target = random.choice(hits[:5])
        return target


class KioskSession(User):
    """A kiosk's Bokeh session: the page, its websocket and the pulled document."""

    wait_time = between(5, 10)

    def on_start(self) -> None:
        host = urlsplit(self.host)
        self.base = f"{host.hostname}:{host.port}"
        self.ws: websocket.WebSocket | None = None
        self.open_session()

    def open_session(self) -> None:
        t0 = time.perf_counter()
        failure: Exception | None = None
        size = 0
        try:
            import urllib.request  # noqa: PLC0415 - gevent patches it at import

            if not Venue.kiosks:
                with urllib.request.urlopen(f"http://{self.base}/api/v1/venue", timeout=60) as r:
                    Venue.kiosks = [k["id"] for k in json.loads(r.read())["kiosks"]]
            kiosk = random.choice(Venue.kiosks)
            with urllib.request.urlopen(f"http://{self.base}/kiosk?kiosk={kiosk}", timeout=60) as r:
                html = r.read().decode()
            token = re.search(r'"token":"([^"]+)"', html)
            if token is None:
                raise RuntimeError("no session token in the kiosk page")
            self.ws = websocket.create_connection(
                f"ws://{self.base}/kiosk/ws",
                subprotocols=["bokeh", token.group(1)],
                origin=f"http://{self.base}",
                timeout=60,
            )
            self._expect("ACK")
            self._send("PULL-DOC-REQ")
            size = self._expect("PULL-DOC-REPLY")
        except Exception as exc:  # any failure is the measurement's: record it
            failure = exc
        events.request.fire(
            request_type="KIOSK",
            name="kiosk first render",
            response_time=(time.perf_counter() - t0) * 1000,
            response_length=size,
            exception=failure,
            context={},
        )
        if failure is not None:
            raise StopUser

    def _send(self, kind: str) -> None:
        assert self.ws is not None
        self.ws.send(json.dumps({"msgid": uuid.uuid4().hex, "msgtype": kind}))
        self.ws.send("{}")
        self.ws.send("{}")

    def _expect(self, kind: str) -> int:
        """Read messages until one of ``kind``; return its content's size."""
        assert self.ws is not None
        while True:
            header = json.loads(self.ws.recv())
            self.ws.recv()  # metadata
            content = self.ws.recv()
            for _ in range(int(header.get("num_buffers", 0))):
                self.ws.recv()
                self.ws.recv()
            if header["msgtype"] == kind:
                return len(content)

    @task
    def stay(self) -> None:
        """An idle kiosk: the session stays open (a websocket ping now and then)."""
        if self.ws is not None:
            self.ws.ping()

    def on_stop(self) -> None:
        if self.ws is not None:
            self.ws.close()
