"""Run Panel's server with the kiosk (public) and the planner and staff pages (log-in, roles).

Every page is a function of the shared :class:`~floorplan.app.context.VenueContext`,
called by Panel once per session so that its widgets and callbacks live in that
session's document. Who may open what is decided at the Tornado level by
:mod:`floorplan.app.auth` for every channel of a page (the page, its WebSocket, its
``autoload.js``): the kiosk (``/kiosk``, the home page ``/`` with its kiosks' links, the
assets) is open to guests, a limited
number of new sessions a minute per client; the planner and staff pages need a log-in
with a role from the user file (:mod:`floorplan.users`), checked again while the page
is open. The cookie secret and the log-in sessions are kept in the config folder beside
the user file. The phone page ``/m`` and the JSON API ``/api/v1`` (:mod:`floorplan.app.api`)
are plain Tornado routes beside them: public, with no session, so no guard to pass.

With a layout store the kiosks show its published layout (the venue file until something
is published) and follow each new publish without a restart (:mod:`floorplan.app.published`).

SIGTERM and Ctrl-C stop the server cleanly (:func:`run_until_stopped`): the open pages
are told (their websockets close with 1001, "going away"), which shows their
"reconnecting…" banner (:mod:`floorplan.app.connection`) until a server answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import panel as pn
from bokeh.settings import settings as bokeh_settings
from tornado.ioloop import PeriodicCallback

from floorplan.app.access import (
    SESSIONS_FILE,
    RateLimiter,
    SessionStore,
    UserDirectory,
    load_cookie_secret,
    parse_networks,
)
from floorplan.app.api import ApiOptions, web_patterns
from floorplan.app.api.lan import public_url as find_public_url
from floorplan.app.auth import (
    PAGE_ROLES,
    STAFF_MESSAGE_BYTES,
    SWEEP_S,
    NotFoundHandler,
    RoleAuthProvider,
    ServerAccess,
    bind,
    guard_routes,
    security_headers,
)
from floorplan.app.context import (
    PublishWatcher,
    VenueContext,
    VenueSnapshot,
    assets_path,
    search_cache_dir,
)
from floorplan.app.home import HomeHandler
from floorplan.app.resources import STATIC_DIR, STATIC_ROUTE
from floorplan.app.startcache import StartCache
from floorplan.errors import StoreError
from floorplan.io.store import LayoutStore, store_for_venue
from floorplan.rules import PublishGate
from floorplan.users import default_users_path
from floorplan.venue import Venue

__all__ = [
    "COOKIE_SECRET_ENV",
    "PAGE_ROLES",
    "make_access",
    "make_apps",
    "panel_server",
    "run_until_stopped",
    "serve",
    "supervise_workers",
]

#: Environment variable holding the secret that signs cookies (else kept in the config folder).
COOKIE_SECRET_ENV: Final = "FLOORPLAN_COOKIE_SECRET"
#: New kiosk sessions a client may open: this many a minute, this many at once.
KIOSK_SESSIONS_PER_MINUTE: Final = 12.0
KIOSK_SESSIONS_BURST: Final = 6
#: The largest request body (a log-in form, a CSV upload goes over the WebSocket).
MAX_BODY_BYTES: Final = 64 * 1024


def make_access(
    users_path: Path,
    *,
    trusted_proxies: tuple[str, ...] = (),
    secure_cookies: bool = False,
    kiosk_sessions_per_minute: float = KIOSK_SESSIONS_PER_MINUTE,
) -> ServerAccess:
    """Return the server's access rules: users, log-in sessions (kept beside the user file).

    Raises
    ------
    OptionError
        When a ``trusted_proxies`` entry is not an IP address or network.
    """
    burst = KIOSK_SESSIONS_BURST if kiosk_sessions_per_minute else 0

    def kiosk_limit() -> RateLimiter:
        return RateLimiter(per_minute=kiosk_sessions_per_minute, burst=burst)

    return ServerAccess(
        users=UserDirectory(users_path),
        sessions=SessionStore(users_path.parent / SESSIONS_FILE),
        trusted_proxies=parse_networks(trusted_proxies),
        secure_cookies=secure_cookies,
        kiosk_pages=kiosk_limit(),
        kiosk_sockets=kiosk_limit(),
    )


def _session_key(cookie_secret: str) -> str:
    """Return the key that signs Bokeh session ids, derived from the cookie secret."""
    return hmac.new(cookie_secret.encode(), b"floorplan bokeh sessions", hashlib.sha256).hexdigest()


def ids_from_session() -> None:
    """Start this session's Bokeh model ids at a point fixed by its session id.

    With worker processes a page request and its websocket may reach two workers, and
    the second builds the session's document again from its token. The page's HTML names
    the document's roots by model id, and Bokeh numbers models from one counter per
    process (``p1001``, ``p1002``…), so the rebuilt roots had other ids: the browser then
    placed them outside the page's template (measured: 5 of 8 kiosks, drawn with their
    buttons unstyled). Started from a point derived from the session id, both workers
    build the same ids (the page functions build the same models in the same order);
    blocks of 2**20 ids 2**40 apart keep sessions from sharing one.
    """
    from bokeh.util import serialization  # noqa: PLC0415 - Bokeh's id counter

    context = pn.state.curdoc.session_context if pn.state.curdoc else None
    sid = str(context.id) if context is not None else ""
    block = int.from_bytes(hashlib.blake2b(sid.encode(), digest_size=5).digest(), "big")
    with serialization._simple_id_lock:
        serialization._simple_id = block << 20


def make_apps(ctx: VenueContext, *, same_ids: bool = False) -> dict[str, Callable[[], Any]]:
    """Return the page functions by URL slug; Panel calls each once per session.

    ``same_ids``: number each session's models from its session id
    (:func:`ids_from_session`), for worker processes.
    """
    from floorplan.app.planner import planner_page  # noqa: PLC0415
    from floorplan.app.published import kiosk_live_page  # noqa: PLC0415
    from floorplan.app.staff import staff_page  # noqa: PLC0415

    def start() -> None:
        if same_ids:
            ids_from_session()

    # Plain functions, not partials: Panel serves a partial object as a text pane.
    def kiosk() -> Any:
        start()
        return kiosk_live_page(ctx)

    def planner() -> Any:
        start()
        return planner_page(ctx)

    def staff() -> Any:
        start()
        return staff_page(ctx)

    return {"kiosk": kiosk, "planner": planner, "staff": staff}


def make_context(
    venue: Venue,
    store: LayoutStore,
    *,
    idle_s: float,
    public_url: str,
    start_cache: StartCache | None = None,
) -> tuple[VenueContext, dict[str, float]]:
    """Return the server's context (the store's published layout if any) and build timings.

    The search index and the router are built here, not in the first visitor's session
    (or loaded: the index from beside the store, the router from ``start_cache``).

    Raises
    ------
    StoreError
        When the store publishes a layout of another venue.
    """
    timings: dict[str, float] = {}
    served = store.published_version()
    if served is not None:
        t0 = time.perf_counter()
        published = store.load(served, cache=start_cache)
        timings["published_s"] = time.perf_counter() - t0
        if published.name != venue.name:
            msg = (
                f"layout store {store.path} publishes venue {published.name!r}, not "
                f"{venue.name!r}; leave out --store to use this venue's own store, or "
                "pass --store with another file"
            )
            raise StoreError(msg)
        venue = published
    snapshot = VenueSnapshot.build(
        venue,
        version=served,
        timings=timings,
        cache_dir=search_cache_dir(store.path),
        start_cache=start_cache,
    )
    ctx = VenueContext(
        snapshot=snapshot,
        idle_s=idle_s,
        public_url=public_url,
        store=store,
        start_cache=start_cache,
    )
    return ctx, timings


def _origins(port: int, address: str | None, public_url: str, extra: tuple[str, ...]) -> list[str]:
    """Return the ``host[:port]`` the pages' websockets may be opened from."""
    origins = {f"localhost:{port}", f"127.0.0.1:{port}", *extra}
    if address and address not in {"127.0.0.1", "localhost", "0.0.0.0"}:
        origins.add(f"{address}:{port}")
    if public_url:
        origins.add(urlsplit(public_url).netloc)
    return sorted(origins)


