"""Guard the server at the Tornado level: log-in, roles on every channel, limits, headers.

Panel's ``authorize_callback`` sees only the page request, not the Bokeh WebSocket or
``autoload.js`` that open a session too. So the server's handlers for each page are
replaced by subclasses whose ``prepare`` runs :meth:`ServerAccess.admit` first
(:func:`guard_routes`), for every channel of the page:

- ``/planner`` and ``/staff`` (page, WebSocket, ``autoload.js``, metadata) need a
  log-in whose server-side session is alive and whose user, as the user file says
  *now*, has a role for the page; every WebSocket of theirs is checked again every
  :data:`SWEEP_S` seconds and closed when the log-in ended (log-out, expiry) or the user
  was removed or lost the role (:meth:`ServerAccess.sweep`);
- ``/kiosk`` is public, but each client (its address, or the one a trusted proxy
  forwards) may open only so many new sessions a minute: a storm of page requests gets
  cheap 429 answers instead of a session each, and other visitors keep theirs;
- a trailing slash (``/planner/``) is sent to the page.

Log-in (:class:`LoginHandler`) checks the password off the event loop (scrypt takes
~50 ms of CPU), refuses guesses with a doubling backoff per user and per client (429),
redirects only to paths on this site and sets ``HttpOnly``, ``SameSite=Lax`` cookies
(``Secure`` over HTTPS); log-out ends the session on the server, so that a copied cookie
opens nothing afterwards. Every answer carries ``X-Frame-Options``, a
Content-Security-Policy that Bokeh's pages live with, and ``nosniff``
(:func:`security_headers`). Every page the server writes itself (log-in, access denied,
too many requests, not found, errors) is the product's own, in English or Chinese.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final
from urllib.parse import urlencode

import tornado.web
from bokeh.server.auth_provider import AuthProvider
from tornado.httputil import HTTPHeaders, HTTPServerRequest
from tornado.websocket import WebSocketHandler

from floorplan import i18n
from floorplan.app.access import (
    LoginThrottle,
    Network,
    RateLimiter,
    SessionStore,
    UserDirectory,
    client_address,
    forwarded_https,
    retry_after,
    safe_next,
)
from floorplan.app.resources import STATIC_ROUTE, css, render
from floorplan.errors import UserError
from floorplan.i18n import Lang
from floorplan.users import Role, User, verify_user

__all__ = [
    "PAGE_ROLES",
    "PUBLIC_PAGES",
    "SESSION_COOKIE",
    "LoginHandler",
    "LogoutHandler",
    "NotFoundHandler",
    "RoleAuthProvider",
    "ServerAccess",
    "guard_routes",
    "security_headers",
]

_log = logging.getLogger(__name__)

#: The roles that may open each page behind the log-in.
PAGE_ROLES: Final[dict[str, frozenset[Role]]] = {
    "planner": frozenset({Role.PLANNER, Role.ADMIN}),
    "staff": frozenset({Role.STAFF, Role.ADMIN}),
}
#: Pages anyone may open.
PUBLIC_PAGES: Final = frozenset({"kiosk"})
#: The signed cookie naming the server-side session; ``user`` (Panel's) names the user.
SESSION_COOKIE: Final = "fp_session"
USER_COOKIE: Final = "user"
#: How often open planner and staff WebSockets are checked against sessions and users.
SWEEP_S: Final = 2.0
#: Log-ins being checked at once, at most (more wait their turn with a 503).
MAX_PENDING_LOGINS: Final = 16
#: The largest WebSocket message a kiosk sends is a search text or a tap (a few hundred
#: bytes); planners and staff send edits and CSV uploads.
KIOSK_MESSAGE_BYTES: Final = 256 * 1024
STAFF_MESSAGE_BYTES: Final = 20 * 1024 * 1024
#: Bokeh runs its callbacks with ``new Function`` and Panel loads ES modules through
#: blob URLs and inline scripts: 'unsafe-eval', 'unsafe-inline' and blob: are what the
#: pages need. Everything comes from this server: nothing may be framed, posted or
#: fetched elsewhere.
CSP: Final = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_HEADERS: Final = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_HSTS: Final = "max-age=31536000"


@dataclass(frozen=True)
class Identity:
    """A logged-in user as the server checked them: name, role and session id."""

    name: str
    role: Role
    sid: str


@dataclass
class ServerAccess:
    """Everything the guards and the log-in share for one server.

    Parameters
    ----------
    users
        The user file, followed.
    sessions
        The server's log-ins.
    trusted_proxies
        Peers whose ``X-Forwarded-For``/``-Proto`` are believed.
    secure_cookies
        Mark cookies ``Secure`` even when the request is plain HTTP (a TLS proxy the
        server does not know about).
    throttle
        Password-guessing backoff.
    kiosk_pages, kiosk_sockets
        New kiosk sessions per client: page and ``autoload.js`` requests, and
        WebSocket connections (a page load makes one of each).
    """

    users: UserDirectory
    sessions: SessionStore
    trusted_proxies: tuple[Network, ...] = ()
    secure_cookies: bool = False
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    kiosk_pages: RateLimiter = field(default_factory=lambda: RateLimiter(per_minute=12.0, burst=6))
    kiosk_sockets: RateLimiter = field(
        default_factory=lambda: RateLimiter(per_minute=12.0, burst=6)
    )
    #: Runs password checks and session writes off the event loop.
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="floorplan-login")
    )
    pending_logins: int = 0
    #: Open planner and staff WebSockets: page, session id and user name.
    sockets: weakref.WeakKeyDictionary[WebSocketHandler, tuple[str, str, str]] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    #: The same for sockets admitted but not yet open (the handshake is under way).
    handshakes: weakref.WeakKeyDictionary[WebSocketHandler, tuple[str, str, str]] = field(
        default_factory=weakref.WeakKeyDictionary
    )

    @property
    def users_path(self) -> Path:
        """Return the user file's path."""
        return self.users.path

    # --- who asks --------------------------------------------------------------------
    def client(self, request: HTTPServerRequest) -> str:
        """Return the client's address (a trusted proxy's ``X-Forwarded-For`` counts)."""
        return client_address(request.remote_ip or "", request.headers, self.trusted_proxies)

    def https(self, request: HTTPServerRequest) -> bool:
        """Return whether the client reached the server (or its trusted proxy) over HTTPS."""
        if request.protocol == "https":
            return True
        return forwarded_https(request.remote_ip or "", request.headers, self.trusted_proxies)

    def secure(self, request: HTTPServerRequest) -> bool:
        """Return whether cookies for this request are marked ``Secure``."""
        return self.secure_cookies or self.https(request)

    def identify(self, handler: tornado.web.RequestHandler) -> Identity | None:
        """Return the logged-in user of a request, checked against sessions and user file.

        Raises
        ------
        UserError
            When the user file cannot be read as a whole.
        """
        raw = handler.get_secure_cookie(SESSION_COOKIE, max_age_days=self._cookie_days)
        sid = raw.decode("utf-8", "replace") if raw else ""
        name = self.sessions.user_of(sid)
        if name is None:
            return None
        shown = handler.get_secure_cookie(USER_COOKIE, max_age_days=self._cookie_days)
        if shown is not None and shown.decode("utf-8", "replace") != name:
            return None  # the name Panel shows must be the session's
        user = self.users.get(name)
        return None if user is None else Identity(user.name, user.role, sid)

    @property
    def _cookie_days(self) -> float:
        return self.sessions.lifetime_s / 86400.0

    def may_open(self, user: User | Identity | None, page: str) -> bool:
        """Return whether ``user`` may open ``page`` (anyone the public pages)."""
        if page in PUBLIC_PAGES:
            return True
        return user is not None and user.role in PAGE_ROLES.get(page, frozenset())

    # --- the guard -------------------------------------------------------------------
    def admit(self, handler: tornado.web.RequestHandler, page: str, kind: str) -> bool:
        """Let a request to ``page`` through, or answer it here and return ``False``.

        ``kind`` is ``"doc"`` (the page), ``"socket"`` (its WebSocket) or ``"other"``
        (``autoload.js``, metadata).
        """
        request = handler.request
        if kind == "doc" and request.path.rstrip("/") != request.path:
            # /planner/ → /planner (a relative log-in link from /planner/ would 404).
            query = f"?{request.query}" if request.query else ""
            handler.redirect(f"/{page}{query}")
            return False
        if page in PUBLIC_PAGES:
            return self._admit_public(handler, kind)
        try:
            ident = self.identify(handler)
        except UserError as exc:
            _log.error("refusing /%s: %s", page, exc)
            _refuse(handler, 503, kind, broken_page)
            return False
        if ident is None:
            if kind == "doc":
                handler.redirect("/login?" + urlencode({"next": request.uri or f"/{page}"}))
            else:
                _refuse(handler, 403, kind, None)
            return False
        if not self.may_open(ident, page):
            _refuse(handler, 403, kind, lambda lang: denied_page(lang, ident, page))
            return False
        if kind == "socket" and isinstance(handler, WebSocketHandler):
            self.handshakes[handler] = (page, ident.sid, ident.name)
        return True

    def _admit_public(self, handler: tornado.web.RequestHandler, kind: str) -> bool:
        limiter = self.kiosk_sockets if kind == "socket" else self.kiosk_pages
        client = self.client(handler.request)
        wait = limiter.take(client)
        if not wait:
            return True
        handler.set_header("Retry-After", retry_after(wait))
        seconds = int(retry_after(wait))
        _refuse(handler, 429, kind, lambda lang: too_many_page(lang, seconds))
        return False

    def sweep(self) -> int:
        """Close the planner and staff WebSockets whose log-in no longer opens their page.

        Returns how many were closed. A user file that cannot be read closes them all:
        nobody's identity can be trusted from it.
        """
        closed = 0
        for handler, (page, sid, name) in list(self.sockets.items()):
            if handler.ws_connection is None:
                self.sockets.pop(handler, None)
                continue
            try:
                user = self.users.get(name) if self.sessions.user_of(sid) == name else None
            except UserError:
                user = None
            if not self.may_open(user, page):
                _log.info("closing %s's /%s socket: the log-in no longer opens it", name, page)
                self.sockets.pop(handler, None)
                handler.close(4003, "access revoked")
                closed += 1
        return closed

    def max_message_bytes(self, page: str) -> int:
        """Return the largest WebSocket message a page's clients may send."""
        return KIOSK_MESSAGE_BYTES if page in PUBLIC_PAGES else STAFF_MESSAGE_BYTES


