"""Embedded TrueType fonts for the report, with a CJK fallback and a visible placeholder.

reportlab's built-in Helvetica is Latin-1 only and is not embedded; a board pack sent
abroad must show ``Müller GmbH`` and ``Ærø`` exactly, so we embed DejaVu Sans (bundled
in ``resources/fonts``). DejaVu has no CJK glyphs and a CJK font is too big to bundle,
so a CJK TrueType font found on the system (``fonts-droid-fallback`` or
``fonts-wqy-microhei`` on Debian) is used for those characters when present. Any
character that no registered font has is drawn as :data:`PLACEHOLDER` instead of
silently vanishing (reportlab would draw nothing for it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import path as resource_path

REGULAR = "PlannerSans"
BOLD = "PlannerSans-Bold"
CJK = "PlannerCJK"
PLACEHOLDER = "\u25a1"  # WHITE SQUARE, present in DejaVu Sans

# System CJK fonts reportlab can embed (TrueType outlines; CFF-based .otf/.ttc are not).
CJK_CANDIDATES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("C:/Windows/Fonts/msyh.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
)


class FontError(Exception):
    """A bundled font is missing or unreadable (a broken installation)."""


@dataclass(frozen=True)
class FontSet:
    """The registered font names and the characters each one can draw."""

    regular: str
    bold: str
    cjk: str | None
    _main_chars: frozenset[int] = field(repr=False)
    _cjk_chars: frozenset[int] = field(repr=False, default=frozenset())

    def has(self, ch: str) -> bool:
        """True when the main font draws ``ch``."""
        return ord(ch) in self._main_chars or ch in "\n\t"

    def cjk_has(self, ch: str) -> bool:
        return self.cjk is not None and ord(ch) in self._cjk_chars


def find_cjk_font() -> Path | None:
    """The first usable CJK TrueType font on this machine, or None."""
    bundled = sorted(resource_path("fonts").glob("*CJK*.ttf"))
    for candidate in (*bundled, *CJK_CANDIDATES):
        if candidate.is_file():
            return candidate
    return None


def _register(name: str, file: Path) -> frozenset[int]:
    try:
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(file)))
        font = pdfmetrics.getFont(name)
    except Exception as exc:  # reportlab raises TTFError, OSError, struct.error...
        raise FontError(f"cannot load font {file}: {exc}") from exc
    return frozenset(font.face.charToGlyph)


@cache
def load_fonts(use_cjk: bool = True) -> FontSet:
    """Register the report fonts once per process (registration is global in reportlab)."""
    main = _register(REGULAR, resource_path("fonts", "DejaVuSans.ttf"))
    _register(BOLD, resource_path("fonts", "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR,
                                  boldItalic=BOLD)
    cjk_file = find_cjk_font() if use_cjk else None
    if cjk_file is None:
        return FontSet(REGULAR, BOLD, None, main)
    try:
        cjk_chars = _register(CJK, cjk_file)
    except FontError:  # an optional system font that is broken: fall back to placeholders
        return FontSet(REGULAR, BOLD, None, main)
    return FontSet(REGULAR, BOLD, CJK, main, cjk_chars)
