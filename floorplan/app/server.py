"""Run Panel's server with the kiosk (public) and the planner and staff pages (log-in, roles).

Every page is a function of the shared :class:`~floorplan.app.context.VenueContext`,
called by Panel once per session so that its widgets and callbacks live in that
session's document. Log-in is Panel's basic-auth flow with two changes: passwords are
checked against the salted hashes of the user file (:mod:`floorplan.users`), and the
kiosk (``/``, ``/kiosk``, its websocket and the assets) stays open to guests. Which role
may open which page is Panel's ``authorize_callback``.

With a layout store the kiosks show its published layout (the venue file until something
is published) and follow each new publish without a restart (:mod:`floorplan.app.published`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import panel as pn
import tornado.web
from panel.auth import BasicAuthProvider, BasicLoginHandler

from floorplan.app.api import PUBLIC_PREFIXES as API_PREFIXES
from floorplan.app.api import ApiOptions, web_patterns
from floorplan.app.api.lan import public_url as find_public_url
from floorplan.app.context import (
    PublishWatcher,
    VenueContext,
    VenueSnapshot,
    assets_path,
    search_cache_dir,
)
from floorplan.app.resources import STATIC_DIR, STATIC_ROUTE
from floorplan.errors import StoreError
from floorplan.io.store import LayoutStore, default_store_path
from floorplan.users import Role, default_users_path, load_users, verify_user
from floorplan.venue import Venue

__all__ = [
    "COOKIE_SECRET_ENV",
    "PAGE_ROLES",
    "authorize",
    "make_apps",
    "serve",
]

#: Environment variable holding the secret that signs log-in cookies (else random per run).
COOKIE_SECRET_ENV: Final = "FLOORPLAN_COOKIE_SECRET"
#: The roles that may open each page behind the log-in.
PAGE_ROLES: Final[dict[str, frozenset[Role]]] = {
    "planner": frozenset({Role.PLANNER, Role.ADMIN}),
    "staff": frozenset({Role.STAFF, Role.ADMIN}),
}
_PUBLIC_PREFIXES: Final = (
    "/kiosk",
    "/assets/",
    f"/{STATIC_ROUTE}/",
    "/static/",
    "/liveness",
    "/favicon.ico",
    *API_PREFIXES,
)


def _is_public(uri: str) -> bool:
    path = urlsplit(uri).path
    return path in {"", "/", "/m"} or path.startswith(_PUBLIC_PREFIXES)


class _RootRedirect(tornado.web.RequestHandler):
    """Send ``/`` (and its query) to ``/kiosk``."""

    def get(self) -> None:
        query = self.request.query
        self.redirect("/kiosk" + (f"?{query}" if query else ""))


class RoleAuthProvider(BasicAuthProvider):
    """Panel's basic log-in, checked against the user file, with the kiosk left public.

    Parameters
    ----------
    users_path
        The user file written by ``floorplan users add``.
    """

    def __init__(self, users_path: Path) -> None:
        self.users_path = users_path
        super().__init__()

    def _allow_guest(self, uri: str) -> bool:
        # Panel compares whole URIs with their query; the kiosk's deep links carry one.
        return _is_public(uri)

    @property
    def login_handler(self) -> type[BasicLoginHandler]:
        """Return Panel's login page whose password check reads the salted hashes."""
        users_path = self.users_path

        class _Login(BasicLoginHandler):
            _login_endpoint = self._login_endpoint
            _login_template = self._login_template

            def _validate(self, username: str, password: str) -> bool:
                return verify_user(users_path, username, password) is not None

        return _Login


def authorize(users_path: Path, user_info: Mapping[str, Any] | None, request_path: str) -> bool:
    """Return whether the logged-in user may open ``request_path`` (the kiosk: anyone)."""
    page = urlsplit(request_path).path.strip("/").split("/", 1)[0]
    roles = PAGE_ROLES.get(page)
    if roles is None:
        return True
    name = str((user_info or {}).get("user", "") or "")
    user = load_users(users_path).get(name) if name and name != "guest" else None
    return user is not None and user.role in roles


