"""The server's access rules without a server: redirects, clients, throttles, sessions, secrets."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from _race import race

from floorplan.app.access import (
    COOKIE_SECRET_FILE,
    MIN_SECRET_BYTES,
    LoginThrottle,
    RateLimiter,
    SessionStore,
    UserDirectory,
    client_address,
    forwarded_https,
    load_cookie_secret,
    parse_networks,
    safe_next,
)
from floorplan.errors import OptionError, UserError
from floorplan.users import Role, add_user, remove_user

PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


# --- redirects ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "///evil.example/x",
        "////evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "\\\\evil.example",
        "http://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/a\r\nSet-Cookie: x=1",
        "/\t/evil.example",
        "/" + "a" * 5000,
        "",
        None,
    ],
)
def test_redirects_leave_no_way_off_site(value: str | None) -> None:
    assert safe_next(value, "/kiosk") == "/kiosk"


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/planner", "/planner"),
        ("/staff?lang=zh", "/staff?lang=zh"),
        ("/a b", "/a%20b"),
        ("/kiosk?q=展位", "/kiosk?q=%E5%B1%95%E4%BD%8D"),
        ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),  # a path on this site
    ],
)
def test_redirects_on_site_are_kept_as_valid_paths(value: str, kept: str) -> None:
    out = safe_next(value, "/kiosk")
    assert out == kept
    assert out.isascii()
    assert " " not in out


# --- clients -----------------------------------------------------------------------------
NGINX = parse_networks(["127.0.0.1", "10.0.0.0/8"])


def test_forwarded_address_only_from_a_trusted_proxy() -> None:
    xff = {"X-Forwarded-For": "203.0.113.9"}
    assert client_address("127.0.0.1", xff, NGINX) == "203.0.113.9"
    assert client_address("198.51.100.7", xff, NGINX) == "198.51.100.7"  # not a proxy
    assert client_address("127.0.0.1", xff, ()) == "127.0.0.1"  # no proxy trusted


def test_forwarded_address_is_read_from_the_right() -> None:
    # The client wrote "6.6.6.6" itself; nginx appended the address it saw; a second
    # trusted proxy (10.1.2.3) sits between.
    xff = {"X-Forwarded-For": "6.6.6.6, 203.0.113.9, 10.1.2.3"}
    assert client_address("127.0.0.1", xff, NGINX) == "203.0.113.9"
    assert client_address("127.0.0.1", {"X-Forwarded-For": "garbage, 10.1.2.3"}, NGINX) == (
        "127.0.0.1"
    )
    assert client_address("127.0.0.1", {"X-Real-IP": "2001:db8::1"}, NGINX) == "2001:db8::1"
    assert client_address("127.0.0.1", {}, NGINX) == "127.0.0.1"


def test_forwarded_https() -> None:
    https = {"X-Forwarded-Proto": "https"}
    assert forwarded_https("127.0.0.1", https, NGINX)
    assert not forwarded_https("198.51.100.7", https, NGINX)
    assert not forwarded_https("127.0.0.1", {"X-Forwarded-Proto": "http"}, NGINX)


def test_bad_trusted_proxy_is_an_option_error() -> None:
    with pytest.raises(OptionError, match="not an IP address"):
        parse_networks(["nginx.local"])


# --- log-in throttling -------------------------------------------------------------------
def test_throttle_backs_off_per_user_and_forgets() -> None:
    clock = Clock()
    t = LoginThrottle(free={"user": 3, "client": 100}, base_s=2.0, max_s=30.0, clock=clock)
    keys = [("user", "pat"), ("client", "1.2.3.4")]
    for _ in range(3):
        assert t.wait_s(keys) == 0
        t.failed(keys)
    assert t.wait_s(keys) == 0  # three failures are free
    t.failed(keys)
    assert t.wait_s(keys) == pytest.approx(2.0)
    waits = []
    for _ in range(6):
        clock.t += t.wait_s(keys)
        t.failed(keys)
        waits.append(t.wait_s(keys))
    assert waits == pytest.approx([4.0, 8.0, 16.0, 30.0, 30.0, 30.0])  # doubling, capped
    # Another user from another address is not held up.
    assert t.wait_s([("user", "sam"), ("client", "5.6.7.8")]) == 0
    clock.t += t.forget_s + 31
    assert t.wait_s(keys) == 0


def test_throttle_per_client_across_user_names() -> None:
    clock = Clock()
    t = LoginThrottle(free={"user": 5, "client": 4}, clock=clock)
    for i in range(5):
        t.failed([("user", f"guess{i}"), ("client", "1.2.3.4")])
    assert t.wait_s([("user", "fresh-name"), ("client", "1.2.3.4")]) > 0
    assert t.wait_s([("user", "fresh-name"), ("client", "9.9.9.9")]) == 0


def test_throttle_success_forgets_and_memory_is_bounded() -> None:
    t = LoginThrottle(free={"user": 1, "client": 1}, max_keys=100, clock=Clock())
    keys = [("user", "pat"), ("client", "1.2.3.4")]
    t.failed(keys)
    t.failed(keys)
    assert t.wait_s(keys) > 0
    t.succeeded(keys)
    assert t.wait_s(keys) == 0
    for i in range(1000):
        t.failed([("user", f"u{i}")])
    assert len(t._failures) <= 100


# --- kiosk sessions ----------------------------------------------------------------------
def test_rate_limiter_burst_then_rate() -> None:
    clock = Clock()
    r = RateLimiter(per_minute=12, burst=3, clock=clock)
    assert [r.take("a") for _ in range(3)] == [0, 0, 0]
    assert r.take("a") == pytest.approx(5.0)  # one token every 5 s
    assert r.take("b") == 0  # another client has its own bucket
    clock.t += 5.0
    assert r.take("a") == 0
    assert r.take("a") > 0
    clock.t += 3600
    assert [r.take("a") for _ in range(3)] == [0, 0, 0]  # the burst, never more


def test_rate_limiter_off_and_bounded() -> None:
    assert all(RateLimiter(per_minute=0, burst=0).take("x") == 0 for _ in range(100))
    r = RateLimiter(per_minute=60, burst=2, max_keys=50, clock=Clock())
    for i in range(500):
        r.take(f"10.0.{i // 250}.{i % 250}")
    assert len(r._buckets) <= 50


# --- server-side sessions ----------------------------------------------------------------
def test_sessions_revoke_and_expire(tmp_path: Path) -> None:
    clock = Clock(1_700_000_000.0)
    store = SessionStore(tmp_path / "sessions.json", lifetime_s=60, clock=clock)
    a, b, c = store.create("pat"), store.create("pat"), store.create("sam")
    assert len({a, b, c}) == 3
    assert store.user_of(a) == "pat"
    assert store.user_of("made-up") is None
    assert store.user_of(None) is None
    assert store.revoke(a)
    assert store.user_of(a) is None
    assert not store.revoke(a)
    assert store.revoke_user("pat") == 1
    assert store.user_of(b) is None
    assert store.user_of(c) == "sam"
    clock.t += 61
    assert store.user_of(c) is None


def test_sessions_survive_a_restart_and_the_file_holds_no_session_id(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "sessions.json"
    first = SessionStore(path)
    sid = first.create("pat")
    gone = first.create("pat")
    first.revoke(gone)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sid not in path.read_text()
    again = SessionStore(path)
    assert again.user_of(sid) == "pat"
    assert again.user_of(gone) is None


def test_sessions_are_shared_by_stores_on_one_file(tmp_path: Path) -> None:
    # Two workers of one server (floorplan serve --processes 2): each its own store.
    path = tmp_path / "sessions.json"
    a, b = SessionStore(path), SessionStore(path)
    sid = a.create("pat")
    assert b.user_of(sid) == "pat"  # logged in on one worker, known on the other
    other = b.create("sam")  # b's write keeps a's session (it re-reads under the lock)
    assert a.user_of(sid) == "pat"
    assert a.user_of(other) == "sam"
    assert b.revoke(sid)
    assert a.user_of(sid) is None  # logged out on one worker: out on every worker
    assert a.revoke_user("sam") == 1
    assert b.user_of(other) is None


_SESSION_CHILD = """
import sys
from pathlib import Path
from floorplan.app.access import SessionStore
store = SessionStore(Path(sys.argv[1]))
sys.stdin.readline()
print(" ".join(store.create(f"user{sys.argv[2]}") for _ in range(25)))
"""


def test_two_processes_logging_in_together_lose_no_session(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    outs = race(_SESSION_CHILD, [[str(path), str(i)] for i in range(3)])
    made: dict[str, str] = {}
    for i, out in enumerate(outs):
        made |= dict.fromkeys(out.split(), f"user{i}")
    assert len(made) == 75
    store = SessionStore(path)
    assert {sid: store.user_of(sid) for sid in made} == made


def test_damaged_session_file_means_logging_in_again(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    for text in ("", "{", json.dumps({"sessions": [1, 2]}), json.dumps({"sessions": {"x": 1}})):
        path.write_text(text)
        store = SessionStore(path)
        assert store.user_of("anything") is None
        sid = store.create("pat")  # and it works again
        assert SessionStore(path).user_of(sid) == "pat"


# --- the user file, followed -------------------------------------------------------------
def test_user_directory_follows_the_file(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    users = UserDirectory(path)
    assert users.get("pat") is None  # no file: nobody
    add_user(path, "pat", role="planner", password=PASSWORD)
    assert users.get("pat") is not None
    assert users.get("pat").role is Role.PLANNER  # type: ignore[union-attr]
    add_user(path, "pat", role="staff", password=PASSWORD)
    assert users.get("pat").role is Role.STAFF  # type: ignore[union-attr]
    remove_user(path, "pat")
    assert users.get("pat") is None
    path.write_text("{broken")
    with pytest.raises(UserError):
        users.get("pat")
    add_user(path.with_name("other.json"), "sam", role="admin", password=PASSWORD)
    path.with_name("other.json").replace(path)
    assert users.get("sam") is not None  # mended: read again


# --- the cookie secret -------------------------------------------------------------------
def test_given_secret_must_be_long_enough(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="at least 32"):
        load_cookie_secret(tmp_path, "x")
    with pytest.raises(OptionError, match="at least 32"):
        load_cookie_secret(tmp_path, "é" * 15)  # 30 bytes
    long = "s" * MIN_SECRET_BYTES
    assert load_cookie_secret(tmp_path, long) == long
    assert not (tmp_path / COOKIE_SECRET_FILE).exists()


def test_kept_secret_is_private_and_stable(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "cfg"
    secret = load_cookie_secret(folder)
    path = folder / COOKIE_SECRET_FILE
    assert len(secret.encode()) >= MIN_SECRET_BYTES
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_cookie_secret(folder) == secret
    assert [p.name for p in folder.iterdir()] == [COOKIE_SECRET_FILE]  # no temporary left


def test_kept_secret_refused_when_readable_or_short(tmp_path: Path) -> None:
    path = tmp_path / COOKIE_SECRET_FILE
    load_cookie_secret(tmp_path)
    path.chmod(0o644)
    with pytest.raises(OptionError, match="chmod 600"):
        load_cookie_secret(tmp_path)
    path.write_text("short\n")
    path.chmod(0o600)
    with pytest.raises(OptionError, match="at least 32"):
        load_cookie_secret(tmp_path)


# Each child waits until all have started (``_race.race``), then races for the secret.
_SECRET_CHILD = """
import sys
from pathlib import Path
from floorplan.app.access import load_cookie_secret
sys.stdin.readline()
print(load_cookie_secret(Path(sys.argv[1])))
"""


def test_two_servers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    secrets_seen = {out.strip() for out in race(_SECRET_CHILD, [[str(tmp_path)]] * 4)}
    assert len(secrets_seen) == 1
    assert (tmp_path / COOKIE_SECRET_FILE).read_text().strip() in secrets_seen