def panel_server(
    ctx: VenueContext,
    access: ServerAccess,
    cookie_secret: str,
    *,
    port: int,
    address: str | None,
    show: bool,
    origins: list[str],
    api: ApiOptions | None = None,
    processes: int = 1,
) -> Any:
    """Return Panel's server (not started) for the pages of ``ctx``, guarded by ``access``.

    The JSON API and the phone page (:func:`floorplan.app.api.web_patterns`, with
    ``api``'s CORS origins) are plain Tornado routes beside the pages: public, no
    session, under the same security headers (``/m`` sets its own, narrower CSP).

    With ``processes`` other than 1 (0: one per core) Bokeh binds the port, then forks
    that many worker processes sharing it (``num_procs``); this returns in each worker,
    while the first process stays behind to supervise them (:func:`supervise_workers`).
    """
    pn.extension(notifications=False)
    # Bokeh checks every model of each new session's document: ~15% of a kiosk session's
    # CPU, for checks whose outcome is fixed by our code; the tests run them on the pages
    # instead (tests/app/test_kiosk_state.py::test_kiosk_documents_pass_bokeh_validation).
    bokeh_settings.perform_document_validation.set_value(False)
    apps = make_apps(ctx, same_ids=processes != 1)
    server = pn.serve(
        apps,
        port=port,
        address=address,
        show=show,
        start=False,
        title={"kiosk": "Chain Expo", "planner": "Planner", "staff": "Staff"},
        static_dirs={"assets": str(assets_path()), STATIC_ROUTE: str(STATIC_DIR)},
        auth_provider=RoleAuthProvider(access),
        cookie_secret=cookie_secret,
        # Session ids and tokens signed: nobody makes up a session the server did not hand out.
        sign_sessions=True,
        secret_key=_session_key(cookie_secret),
        extra_patterns=[(r"/", HomeHandler, {"ctx": ctx}), *web_patterns(ctx, api)],
        transforms=[security_headers(access)],
        default_handler_class=bind(NotFoundHandler, access),
        http_server_kwargs={"max_body_size": MAX_BODY_BYTES},
        websocket_max_message_size=STAFF_MESSAGE_BYTES,
        websocket_origin=origins,
        liveness=True,
        # Free a closed kiosk's session within ~10 s rather than Bokeh's default ~30 s.
        check_unused_sessions_milliseconds=5000,
        unused_session_lifetime_milliseconds=5000,
        verbose=True,
        num_procs=processes,
    )
    # Bokeh builds each page's handlers itself; the guard goes in front of them here.
    guard_routes(server._tornado, access, apps)

    def sweep() -> None:
        access.sweep()

    server.io_loop.add_callback(lambda: PeriodicCallback(sweep, SWEEP_S * 1000).start())
    return server


