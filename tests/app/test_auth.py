"""The Tornado-level guard and log-in, on a small Tornado app in a thread of its own.

The pages are stand-ins (the real server's are Bokeh's, tested in test_server.py): the
guard goes in front of them by the same :func:`guard_routes` the server uses.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import tornado.httpclient
import tornado.web
import tornado.websocket
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop

import floorplan.app.auth as auth_mod
from floorplan.app.access import (
    LoginThrottle,
    RateLimiter,
    SessionStore,
    UserDirectory,
    parse_networks,
)
from floorplan.app.auth import (
    CSP,
    LoginHandler,
    LogoutHandler,
    NotFoundHandler,
    ServerAccess,
    bind,
    guard_routes,
    security_headers,
)
from floorplan.users import User, add_user, remove_user

from _browser import free_port

PASSWORD = "correct horse battery"
SECRET = "test-cookie-secret-" + "x" * 32
PAGES = {"kiosk": None, "planner": None, "staff": None}


class Page(tornado.web.RequestHandler):
    """Stands in for Panel's page handler."""

    def get(self) -> None:
        self.write(f"page {self.request.path}")


class Script(tornado.web.RequestHandler):
    """Stands in for autoload.js: it would hand out a session token."""

    def get(self) -> None:
        self.write("token")


class Socket(tornado.websocket.WebSocketHandler):
    """Stands in for Bokeh's WebSocket: echoes."""

    def on_message(self, message: str | bytes) -> None:
        self.write_message(message)


class Ping(tornado.web.RequestHandler):
    """Answers at once: the event loop is free."""

    def get(self) -> None:
        self.write("pong")


@dataclass
class App:
    """A running test app: its URL, its access rules, its loop."""

    url: str
    access: ServerAccess
    loop: IOLoop
    users: Path

    def session(self) -> requests.Session:
        s = requests.Session()
        s.headers["Accept-Language"] = "en"
        return s

    def log_in(
        self, s: requests.Session, name: str, password: str = PASSWORD, next_url: str = ""
    ) -> requests.Response:
        form = s.get(f"{self.url}/login", timeout=30)
        xsrf = re.search(r"name='_xsrf' value='([^']+)'", form.text)
        assert xsrf, form.text
        token = xsrf.group(1)
        data = {"_xsrf": token, "username": name, "password": password, "next": next_url}
        # The form's token is the cookie's value; sent by hand because requests keeps a
        # Secure cookie to itself over plain HTTP (as a browser would).
        s.cookies.set("_xsrf", token)
        return s.post(f"{self.url}/login", data=data, allow_redirects=False, timeout=30)

    def sweep(self) -> int:
        done: list[int] = []
        ready = threading.Event()

        def run() -> None:
            done.append(self.access.sweep())
            ready.set()

        self.loop.add_callback(run)
        assert ready.wait(10)
        return done[0]


def make_app(access: ServerAccess) -> tornado.web.Application:
    routes: list[Any] = [(r"/ping", Ping)]
    for page in PAGES:
        routes += [
            (rf"/{page}/?", Page),
            (rf"/{page}/ws", Socket),
            (rf"/{page}/autoload.js", Script),
        ]
    routes += [(r"/login", bind(LoginHandler, access)), (r"/logout", bind(LogoutHandler, access))]
    app = tornado.web.Application(
        routes,
        cookie_secret=SECRET,
        transforms=[security_headers(access)],
        default_handler_class=bind(NotFoundHandler, access),
    )
    assert guard_routes(app, access, PAGES) == 9
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    users = tmp_path / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    add_user(users, "sam", role="staff", password=PASSWORD)
    add_user(users, "ada", role="admin", password=PASSWORD)
    access = ServerAccess(
        users=UserDirectory(users),
        sessions=SessionStore(tmp_path / "sessions.json"),
        throttle=LoginThrottle(free={"user": 3, "client": 6}, base_s=60.0),
        kiosk_pages=RateLimiter(per_minute=6, burst=3),
        kiosk_sockets=RateLimiter(per_minute=6, burst=3),
    )
    port = free_port()
    started = threading.Event()
    holder: dict[str, Any] = {}

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        loop = IOLoop.current()
        server = HTTPServer(make_app(access))
        server.listen(port, "127.0.0.1")
        holder["loop"], holder["server"] = loop, server
        started.set()
        loop.start()
        server.stop()
        loop.close(all_fds=True)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    yield App(f"http://127.0.0.1:{port}", access, holder["loop"], users)
    holder["loop"].add_callback(holder["loop"].stop)
    thread.join(10)
    access.executor.shutdown(wait=False)