# --- the pages the server writes itself --------------------------------------------------
def request_lang(handler: tornado.web.RequestHandler) -> Lang:
    """Return the language a request asks for: ``?lang=``, else ``Accept-Language``."""
    asked = handler.get_query_argument("lang", "") or handler.get_body_argument("lang", "")
    if asked in {x.value for x in Lang}:
        return Lang(asked)
    accept = handler.request.headers.get("Accept-Language", "").strip().lower()
    return Lang.ZH if accept.startswith("zh") else Lang.EN


def _with_lang(path: str, lang: Lang, **query: str) -> str:
    args = {k: v for k, v in query.items() if v}
    args["lang"] = lang.value
    return f"{path}?{urlencode(args)}"


def auth_page(lang: Lang, kind: str, title: str, **parts: Any) -> str:
    """Return one of the server's own pages in ``lang`` (see ``templates/auth.html``)."""
    t = i18n.text
    other = Lang.ZH if lang is Lang.EN else Lang.EN
    page = {
        "lang": lang.value,
        "kind": kind,
        "title": title,
        "app_title": t("app.title", lang),
        "css_url": css("auth"),
        "other_lang": (t("auth.other_lang", lang), parts.pop("other_lang_url", "")),
        "kiosk": (t("auth.back", lang), _with_lang("/kiosk", lang)),
        "lead": "",
        "message": "",
        "error": "",
        "form": None,
        "links": [],
        "refresh_s": None,
        **parts,
    }
    if not page["other_lang"][1]:
        page["other_lang"] = (page["other_lang"][0], f"?lang={other.value}")
    return render("auth.html", page=page)


