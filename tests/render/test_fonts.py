"""Finding a font that prints Chinese, and failing clearly without one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from floorplan.errors import FontError
from floorplan.render import fonts
from floorplan.render.fonts import CJK_FONT_ENV, TextMeasure, find_cjk_font, font_for


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    find_cjk_font.cache_clear()
    yield
    find_cjk_font.cache_clear()


def test_the_installed_cjk_font_has_the_glyphs() -> None:
    path = find_cjk_font()
    charmap = FT2Font(str(path)).get_charmap()
    assert all(ord(ch) in charmap for ch in "展位您在这里疏散示意图")


def test_no_cjk_font_is_a_clear_error_but_english_still_prints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(CJK_FONT_ENV, raising=False)
    latin = [f for f in font_manager.fontManager.ttflist if "DejaVu" in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", latin)
    with pytest.raises(FontError, match=r"no installed font prints Chinese.*fonts-wqy-microhei"):
        find_cjk_font()
    with pytest.raises(FontError):
        font_for(chinese=True)
    assert "DejaVu" in font_for(chinese=False).name


def test_a_named_font_file_must_have_chinese(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"nope")
    monkeypatch.setenv(CJK_FONT_ENV, str(bogus))
    with pytest.raises(FontError, match="not a font file with Chinese glyphs"):
        find_cjk_font()


def test_measured_widths_grow_with_size_and_text() -> None:
    m = TextMeasure(find_cjk_font())
    assert m.width_mm("W1-A01", 10) == pytest.approx(2 * m.width_mm("W1-A01", 5))
    assert m.width_mm("W1-A01 Ltd.", 8) > m.width_mm("W1-A01", 8) > 0
    assert m.width_mm("展位", 10) > m.width_mm("ab", 10)
    assert fonts.has_cjk("链博会")
    assert not fonts.has_cjk("Chain Expo")