# long: the docstring documents each of the command's options; the body is ~35 lines.
def serve(
    venue: Venue,
    *,
    port: int = 5006,
    address: str | None = None,
    show: bool = False,
    users_path: Path | None = None,
    idle_s: float = 90.0,
    public_url: str = "",
    allow_origins: tuple[str, ...] = (),
    store_path: Path | None = None,
    cors_origins: tuple[str, ...] = (),
    trusted_proxies: tuple[str, ...] = (),
    secure_cookies: bool = False,
    kiosk_sessions_per_minute: float = KIOSK_SESSIONS_PER_MINUTE,
    processes: int = 1,
    start: bool = True,
    start_cache: StartCache | None = None,
) -> Any:
    """Serve the pages of ``venue`` with Panel's server (blocks while ``start``).

    Parameters
    ----------
    venue
        The venue, shared read-only by every session.
    port, address
        Where to listen (``address=None``: every interface, as ``panel serve``).
    show
        Open a browser on the kiosk.
    users_path
        The user file (default :func:`floorplan.users.default_users_path`); the cookie
        secret and the log-in sessions are kept beside it.
    idle_s
        Kiosk idle reset after this many seconds without input (0: never).
    public_url
        Scheme and host phones reach the server at, for QR codes (default: the address
        listened on, else the host's LAN address; see :mod:`floorplan.app.api.lan`).
    allow_origins
        Extra ``host[:port]`` the pages may be opened from (websocket origins).
    store_path
        The layout store planners save to (default: this venue's own store in the config
        folder, :func:`floorplan.io.store.store_for_venue`). When it has a published
        version, kiosks show that instead of ``venue``.
    cors_origins
        Origins other sites may call the JSON API from (``*``: any); none by default.
    trusted_proxies
        Addresses or networks of reverse proxies whose ``X-Forwarded-For`` and
        ``X-Forwarded-Proto`` are believed.
    secure_cookies
        Mark log-in cookies ``Secure`` even on plain HTTP (behind a TLS proxy).
    kiosk_sessions_per_minute
        New kiosk sessions one client may open a minute (0: no limit; counted per worker).
    processes
        Worker processes answering on the port (0: one per core). The venue, search
        index and router are built once, before the workers fork, and shared by them;
        a worker that dies is started again; SIGTERM or Ctrl-C stops them all.
    start
        Run the event loop here until SIGTERM or Ctrl-C, then stop cleanly
        (:func:`run_until_stopped`); ``False`` returns the unstarted server (for tests).
    start_cache
        Where the routers are kept between starts
        (:class:`~floorplan.app.startcache.StartCache`; ``None``: built each start).

    Raises
    ------
    OptionError
        When the cookie secret is too short or cannot be kept, or a trusted proxy is
        not an address.
    StoreError
        When the store given holds another venue.
    """
    users = users_path or default_users_path()
    secret = load_cookie_secret(users.parent, os.environ.get(COOKIE_SECRET_ENV))
    access = make_access(
        users,
        trusted_proxies=trusted_proxies,
        secure_cookies=secure_cookies,
        kiosk_sessions_per_minute=kiosk_sessions_per_minute,
    )
    # Publishes go through every rule of the engine (the venue's own code), not the format's.
    store = LayoutStore(store_path or store_for_venue(venue.name, users), gate=PublishGate())
    phones = find_public_url(public_url, port=port, address=address)
    ctx, timings = make_context(
        venue, store, idle_s=idle_s, public_url=phones.url, start_cache=start_cache
    )
    served = ctx.served_version
    shown = "the venue file"
    if served is not None:
        shown = f"published version {served}, read in {timings['published_s']:.1f} s"
    print(
        f"floorplan: {len(ctx.venue.booths)} booths ({shown}); search index "
        f"{timings['search_index_s']:.1f} s, router {timings['router_s']:.1f} s; "
        f"users from {users}; layouts in {store.path}",
        flush=True,
    )
    phones.announce()
    if processes != 1:
        supervise_workers()
    server = panel_server(
        ctx,
        access,
        secret,
        port=port,
        address=address,
        show=show,
        origins=_origins(port, address, phones.url, allow_origins),
        api=ApiOptions(cors_origins),
        processes=processes,
    )
    # One thread per server process (started after any fork: threads do not survive it)
    # follows the store and pushes publishes to that process's sessions.
    watcher = PublishWatcher(ctx).start()
    if start:
        run_until_stopped(server, watcher)
    return server