def make_apps(ctx: VenueContext) -> dict[str, Callable[[], Any]]:
    """Return the page functions by URL slug; Panel calls each once per session."""
    from floorplan.app.planner import planner_page  # noqa: PLC0415
    from floorplan.app.published import kiosk_live_page  # noqa: PLC0415
    from floorplan.app.staff import staff_page  # noqa: PLC0415

    # Plain functions, not partials: Panel serves a partial object as a text pane.
    def kiosk() -> Any:
        return kiosk_live_page(ctx)

    def planner() -> Any:
        return planner_page(ctx)

    def staff() -> Any:
        return staff_page(ctx)

    return {"kiosk": kiosk, "planner": planner, "staff": staff}


def make_context(
    venue: Venue, store: LayoutStore, *, idle_s: float, public_url: str
) -> tuple[VenueContext, dict[str, float]]:
    """Return the server's context (the store's published layout if any) and build timings.

    The search index and the router are built here, not in the first visitor's session.

    Raises
    ------
    StoreError
        When the store publishes a layout of another venue.
    """
    served = store.published_version()
    if served is not None:
        published = store.load(served)
        if published.name != venue.name:
            msg = (
                f"layout store {store.path} publishes venue {published.name!r}, not "
                f"{venue.name!r}; pass --store with this venue's store"
            )
            raise StoreError(msg)
        venue = published
    timings: dict[str, float] = {}
    snapshot = VenueSnapshot.build(
        venue, version=served, timings=timings, cache_dir=search_cache_dir(store.path)
    )
    ctx = VenueContext(snapshot=snapshot, idle_s=idle_s, public_url=public_url, store=store)
    return ctx, timings


def _origins(port: int, address: str | None, public_url: str, extra: tuple[str, ...]) -> list[str]:
    """Return the ``host[:port]`` the pages' websockets may be opened from."""
    origins = {f"localhost:{port}", f"127.0.0.1:{port}", *extra}
    if address and address not in {"127.0.0.1", "localhost", "0.0.0.0"}:
        origins.add(f"{address}:{port}")
    if public_url:
        origins.add(urlsplit(public_url).netloc)
    return sorted(origins)


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
    start: bool = True,
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
        The user file (default :func:`floorplan.users.default_users_path`).
    idle_s
        Kiosk idle reset after this many seconds without input (0: never).
    public_url
        Scheme and host phones reach the server at, for QR codes (default: the address
        listened on, else the host's LAN address; see :mod:`floorplan.app.api.lan`).
    allow_origins
        Extra ``host[:port]`` the pages may be opened from (websocket origins).
    store_path
        The layout store planners save to (default: ``layouts.gpkg`` beside the user
        file). When it has a published version, kiosks show that instead of ``venue``.
    cors_origins
        Origins other sites may call the JSON API from (``*``: any); none by default.
    start
        Run the event loop here; ``False`` returns the unstarted server (for tests).
    """
    users = users_path or default_users_path()
    store = LayoutStore(store_path or default_store_path(users))
    phones = find_public_url(public_url, port=port, address=address)
    ctx, timings = make_context(venue, store, idle_s=idle_s, public_url=phones.url)
    served = ctx.served_version
    shown = f"published version {served}" if served is not None else "the venue file"
    print(
        f"floorplan: {len(ctx.venue.booths)} booths ({shown}); search index "
        f"{timings['search_index_s']:.1f} s, router {timings['router_s']:.1f} s; "
        f"users from {users}; layouts in {store.path}",
        flush=True,
    )
    phones.announce()
    # One thread for the whole server follows the store and pushes publishes to sessions.
    PublishWatcher(ctx).start()
    pn.extension(notifications=False)
    pn.config.authorize_callback = partial(authorize, users)
    return pn.serve(
        make_apps(ctx),
        port=port,
        address=address,
        show=show,
        start=start,
        title={"kiosk": "Chain Expo", "planner": "Planner", "staff": "Staff"},
        static_dirs={"assets": str(assets_path()), STATIC_ROUTE: str(STATIC_DIR)},
        auth_provider=RoleAuthProvider(users),
        cookie_secret=os.environ.get(COOKIE_SECRET_ENV) or secrets.token_urlsafe(32),
        extra_patterns=[(r"/", _RootRedirect), *web_patterns(ctx, ApiOptions(cors_origins))],
        websocket_origin=_origins(port, address, phones.url, allow_origins),
        liveness=True,
        # Free a closed kiosk's session within ~10 s rather than Bokeh's default ~30 s.
        check_unused_sessions_milliseconds=5000,
        unused_session_lifetime_milliseconds=5000,
        verbose=True,
    )
