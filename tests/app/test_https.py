"""``floorplan serve`` behind nginx over HTTPS, with the site block docs/security.md gives.

nginx (Debian's ``nginx-light``) runs on loopback as the test's own process, with a
self-signed certificate made by ``openssl``; the block is read from the docs, so that
the example there is the one that works.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import sync_playwright

from floorplan.users import add_user

from _browser import (
    Server,
    free_port,
    in_own_thread,
    kiosk_venue,
    launch_chromium,
    wait_map,
    write_geojson_folder,
)

pytestmark = [pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PASSWORD = "correct horse battery"


def _tool_or_skip(name: str) -> str:
    sbin = Path("/usr/sbin") / name  # nginx lives there, outside a plain user's PATH
    found = shutil.which(name) or (str(sbin) if sbin.exists() else None)
    if found:
        return found
    reason = f"{name} is missing (Debian's nginx-light and openssl packages)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the HTTPS test must run in CI: {reason}")
    pytest.skip(reason)
    raise AssertionError  # pragma: no cover - skip raises


def site_block() -> str:
    """Return the nginx site block of docs/security.md."""
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(r"<!-- nginx-site.*?-->\s*```nginx\n(.*?)```", text, re.S)
    assert found, "docs/security.md has no nginx block after <!-- nginx-site -->"
    return found.group(1)


@dataclass
class Proxy:
    """nginx on loopback in front of a ``floorplan serve``."""

    url: str
    port: int
    cert: Path
    server: Server
    log: Path


def _wait_listening(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"nginx exited {proc.returncode}: {log.read_text(errors='replace')}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # polling a socket for nginx to bind; no signal to wait on
    pytest.fail(f"nginx did not listen on {port}: {log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    nginx, openssl = _tool_or_skip("nginx"), _tool_or_skip("openssl")
    root = tmp_path_factory.mktemp("https")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    https_port, http_port = free_port(), free_port()
    venue = write_geojson_folder(kiosk_venue(), root / "venue")
    users = root / "cfg" / "users.json"
    add_user(users, "pat", role="planner", password=PASSWORD)
    server = Server(
        "--venue",
        str(venue),
        "--users",
        str(users),
        "--trusted-proxy",
        "127.0.0.1",
        "--allow-origin",
        f"127.0.0.1:{https_port}",
        "--public-url",
        f"https://127.0.0.1:{https_port}",
    )
    block = (
        site_block()
        .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
        .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
        .replace("fair.example.org", "127.0.0.1")
        .replace("/etc/letsencrypt/live/127.0.0.1/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/127.0.0.1/privkey.pem", str(key))
        .replace("127.0.0.1:5006", f"127.0.0.1:{server.port}")
    )
    assert str(cert) in block
    assert f"127.0.0.1:{server.port}" in block
    temp = "\n".join(
        f"    {kind}_temp_path {root / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    log = root / "nginx-error.log"
    conf = root / "nginx.conf"
    conf.write_text(
        f"daemon off;\nmaster_process off;\npid {root / 'nginx.pid'};\n"
        f"error_log {log} info;\nevents {{ worker_connections 512; }}\n"
        f"http {{\n    access_log off;\n{temp}\n{block}\n}}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_listening(https_port, proc, log)
        yield Proxy(f"https://127.0.0.1:{https_port}", https_port, cert, server, log)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        server.stop()


def _log_in(p: Proxy) -> requests.Response:
    s = requests.Session()
    s.trust_env = False  # REQUESTS_CA_BUNDLE would win over verify
    s.verify = str(p.cert)
    form = s.get(f"{p.url}/login", timeout=30)
    token = re.search(r"name='_xsrf' value='([^']+)'", form.text)
    assert token, form.text
    data = {"_xsrf": token.group(1), "username": "pat", "password": PASSWORD}
    return s.post(f"{p.url}/login", data=data, allow_redirects=False, timeout=60)


def test_cookies_are_secure_over_https(proxy: Proxy) -> None:
    r = _log_in(proxy)
    assert r.status_code == 303, r.text[:500]
    cookies = {c.split("=", 1)[0]: c for c in r.raw.headers.getlist("Set-Cookie")}
    for name in ("fp_session", "user"):
        assert "; Secure" in cookies[name], cookies
        assert "SameSite=Lax" in cookies[name]
        assert "HttpOnly" in cookies[name]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def _get(p: Proxy, source: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    ctx = ssl.create_default_context(cafile=str(p.cert))
    conn = http.client.HTTPSConnection(
        "127.0.0.1", p.port, context=ctx, timeout=30, source_address=(source, 0)
    )
    try:
        conn.request("GET", "/kiosk", headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_the_server_sees_each_clients_own_address(proxy: Proxy) -> None:
    codes = [_get(proxy, "127.0.0.2")[0] for _ in range(7)]
    assert codes[:6] == [200] * 6  # the burst a client may open at once
    status, body = _get(proxy, "127.0.0.2")
    assert status == 429
    assert "Too many pages opened from this address" in body  # the server's, not nginx's
    # A forged X-Forwarded-For does not make another client of the same address.
    assert _get(proxy, "127.0.0.2", {"X-Forwarded-For": "10.9.9.9"})[0] == 429
    # Another address behind the same proxy is another client.
    assert _get(proxy, "127.0.0.3")[0] == 200


@pytest.mark.browser
def test_a_kiosk_draws_over_https_and_wss(proxy: Proxy) -> None:
    def run() -> None:
        with sync_playwright() as p:
            browser = launch_chromium(p)
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            page.goto(f"{proxy.url}/kiosk?kiosk=K1&to=A-101")
            wait_map(page)
            page.locator("ol.steps li").first.wait_for(timeout=30_000)  # the socket works
            browser.close()

    in_own_thread(run, timeout_s=300)