def login_page(
    lang: Lang, *, next_url: str, xsrf: str, name: str = "", error: str = "", message: str = ""
) -> str:
    """Return the log-in form."""
    t = i18n.text
    other = Lang.ZH if lang is Lang.EN else Lang.EN
    return auth_page(
        lang,
        "login",
        t("auth.title", lang),
        lead=t("auth.lead", lang),
        error=error,
        message=message,
        other_lang_url=_with_lang("/login", other, next=next_url),
        form={
            "action": "/login",
            "next": next_url,
            "xsrf": xsrf,
            "name": name,
            "name_label": t("auth.name", lang),
            "password_label": t("auth.password", lang),
            "submit": t("auth.submit", lang),
        },
    )


def _role_word(role: Role, lang: Lang) -> str:
    return i18n.text(f"auth.role.{role.value}", lang)


def denied_page(lang: Lang, ident: Identity, page: str) -> str:
    """Return the page that says who is logged in and who may open ``page``."""
    t = i18n.text
    roles = sorted(PAGE_ROLES[page], key=list(Role).index)
    links = [
        (t("auth.your_page", lang, page=t(f"auth.page.{p}", lang)), _with_lang(f"/{p}", lang))
        for p, allowed in PAGE_ROLES.items()
        if ident.role in allowed
    ]
    links.append((t("auth.switch_user", lang), "/logout?" + urlencode({"next": f"/{page}"})))
    return auth_page(
        lang,
        "denied",
        t("auth.denied_title", lang),
        error=t(
            "auth.denied",
            lang,
            user=ident.name,
            role=_role_word(ident.role, lang),
            page=t(f"auth.page.{page}", lang),
            roles=", ".join(_role_word(r, lang) for r in roles),
        ),
        links=links,
    )


