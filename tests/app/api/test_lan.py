"""The address phones are sent to by the kiosks' QR codes."""

from __future__ import annotations

from floorplan.app.api.lan import interface_addresses, public_url


def test_public_url_wins() -> None:
    got = public_url("https://expo.example/", port=5006, address="127.0.0.1")
    assert (got.url, got.warning) == ("https://expo.example", "")


def test_lan_address_of_a_server_on_every_interface() -> None:
    got = public_url("", port=5006, address=None, addresses=["127.0.0.1", "10.1.2.3"])
    assert (got.url, got.warning) == ("http://10.1.2.3:5006", "")
    link_local = ["127.0.0.1", "169.254.9.9", "192.168.0.7"]
    assert public_url("", port=80, address="0.0.0.0", addresses=link_local).url == (
        "http://192.168.0.7:80"
    )


def test_only_loopback_is_a_warning() -> None:
    got = public_url("", port=5006, address=None, addresses=["127.0.0.1"])
    assert got.url == "http://127.0.0.1:5006"
    assert "loopback" in got.warning
    bound = public_url("", port=5006, address="127.0.0.1", addresses=["10.0.0.2"])
    assert bound.url == "http://127.0.0.1:5006"
    assert "--public-url" in bound.warning


def test_a_given_address_is_used() -> None:
    assert public_url("", port=5006, address="10.9.8.7").url == "http://10.9.8.7:5006"


def test_interface_addresses_include_loopback() -> None:
    assert "127.0.0.1" in interface_addresses()
