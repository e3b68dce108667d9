"""Find the address phones reach this server at, for the kiosks' QR codes.

``--public-url`` wins. Without it: the address ``floorplan serve`` listens on if it is one
interface, else the host's first private (LAN) IPv4 address from its interfaces
(psutil). When only a loopback address is known, the QR codes name it and a warning says
phones cannot reach it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["PublicUrl", "interface_addresses", "public_url"]

_ANY = {"", "0.0.0.0", "::"}


@dataclass(frozen=True)
class PublicUrl:
    """The base URL for QR codes and what is known about it."""

    url: str
    #: Why phones may not reach ``url`` ('' when they should).
    warning: str = ""

    def announce(self) -> None:
        """Print where phones are sent (and why they may not get there) at the server's start."""
        print(f"floorplan: phones open {self.url}/m (the kiosks' QR codes)", flush=True)
        if self.warning:
            print(f"floorplan: warning: {self.warning}", flush=True)


def interface_addresses() -> list[str]:
    """Return the host's IPv4 addresses, interface by interface (loopback included)."""
    try:
        import psutil  # noqa: PLC0415 - only when serving
    except ImportError:  # pragma: no cover - psutil is a dependency
        return []
    return [
        a.address
        for addrs in psutil.net_if_addrs().values()
        for a in addrs
        if a.family == socket.AF_INET
    ]


def _lan(addresses: Iterable[str]) -> str:
    """Return the first private, non-loopback, non-link-local address ('' for none)."""
    found = [ipaddress.ip_address(a) for a in addresses]
    usable = [a for a in found if not (a.is_loopback or a.is_link_local or a.is_unspecified)]
    private = [a for a in usable if a.is_private]
    best = (private or usable)[:1]
    return str(best[0]) if best else ""


def public_url(
    given: str, *, port: int, address: str | None, addresses: Iterable[str] | None = None
) -> PublicUrl:
    """Return the base URL phones reach the server at (``given``: ``--public-url``).

    >>> public_url("https://expo.example", port=5006, address=None).url
    'https://expo.example'
    >>> public_url("", port=5006, address=None, addresses=["127.0.0.1", "192.168.4.20"]).url
    'http://192.168.4.20:5006'
    >>> public_url("", port=80, address=None, addresses=["127.0.0.1"]).warning != ""
    True
    """
    if given:
        return PublicUrl(given.rstrip("/"))
    host = address or ""
    if host not in _ANY:
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            return PublicUrl(f"http://{host}:{port}")
        return PublicUrl(
            f"http://{host}:{port}",
            f"the server listens on {host} only: phones cannot reach it; pass --address "
            "0.0.0.0 (or a LAN address) and --public-url",
        )
    lan = _lan(interface_addresses() if addresses is None else addresses)
    if lan:
        return PublicUrl(f"http://{lan}:{port}")
    return PublicUrl(
        f"http://127.0.0.1:{port}",
        "only a loopback address is known: phones cannot reach the QR codes' address; "
        "pass --public-url",
    )
