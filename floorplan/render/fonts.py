"""Find a font that prints Chinese and measure text in it, for labels that must fit.

The font is found through matplotlib's font manager (any installed font that has the
CJK glyphs the plans use; ``$FLOORPLAN_CJK_FONT`` may name a file). Plans embed it in
the PDF (TrueType, subset), so every glyph prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Final

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font, LoadFlags

from floorplan.errors import FontError

__all__ = ["CJK_FONT_ENV", "TextMeasure", "find_cjk_font", "font_for", "has_cjk"]

CJK_FONT_ENV: Final = "FLOORPLAN_CJK_FONT"
#: Characters a font must have to print the plans' Chinese.
_PROBE = "展位馆出口您在这里疏散"
#: Families tried first, in this order; any other font with the glyphs does too.
_PREFERRED = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
)
_PT_MM: Final = 25.4 / 72.0
_REF_PT: Final = 10.0
#: matplotlib lays text out a little wider than the sum of advances (by ~2.5%).
_LAYOUT_SLACK: Final = 1.04


def has_cjk(text: str) -> bool:
    """Return whether ``text`` holds CJK characters (a Latin font would miss them).

    >>> has_cjk("Hall 1"), has_cjk("一号馆")
    (False, True)
    """
    return any("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _covers(path: str) -> bool:
    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


@lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    """Return the file of an installed font that prints the plans' Chinese.

    Raises
    ------
    FontError
        When no installed font has the glyphs (install ``fonts-wqy-microhei`` or any
        Noto CJK font, or name a font file in ``$FLOORPLAN_CJK_FONT``).
    """
    given = os.environ.get(CJK_FONT_ENV)
    if given:
        if Path(given).is_file() and _covers(given):
            return Path(given)
        msg = f"${CJK_FONT_ENV}={given!r} is not a font file with Chinese glyphs"
        raise FontError(msg)
    fonts = font_manager.fontManager.ttflist
    rank = {name: k for k, name in enumerate(_PREFERRED)}
    for entry in sorted(fonts, key=lambda f: (rank.get(f.name, len(rank)), f.fname)):
        if _covers(entry.fname):
            return Path(entry.fname)
    msg = (
        "no installed font prints Chinese: install one (Debian: apt-get install "
        f"fonts-wqy-microhei) or name a font file in ${CJK_FONT_ENV}; "
        "English-only output (--lang en) needs none"
    )
    raise FontError(msg)


def font_for(*, chinese: bool) -> Path:
    """Return the font to print with: the CJK font, or for English-only text any font.

    English text uses the CJK font too when there is one (one font, one look); without
    one it falls back to matplotlib's own DejaVu Sans.

    Raises
    ------
    FontError
        When ``chinese`` and no installed font prints Chinese.
    """
    try:
        return find_cjk_font()
    except FontError:
        if chinese:
            raise
    return Path(font_manager.findfont("DejaVu Sans", fallback_to_default=True))


@dataclass
class TextMeasure:
    """Measure text in one font: widths from each glyph's advance, cached per character.

    Measuring a whole string with FreeType's layout costs milliseconds; a plan measures
    thousands, so widths are sums of cached advances (kerning is ignored: the fonts used
    have almost none, and labels keep a margin).
    """

    path: Path
    _font: FT2Font = field(init=False, repr=False)
    _advance: dict[str, float] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._font = font_manager.get_font(str(self.path))
        self._font.set_size(_REF_PT, 72)

    def width_mm(self, text: str, size_pt: float) -> float:
        """Return the width of ``text`` at ``size_pt`` points, in millimetres."""
        total = 0.0
        for ch in text:
            adv = self._advance.get(ch)
            if adv is None:
                glyph = self._font.load_char(ord(ch), flags=LoadFlags.NO_HINTING)
                adv = glyph.linearHoriAdvance / 65536.0
                self._advance[ch] = adv
            total += adv
        return total * size_pt / _REF_PT * _PT_MM * _LAYOUT_SLACK

    @staticmethod
    def line_mm(size_pt: float) -> float:
        """Return the height of one line of text at ``size_pt`` (with leading), in mm."""
        return size_pt * 1.2 * _PT_MM