# --- roles on every channel --------------------------------------------------------------
def test_pages_need_a_log_in_with_the_role(app: App) -> None:
    s = app.session()
    r = s.get(f"{app.url}/planner", allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"] == "/login?next=%2Fplanner"
    assert s.get(f"{app.url}/planner/autoload.js", allow_redirects=False).status_code == 403
    assert app.log_in(s, "sam").status_code == 303
    denied = s.get(f"{app.url}/planner", allow_redirects=False)
    assert denied.status_code == 403
    assert "sam (staff)" in denied.text
    assert "/kiosk" in denied.text  # the way back
    assert s.get(f"{app.url}/planner/autoload.js").status_code == 403  # no token for staff
    assert s.get(f"{app.url}/staff").text == "page /staff"
    ada = app.session()
    app.log_in(ada, "ada")
    assert ada.get(f"{app.url}/planner").status_code == 200
    assert ada.get(f"{app.url}/staff/autoload.js").status_code == 200


async def _ws(url: str, cookies: dict[str, str]) -> tornado.websocket.WebSocketClientConnection:
    ws_url = url.replace("http://", "ws://")
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    request = tornado.httpclient.HTTPRequest(ws_url, headers={"Cookie": header})
    return await tornado.websocket.websocket_connect(request)


def test_websocket_upgrade_checks_the_role(app: App) -> None:
    sam, pat = app.session(), app.session()
    app.log_in(sam, "sam")
    app.log_in(pat, "pat")

    async def attempt(cookies: dict[str, str]) -> str:
        try:
            conn = await _ws(f"{app.url}/planner/ws", cookies)
        except tornado.httpclient.HTTPClientError as exc:
            return f"refused {exc.code}"
        await conn.write_message("hello")
        reply = await conn.read_message()
        conn.close()
        return f"open {reply}"

    assert asyncio.run(attempt(sam.cookies.get_dict())) == "refused 403"
    assert asyncio.run(attempt({})) == "refused 403"
    assert asyncio.run(attempt(pat.cookies.get_dict())) == "open hello"


def test_removed_user_and_logged_out_session_lose_open_sockets(app: App) -> None:
    pat, ada = app.session(), app.session()
    app.log_in(pat, "pat")
    app.log_in(ada, "ada")

    async def scenario() -> list[str]:
        seen = []
        conns = {
            "pat": await _ws(f"{app.url}/planner/ws", pat.cookies.get_dict()),
            "ada": await _ws(f"{app.url}/staff/ws", ada.cookies.get_dict()),
        }
        assert await asyncio.to_thread(app.sweep) == 0  # nothing changed: nothing closed
        remove_user(app.users, "pat")
        assert await asyncio.to_thread(app.sweep) == 1
        seen.append(f"pat {await conns['pat'].read_message()} {conns['pat'].close_code}")
        await asyncio.to_thread(ada.get, f"{app.url}/logout")  # closes at once
        seen.append(f"ada {await conns['ada'].read_message()} {conns['ada'].close_code}")
        return seen

    assert asyncio.run(scenario()) == ["pat None 4003", "ada None 4003"]


def test_role_change_applies_to_the_next_request(app: App) -> None:
    pat = app.session()
    app.log_in(pat, "pat")
    assert pat.get(f"{app.url}/planner").status_code == 200
    add_user(app.users, "pat", role="staff", password=PASSWORD)
    assert pat.get(f"{app.url}/planner").status_code == 403
    assert pat.get(f"{app.url}/staff").status_code == 200


# --- log-in ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("///evil.example/x", "/planner"),
        ("////evil.example", "/planner"),
        ("/\\evil.example", "/planner"),
        ("https://evil.example/", "/planner"),
        ("/a b", "/a%20b"),
        ("/staff?lang=zh", "/staff?lang=zh"),
    ],
)
def test_log_in_redirects_only_on_site(app: App, next_url: str, location: str) -> None:
    r = app.log_in(app.session(), "pat", next_url=next_url)
    assert r.status_code == 303, r.text
    assert r.headers["Location"] == location