# --- worker processes (--processes N) ----------------------------------------------------

#: Stop signals a worker received before its event loop took them over (just forked).
_EARLY_SIGNALS: list[str] = []
#: How long the first process waits for its workers to stop before it kills them.
WORKERS_STOP_S: Final = 30.0


def supervise_workers() -> None:
    """Make this process, about to fork the workers, stop them all on SIGTERM or SIGINT.

    Tornado's ``fork_processes`` keeps the first process waiting on its workers (starting
    again one that dies, exiting 0 once all have stopped cleanly) but lets a signal kill it
    and orphan them. Here a stop signal to the first process is passed on to each worker,
    which stops as :func:`run_until_stopped` says; the first process waits for them (no
    restarts from then on: a worker ended by the stop is not a worker that died), kills
    any still running after :data:`WORKERS_STOP_S`, and exits 0 when every worker
    stopped cleanly (1 otherwise). A worker inherits this handler until its event loop
    installs its own: a signal in between is kept and acted on then.
    """
    parent = os.getpid()

    def stop_workers(signum: int, _frame: Any) -> None:
        if os.getpid() != parent:
            _EARLY_SIGNALS.append(signal.Signals(signum).name)
            return
        import psutil  # noqa: PLC0415 - only in the supervising process

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)  # one stop is enough
        workers = psutil.Process(parent).children()
        for worker in workers:
            with contextlib.suppress(psutil.Error):
                worker.send_signal(signum)
        gone, alive = psutil.wait_procs(workers, timeout=WORKERS_STOP_S)
        for worker in alive:
            with contextlib.suppress(psutil.Error):
                worker.kill()
        clean = not alive and all(w.returncode == 0 for w in gone)
        # Out of Tornado's wait loop (it would start the stopped workers again) and out.
        raise SystemExit(0 if clean else 1)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, stop_workers)


