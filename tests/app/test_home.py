"""serve's home page without a server: the kiosks' links by hall, escaped, in both languages."""

from __future__ import annotations

import html as htmllib
import re

from floorplan.app.context import VenueSnapshot
from floorplan.app.home import home_page
from floorplan.i18n import Lang

from _browser import XSS_NAME, kiosk_venue


def test_home_page_lists_every_kiosk_by_hall_in_both_languages() -> None:
    venue = kiosk_venue()
    venue.halls.loc[0, "name"] = XSS_NAME
    venue.halls["name_zh"] = ["甲馆", "乙馆"]
    snap = VenueSnapshot.build(venue)
    en, zh = home_page(snap, Lang.EN), home_page(snap, Lang.ZH)
    links = re.findall(r"href='(/kiosk\?kiosk=[^']+)'", en)
    assert links == ["/kiosk?kiosk=K1&amp;lang=en", "/kiosk?kiosk=K2&amp;lang=en"]
    assert "/kiosk?kiosk=K1&amp;lang=zh" in zh
    assert XSS_NAME not in en  # the hall's name is text, not markup
    assert XSS_NAME in htmllib.unescape(en)
    assert "甲馆" in zh
    assert XSS_NAME not in htmllib.unescape(zh)  # its Chinese name instead
    assert "facing 90°" in en
    assert "朝向 90°" in zh
    assert "href='/kiosk?lang=en'" in en  # the visitor map, which asks where you are


def test_home_page_of_a_venue_without_kiosks_says_so() -> None:
    venue = kiosk_venue()
    bare = type(venue)(**{**venue.__dict__, "kiosks": venue.kiosks.iloc[:0]})
    page = home_page(VenueSnapshot.build(bare), Lang.EN)
    assert "This venue has no kiosks." in page
    assert "kiosk-link" not in page