def test_log_in_form_keeps_a_safe_next_only(app: App) -> None:
    page = app.session().get(f"{app.url}/login", params={"next": "///evil.example"})
    assert page.status_code == 200
    assert "evil" not in page.text


def test_log_in_cookies_and_headers(app: App) -> None:
    s = app.session()
    r = app.log_in(s, "pat")
    cookies = {c.split("=", 1)[0]: c for c in r.raw.headers.getlist("Set-Cookie")}
    for name in ("fp_session", "user"):
        assert "HttpOnly" in cookies[name]
        assert "SameSite=Lax" in cookies[name]
        assert "Secure" not in cookies[name]  # plain HTTP, no proxy trusted
    for url in ("/login", "/planner", "/nowhere", "/kiosk"):
        h = s.get(f"{app.url}{url}").headers
        assert h["X-Frame-Options"] == "DENY"
        assert h["Content-Security-Policy"] == CSP
        assert h["X-Content-Type-Options"] == "nosniff"
        assert "Strict-Transport-Security" not in h


def test_secure_cookies_over_https_behind_a_trusted_proxy(app: App) -> None:
    s = app.session()
    s.headers["X-Forwarded-Proto"] = "https"
    assert "Secure" not in app.log_in(s, "pat").headers["Set-Cookie"]  # nobody trusted
    app.access.trusted_proxies = parse_networks(["127.0.0.1"])
    r = app.log_in(s, "pat")
    assert all("; Secure" in c for c in r.raw.headers.getlist("Set-Cookie"))
    assert s.get(f"{app.url}/login").headers["Strict-Transport-Security"]
    app.access.trusted_proxies = ()
    app.access.secure_cookies = True
    plain = app.session()
    assert "Secure" in app.log_in(plain, "pat").headers["Set-Cookie"]


def test_log_out_revokes_the_cookie(app: App) -> None:
    s = app.session()
    app.log_in(s, "pat")
    copied = s.cookies.get_dict()
    assert requests.get(f"{app.url}/planner", cookies=copied).status_code == 200
    out = s.get(f"{app.url}/logout")
    assert out.status_code == 200
    assert "logged out" in out.text
    replay = requests.get(f"{app.url}/planner", cookies=copied, allow_redirects=False)
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/login")


def test_forged_or_foreign_cookies_open_nothing(app: App) -> None:
    forged = tornado.web.create_signed_value("x", "user", "pat").decode()
    r = requests.get(f"{app.url}/planner", cookies={"user": forged}, allow_redirects=False)
    assert r.status_code == 302
    # A signed user cookie alone, without a live session, is not enough either.
    good = tornado.web.create_signed_value(SECRET, "user", "pat").decode()
    r = requests.get(f"{app.url}/planner", cookies={"user": good}, allow_redirects=False)
    assert r.status_code == 302
    # Nor is another user's session with one's own name.
    sam = app.session()
    app.log_in(sam, "sam")
    mixed = {**sam.cookies.get_dict(), "user": good}
    r = requests.get(f"{app.url}/planner", cookies=mixed, allow_redirects=False)
    assert r.status_code == 302


def test_log_in_without_form_token_is_a_branded_refusal(app: App) -> None:
    r = requests.post(
        f"{app.url}/login", data={"username": "pat", "password": PASSWORD}, allow_redirects=False
    )
    assert r.status_code == 403
    assert "Chain Expo navigator" in r.text
    assert "Traceback" not in r.text