# --- a clean stop (SIGTERM, Ctrl-C) ------------------------------------------------------

#: The websocket close code and reason the pages are told on a stop (1001: going away).
GOING_AWAY: Final = (1001, "floorplan: the server is stopping")
#: How long a stop waits for the pages' websockets to close before it goes on.
_CLOSE_WAIT_S: Final = 3.0


def run_until_stopped(server: Any, watcher: PublishWatcher | None = None) -> None:
    """Run ``server``'s loop until SIGTERM or Ctrl-C, then stop cleanly and return.

    A stop, on the server's own loop (so between two session callbacks: no save is cut
    in half): stop listening; tell every open page by closing its websocket with code
    1001 ("going away"), which makes its connection watchdog show the "reconnecting…"
    banner at once and reload when a server answers on the port again; wait for those
    closes (a few seconds at most); stop the publish watcher, the one thread that reads
    the layout store (the store keeps no connection open between operations, so nothing
    of it is left open); stop the loop; say so on stdout. ``floorplan serve`` then exits 0.
    """
    loop = server.io_loop
    stopping: list[str] = []

    def on_signal(name: str) -> None:
        if not stopping:
            stopping.append(name)
            # One stop is enough: a second signal (``pkill``, systemd's SIGTERM to every
            # process of the service, and the supervisor passing it on) must not kill the
            # process mid-stop, or when the loop's handlers go at exit.
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.asyncio_loop.remove_signal_handler(sig)
                signal.signal(sig, signal.SIG_IGN)
            loop.add_callback(_stop, server, watcher, name)

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.asyncio_loop.add_signal_handler(sig, on_signal, sig.name)
    for name in _EARLY_SIGNALS:  # a worker told to stop before its loop could hear it
        on_signal(name)
    server.start()
    loop.start()


async def _stop(server: Any, watcher: PublishWatcher | None, why: str) -> None:
    print(f"floorplan: {why}: stopping; telling the open pages", flush=True)
    server.unlisten()
    told = close_sessions(server)
    deadline = time.monotonic() + _CLOSE_WAIT_S
    while open_connections(server) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the close handshakes run on this loop
    if watcher is not None:
        watcher.stop()
    server.stop()
    server.io_loop.stop()
    left = open_connections(server)
    print(
        f"floorplan: stopped on {why}: {told} page session(s) told"
        + (f" ({left} did not answer)" if left else "")
        + "; publish watcher and layout store closed; exit 0",
        flush=True,
    )


def _connections(server: Any) -> list[Any]:
    # Bokeh keeps the open websocket connections in its Tornado application's
    # ``_clients`` (it has no public list): each holds its socket handler.
    return list(getattr(getattr(server, "_tornado", None), "_clients", ()))


def open_connections(server: Any) -> int:
    """Return how many page websockets ``server`` has open."""
    return len(_connections(server))


def close_sessions(server: Any) -> int:
    """Close every page's websocket with :data:`GOING_AWAY`; return how many were open."""
    conns = _connections(server)
    for conn in conns:
        socket = getattr(conn, "_socket", None)
        if socket is not None:
            socket.close(*GOING_AWAY)
    return len(conns)
