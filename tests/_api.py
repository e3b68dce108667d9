"""Run the JSON API's routes on a real Tornado server in a thread, and call them over HTTP."""

from __future__ import annotations

import asyncio
import gzip
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.web

from floorplan.app.api import ApiOptions, web_patterns
from floorplan.app.context import VenueContext

from _browser import free_port


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    raw: bytes

    @property
    def body(self) -> bytes:
        if self.headers.get("content-encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw

    def json(self) -> Any:
        return json.loads(self.body)


class Api:
    """A Tornado server of the API's routes on a free port, in a thread of its own."""

    def __init__(self, ctx: VenueContext, options: ApiOptions | None = None) -> None:
        self.ctx = ctx
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._run, args=(options,), daemon=True)
        self._thread.start()
        assert self._ready.wait(30)

    def _run(self, options: ApiOptions | None) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        app = tornado.web.Application(web_patterns(self.ctx, options))
        server = tornado.httpserver.HTTPServer(app)
        server.listen(self.port, "127.0.0.1")
        loop.call_soon(self._ready.set)
        loop.run_forever()
        server.stop()

    def stop(self) -> None:
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def get(self, path: str, **headers: str) -> Reply:
        return self.call("GET", path, headers=headers)

    def call(
        self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str]
    ) -> Reply:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                return Reply(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


def api_error(reply: Reply, status: int, parameter: str | None = None) -> dict[str, Any]:
    assert reply.status == status, (reply.status, reply.body)
    assert reply.headers["content-type"].startswith("application/json")
    err = reply.json()["error"]
    assert err["status"] == status
    assert err["message"]
    assert "Traceback" not in reply.body.decode()
    if parameter is not None:
        assert err.get("parameter") == parameter, err
    return dict(err)