def test_wrong_passwords_back_off_with_429(app: App) -> None:
    s = app.session()
    codes = [app.log_in(s, "pat", "wrong password!").status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    app.log_in(s, "pat", "wrong password!")
    locked = app.log_in(s, "pat")  # even the right password waits: nothing is hashed
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) >= 1
    assert "Try again in" in locked.text
    assert app.log_in(app.session(), "sam").status_code == 303  # others unaffected


def test_guessing_many_names_from_one_client_backs_off(app: App) -> None:
    s = app.session()
    codes = [app.log_in(s, f"guess{i}", "nope nope nope").status_code for i in range(8)]
    assert codes[:6] == [401] * 6
    assert codes[-1] == 429


def test_password_check_runs_off_the_event_loop(app: App, monkeypatch: Any) -> None:
    entered, release = threading.Event(), threading.Event()

    def slow_verify(path: Path, name: str, password: str) -> User | None:
        entered.set()
        assert release.wait(30)  # a scrypt that never ends until the test says so
        return None

    monkeypatch.setattr(auth_mod, "verify_user", slow_verify)
    s = app.session()
    result: list[int] = []
    login = threading.Thread(target=lambda: result.append(app.log_in(s, "pat").status_code))
    login.start()
    assert entered.wait(30)
    # The check is still running, and the loop answers other requests meanwhile.
    assert requests.get(f"{app.url}/ping", timeout=10).text == "pong"
    assert requests.get(f"{app.url}/login", timeout=10).status_code == 200
    assert not result
    release.set()
    login.join(30)
    assert result == [401]


@pytest.mark.parametrize("content", ["", "{not json", '{"users": 3}', "\x00\x01"])
def test_damaged_user_file_is_a_branded_page_never_500(app: App, content: str) -> None:
    s = app.session()
    app.log_in(s, "pat")
    app.users.write_text(content)
    login = app.log_in(app.session(), "pat")
    assert login.status_code == 503
    assert "user file cannot be read" in login.text
    page = s.get(f"{app.url}/planner", allow_redirects=False)
    assert page.status_code == 503
    assert "user file cannot be read" in page.text
    assert s.get(f"{app.url}/kiosk").status_code == 200  # visitors are not affected


def test_pages_in_chinese(app: App) -> None:
    s = app.session()
    page = s.get(f"{app.url}/login", params={"lang": "zh"})
    assert "工作人员登录" in page.text
    assert "返回访客导览地图" in page.text
    s.headers["Accept-Language"] = "zh-CN,zh;q=0.9"
    assert "工作人员登录" in s.get(f"{app.url}/login").text
    app.log_in(s, "sam")
    assert "无权访问" in s.get(f"{app.url}/planner").text


# --- paths -------------------------------------------------------------------------------
def test_trailing_slash_and_unknown_paths(app: App) -> None:
    s = app.session()
    for page in ("planner", "staff", "kiosk"):
        r = s.get(f"{app.url}/{page}/?lang=zh", allow_redirects=False)
        assert r.status_code == 302
        assert r.headers["Location"] == f"/{page}?lang=zh"
    for path in ("/planner/nothing", "/nothing", "/planner/login"):
        r = s.get(f"{app.url}{path}", allow_redirects=False)
        assert r.status_code == 404
        assert "Page not found" in r.text
        assert "/kiosk" in r.text


# --- kiosk sessions ----------------------------------------------------------------------
def test_kiosk_sessions_are_limited_per_client(app: App) -> None:
    s = app.session()
    codes = [s.get(f"{app.url}/kiosk").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    busy = s.get(f"{app.url}/kiosk")
    assert int(busy.headers["Retry-After"]) >= 1
    assert "http-equiv='refresh'" in busy.text  # a kiosk screen tries again by itself
    # A client behind the trusted proxy is another client.
    app.access.trusted_proxies = parse_networks(["127.0.0.1"])
    other = {"X-Forwarded-For": "203.0.113.9"}
    assert s.get(f"{app.url}/kiosk", headers=other).status_code == 200
    # Logged-in pages are not counted.
    app.log_in(s, "pat")
    assert s.get(f"{app.url}/planner").status_code == 200