def broken_page(lang: Lang) -> str:
    """Return the page that says log-in is down because the user file is damaged."""
    t = i18n.text
    return auth_page(lang, "broken", t("auth.broken_title", lang), error=t("auth.broken", lang))


def too_many_page(lang: Lang, seconds: int) -> str:
    """Return the page for a client that opened too many pages; it reloads itself."""
    t = i18n.text
    return auth_page(
        lang,
        "busy",
        t("auth.too_many_title", lang),
        message=t("auth.too_many", lang, seconds=seconds),
        refresh_s=seconds,
    )


def error_page(lang: Lang, status: int) -> str:
    """Return the page for any other error status (never Tornado's own)."""
    t = i18n.text
    return auth_page(
        lang, "error", t("auth.error_title", lang), error=t("auth.error", lang, status=status)
    )


def _refuse(
    handler: tornado.web.RequestHandler,
    status: int,
    kind: str,
    body: Callable[[Lang], str] | None,
) -> None:
    """Answer with ``status``: the page ``body`` draws for a page request, else nothing."""
    handler.set_status(status)
    if kind == "doc" and body is not None:
        handler.set_header("Content-Type", "text/html; charset=UTF-8")
        handler.set_header("Cache-Control", "no-store")
        handler.finish(body(request_lang(handler)))
    else:
        handler.finish()


# --- the handlers ------------------------------------------------------------------------
class _OwnPages(tornado.web.RequestHandler):
    """A handler of the server's own pages: cookies ``SameSite=Lax``, product error pages.

    Cookies are also ``HttpOnly``, and ``Secure`` over HTTPS; errors are never Tornado's
    page or a traceback.
    """

    access: ClassVar[ServerAccess]

    def set_cookie(self, name: str, value: str | bytes, *args: Any, **kwargs: Any) -> None:
        """Set a cookie with the server's attributes unless given."""
        kwargs.setdefault("samesite", "Lax")
        kwargs.setdefault("httponly", True)
        if self.access.secure(self.request):
            kwargs.setdefault("secure", True)
        super().set_cookie(name, value, *args, **kwargs)

    def write_error(self, status_code: int, **_kwargs: Any) -> None:
        """Write the product's page for an error (no traceback, no Tornado page)."""
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(error_page(request_lang(self), status_code))

    def html(self, body: str, status: int = 200) -> None:
        """Finish with ``body`` as an uncached HTML page."""
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(body)


def _default_page(user: User) -> str:
    return "/planner" if user.role in PAGE_ROLES["planner"] else "/staff"


