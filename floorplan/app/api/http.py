"""The HTTP side every API and phone-page answer shares: ETags, gzip, caching, CORS, errors.

:class:`BaseHandler` is a plain Tornado ``RequestHandler`` (no Bokeh session, no cookie):
it answers a body with a strong ETag (the layout's tag and the body's digest, so a
publish changes every ETag), ``304 Not Modified`` when the client has it already, gzip
when the client takes it (compressed once per body and kept), ``Cache-Control``, and
errors as JSON (``{"error": {"status", "code", "message", "parameter"}}``), never a
traceback.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from functools import wraps
from http import HTTPStatus
from typing import Any, Concatenate, Final, ParamSpec, TypeVar

import tornado.web

from floorplan.app.api.errors import CODES, ApiError

__all__ = ["MAX_BODY_BYTES", "ApiOptions", "BaseHandler", "Lru", "answers"]

_log = logging.getLogger(__name__)

#: The largest request body accepted (a tour of 20 stops is well under 2 KB).
MAX_BODY_BYTES: Final = 16 * 1024
#: The longest request URL accepted.
MAX_URL_CHARS: Final = 4096
#: Bodies smaller than this are sent as they are: gzip would not save a packet.
_GZIP_MIN_BYTES: Final = 860
#: Compressed bodies kept (the layers and the page's assets, asked again and again).
_GZIP_KEEP: Final = 256


@dataclass(frozen=True)
class ApiOptions:
    """How the API answers.

    Attributes
    ----------
    cors_origins
        Origins (``scheme://host[:port]``) other sites' scripts may call the API from;
        ``("*",)`` for any. Empty (the default): no CORS headers, same origin only.
    max_age_s
        How long a client may keep a data answer before asking again (it then revalidates
        with its ETag and gets ``304``).
    """

    cors_origins: tuple[str, ...] = ()
    max_age_s: int = 30


class Lru:
    """A small least-recently-used map: the answers of one snapshot, compressed bodies."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """Return the value kept for ``key``, else ``make()``'s (kept, the oldest dropped)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: a slow answer must not hold up the others
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


#: Compressed bodies by digest: a layer is compressed once, not per request.
_GZIP = Lru(_GZIP_KEEP)
#: Digests of the bodies answered again and again (layers, assets, cached answers), by the
#: body object's identity; each entry holds the body itself, so that its id cannot be
#: reused by another object while the entry lives. Hashing a 300 KB layer on every request
#: was ~6 % of the server's CPU under the load test (py-spy).
_DIGESTS = Lru(_GZIP_KEEP)


def _digest(body: bytes) -> str:
    """Return the digest of ``body`` for its ETag (kept for bodies worth compressing)."""
    if len(body) < _GZIP_MIN_BYTES:  # small answers are cheap to hash
        return hashlib.blake2b(body, digest_size=12).hexdigest()
    kept: tuple[bytes, str] = _DIGESTS.get(
        id(body), lambda: (body, hashlib.blake2b(body, digest_size=12).hexdigest())
    )
    return kept[1]


H = TypeVar("H", bound="BaseHandler")
P = ParamSpec("P")


def answers(
    method: Callable[Concatenate[H, P], Awaitable[None] | None],
) -> Callable[Concatenate[H, P], Awaitable[None] | None]:
    """Answer an :class:`ApiError` raised by a handler method with its status and JSON."""

    @wraps(method)
    def wrapper(self: H, *args: P.args, **kwargs: P.kwargs) -> Awaitable[None] | None:
        try:
            return method(self, *args, **kwargs)
        except ApiError as exc:
            self.fail(exc)
            return None

    return wrapper


class BaseHandler(tornado.web.RequestHandler):
    """Answer bytes with ETag, gzip, caching and CORS; errors as JSON."""

    api_options: ApiOptions

    def initialize(self, options: ApiOptions | None = None, **_: Any) -> None:
        """Keep the API's options (Tornado passes each route's keyword arguments)."""
        self.api_options = options or ApiOptions()
        # Tornado sets the default headers before ``initialize``: again, with the options.
        self.set_default_headers()

    # --- headers on every answer ---------------------------------------------------------
    def set_default_headers(self) -> None:
        """Set the headers every answer carries (CORS only when configured)."""
        self.set_header("X-Content-Type-Options", "nosniff")
        origins = getattr(self, "api_options", ApiOptions()).cors_origins
        origin = self.request.headers.get("Origin", "")
        if "*" in origins:
            self.set_header("Access-Control-Allow-Origin", "*")
        elif origin and origin in origins:
            self.set_header("Access-Control-Allow-Origin", origin)
            self.add_header("Vary", "Origin")
        if origins:
            self.set_header("Access-Control-Expose-Headers", "ETag, X-Layout-Version")

    def prepare(self) -> None:
        """Refuse an over-long URL or an over-large body before any work."""
        if len(self.request.uri or "") > MAX_URL_CHARS:
            self.fail(ApiError(414, f"the URL is longer than {MAX_URL_CHARS} characters"))
            return
        size = int(self.request.headers.get("Content-Length", "0") or 0)
        if size > MAX_BODY_BYTES or len(self.request.body or b"") > MAX_BODY_BYTES:
            self.fail(ApiError(413, f"the request body is over {MAX_BODY_BYTES} bytes", "body"))

    def options(self, *_: str) -> None:
        """Answer a CORS preflight (allowed only when CORS is configured)."""
        self.set_header("Allow", "GET, HEAD, POST, OPTIONS")
        if self.api_options.cors_origins:
            self.set_header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS")
            self.set_header("Access-Control-Allow-Headers", "Content-Type, If-None-Match")
            self.set_header("Access-Control-Max-Age", "600")
        self.set_status(204)
        self.finish()

    # --- answers -------------------------------------------------------------------------
    def send_body(
        self,
        body: bytes,
        *,
        content_type: str,
        tag: str,
        cache_control: str,
        status: int = 200,
    ) -> None:
        """Send ``body`` with a strong ETag (``tag`` and its digest), gzip and caching."""
        digest = _digest(body)
        accepts_gzip = "gzip" in self.request.headers.get("Accept-Encoding", "")
        packed = accepts_gzip and len(body) >= _GZIP_MIN_BYTES
        # A strong ETag names one representation: the gzip one gets its own.
        etag = f'"{tag}-{digest}{"-gz" if packed else ""}"'
        self.set_header("Content-Type", content_type)
        self.set_header("Cache-Control", cache_control)
        self.set_header("ETag", etag)
        self.add_header("Vary", "Accept-Encoding")
        wanted = {t.strip() for t in self.request.headers.get("If-None-Match", "").split(",")}
        if status == 200 and (etag in wanted or f"W/{etag}" in wanted or "*" in wanted):
            self.set_status(304)
            self.finish()
            return
        if packed:
            raw = body
            body = _GZIP.get(digest, lambda: gzip.compress(raw, compresslevel=6, mtime=0))
            self.set_header("Content-Encoding", "gzip")
        self.set_status(status)
        self.finish(body)

    def fail(self, error: ApiError) -> None:
        """Answer ``error`` as JSON with its status (never cached)."""
        self.clear_header("Content-Encoding")
        self.clear_header("ETag")
        self.set_status(error.status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        import json  # noqa: PLC0415 - only on the error path

        self.finish(json.dumps(error.to_dict(), ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Answer any other failure as JSON too: a status, never a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, ApiError):
            self.fail(exc)
            return
        known = status_code in {s.value for s in HTTPStatus}
        reason = HTTPStatus(status_code).phrase if known else "Error"
        message = (
            "the server failed to answer; the failure is in its log"
            if status_code >= 500
            else reason
        )
        self.fail(ApiError(status_code, message, code=CODES.get(status_code, "error")))