class LoginHandler(_OwnPages):
    """The log-in form (GET) and the password check (POST, off the event loop)."""

    def get(self) -> None:
        """Show the form; ``?next=`` is where to go after (a path on this site only)."""
        lang = request_lang(self)
        next_url = safe_next(self.get_query_argument("next", None), "")
        self.html(login_page(lang, next_url=next_url, xsrf=self.xsrf_token.decode()))

    async def post(self) -> None:
        """Check the name and password; on success start a session and redirect."""
        self.check_xsrf_cookie()  # a log-in form posted from another site is refused
        access, lang = self.access, request_lang(self)
        name = self.get_body_argument("username", "")[:64]
        password = self.get_body_argument("password", "")[:1024]
        next_url = safe_next(self.get_body_argument("next", ""), "")
        keys = [("user", name.casefold()), ("client", access.client(self.request))]

        def again(status: int, error: str) -> None:
            xsrf = self.xsrf_token.decode()
            self.html(
                login_page(lang, next_url=next_url, xsrf=xsrf, name=name, error=error), status
            )

        wait = access.throttle.wait_s(keys)
        if wait:
            self.set_header("Retry-After", retry_after(wait))
            again(429, i18n.text("auth.wait", lang, seconds=retry_after(wait)))
            return
        if access.pending_logins >= MAX_PENDING_LOGINS:
            self.set_header("Retry-After", "1")
            again(503, i18n.text("auth.busy", lang))
            return
        try:
            user = await self._off_loop(verify_user, access.users_path, name, password)
        except UserError as exc:
            _log.error("log-in refused: %s", exc)
            self.html(broken_page(lang), 503)
            return
        if user is None:
            access.throttle.failed(keys)
            again(401, i18n.text("auth.wrong", lang))
            return
        access.throttle.succeeded(keys)
        sid = await self._off_loop(access.sessions.create, user.name)
        days = access.sessions.lifetime_s / 86400.0
        self.set_secure_cookie(SESSION_COOKIE, sid, expires_days=days)
        self.set_secure_cookie(USER_COOKIE, user.name, expires_days=days)
        self.clear_cookie("is_guest")
        self.redirect(next_url or _default_page(user), status=303)

    async def _off_loop(self, fn: Callable[..., Any], *args: Any) -> Any:
        access = self.access
        access.pending_logins += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(access.executor, fn, *args)
        finally:
            access.pending_logins -= 1


class LogoutHandler(_OwnPages):
    """End the session on the server and clear the cookies, then show the log-in form."""

    def get(self) -> None:
        """Log out (a link in the planner and staff pages)."""
        raw = self.get_secure_cookie(SESSION_COOKIE)
        if raw:
            self.access.sessions.revoke(raw.decode("utf-8", "replace"))
        for name in (SESSION_COOKIE, USER_COOKIE, "id_token", "is_guest"):
            self.clear_cookie(name)
        self.access.sweep()  # close this log-in's open pages now, not at the next sweep
        lang = request_lang(self)
        next_url = safe_next(self.get_query_argument("next", None), "")
        message = i18n.text("auth.logged_out", lang)
        self.html(
            login_page(lang, next_url=next_url, xsrf=self.xsrf_token.decode(), message=message)
        )

    post = get


class NotFoundHandler(_OwnPages):
    """The product's 404 page for every path the server does not know."""

    def prepare(self) -> None:
        """Answer 404 whatever the method."""
        lang = request_lang(self)
        t = i18n.text
        path = (self.request.path or "/")[:200]
        body = auth_page(
            lang,
            "missing",
            t("auth.not_found_title", lang),
            error=t("auth.not_found", lang, path=path),
        )
        self.html(body, 404)


def bind(handler: type[_OwnPages], access: ServerAccess) -> type[_OwnPages]:
    """Return ``handler`` bound to one server's ``access`` (Bokeh builds it without args)."""
    return type(handler.__name__, (handler,), {"access": access})


# --- Bokeh's view of it -----------------------------------------------------------------
def _public(path: str) -> bool:
    first = path.strip("/").split("/", 1)[0]
    return first in PUBLIC_PAGES or path in {"", "/"} or first in _PUBLIC_ROOTS


_PUBLIC_ROOTS: Final = frozenset({"assets", STATIC_ROUTE, "static", "liveness", "favicon.ico"})


class RoleAuthProvider(AuthProvider):
    """Tell Bokeh who a request is: the guard (:func:`guard_routes`) decides what they may do.

    Bokeh asks for a user on every handler it marks ``@authenticated``; the guarded
    handlers have already answered anyone who may not go on, so this returns the
    checked user's name, ``"guest"`` on public paths, else ``None``.
    """

    def __init__(self, access: ServerAccess) -> None:
        self.access = access
        super().__init__()

    @property
    def get_user(self) -> Callable[[Any], str | None]:  # type: ignore[override]  # Bokeh passes the handler
        """Return the function naming a request's user."""

        def user(handler: tornado.web.RequestHandler) -> str | None:
            try:
                ident = self.access.identify(handler)
            except UserError:
                ident = None
            if ident is not None:
                return ident.name
            return "guest" if _public(handler.request.path) else None

        return user

    @property
    def login_url(self) -> str:
        """Return the log-in page's path."""
        return "/login"

    @property
    def login_handler(self) -> type[tornado.web.RequestHandler]:
        """Return the log-in handler, bound to this server."""
        return bind(LoginHandler, self.access)

    @property
    def logout_url(self) -> str:
        """Return the log-out path."""
        return "/logout"

    @property
    def logout_handler(self) -> type[tornado.web.RequestHandler]:
        """Return the log-out handler, bound to this server."""
        return bind(LogoutHandler, self.access)


def _route_kind(pattern: str, page: str) -> str | None:
    """Return what a route of ``page`` serves ("doc", "socket", "other"), or None."""
    rest = pattern.removeprefix(f"/{page}").removesuffix("$")
    if rest == pattern.removesuffix("$"):
        return None
    if rest == "/?":
        return "doc"
    if rest == "/ws":
        return "socket"
    if rest in {"/autoload.js", "/metadata"}:
        return "other"
    return None  # /page/static/...: Bokeh's own scripts, the same for everyone


def _guarded(base: type[Any], page: str, kind: str, access: ServerAccess) -> type[Any]:
    """Return a subclass of handler ``base`` that runs the guard before anything else."""

    async def prepare(self: Any) -> None:
        if not access.admit(self, page, kind):
            return
        result = base.prepare(self)
        if isinstance(result, Awaitable):
            await result

    body: dict[str, Any] = {"prepare": prepare}
    if kind == "socket":
        limit = access.max_message_bytes(page)
        body["max_message_size"] = property(lambda _self: limit)

        def open_(self: Any, *args: Any, **kwargs: Any) -> Any:
            # Followed from the handshake on (not from prepare: a sweep in between
            # would see no connection yet and forget it).
            ident = access.handshakes.pop(self, None)
            if ident is not None:
                access.sockets[self] = ident
            return base.open(self, *args, **kwargs)

        body["open"] = open_
    return type(f"Guarded{base.__name__}", (base,), body)


def guard_routes(
    app: tornado.web.Application, access: ServerAccess, pages: Mapping[str, Any]
) -> int:
    """Put the guard in front of every handler of ``pages`` in Tornado ``app``.

    Bokeh builds a page's handlers (page, ``/ws``, ``/autoload.js``, ``/metadata``) inside
    its Tornado application; the routing rules are replaced here by guarded subclasses.
    Returns how many routes were guarded (a test checks each page has all four).
    """
    guarded = 0
    for rule in app.wildcard_router.rules:
        regex = getattr(rule.matcher, "regex", None)
        if regex is None or not isinstance(rule.target, type):
            continue
        for page in pages:
            kind = _route_kind(regex.pattern, page)
            if kind is not None:
                rule.target = _guarded(rule.target, page, kind, access)
                guarded += 1
    return guarded


def security_headers(access: ServerAccess) -> type[tornado.web.OutputTransform]:
    """Return a Tornado output transform adding the security headers to every answer."""

    class SecurityHeaders(tornado.web.OutputTransform):
        def __init__(self, request: HTTPServerRequest) -> None:
            self.https = access.https(request)
            super().__init__(request)

        def transform_first_chunk(
            self, status_code: int, headers: HTTPHeaders, chunk: bytes, finishing: bool
        ) -> tuple[int, HTTPHeaders, bytes]:
            del finishing  # the headers go on the first chunk either way
            for name, value in _HEADERS.items():
                if name not in headers:
                    headers[name] = value
            if self.https:
                headers["Strict-Transport-Security"] = _HSTS
            return status_code, headers, chunk

    return SecurityHeaders
