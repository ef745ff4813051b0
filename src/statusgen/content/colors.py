"""Colour contrast (WCAG 2.1) for the site's own colours, checked before any page is built.

A site may set an accent colour (links, focus ring, header stripe). It is used for text on
every background the default theme puts links on, in the light and the dark scheme, so it
must reach 4.5:1 (WCAG 1.4.3) on the least favourable of them. The backgrounds below are the
theme's (``themes/default/static/style.css``; a test keeps them in step).
"""

from __future__ import annotations

import re

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
#: WCAG 2.1 AA for normal text.
MINIMUM = 4.5

#: Page, surface and tinted backgrounds that links appear on, per scheme.
LIGHT_BACKGROUNDS = ("#ffffff", "#f6f8fa", "#dafbe1", "#fff8c5", "#fff1e5", "#ffebe9", "#ddf4ff")
DARK_BACKGROUNDS = ("#0d1117", "#161b22", "#12261e", "#272115", "#2b1d12", "#2d1517", "#121d2f")


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def luminance(color: str) -> float:
    """Return the relative luminance of ``#rrggbb`` (WCAG 2.1 definition)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def worst_contrast(color: str, backgrounds: tuple[str, ...]) -> tuple[float, str]:
    """Return the lowest contrast of ``color`` on any of ``backgrounds``, and that background."""
    return min((contrast(color, bg), bg) for bg in backgrounds)


def nearest_passing(color: str, backgrounds: tuple[str, ...], minimum: float = MINIMUM) -> str | None:
    """Return the shade of ``color`` closest to it that reaches ``minimum`` on every background.

    The shade is mixed towards black on light backgrounds and towards white on dark ones, so
    the hue stays recognisable; None when even black or white would not do.
    """
    towards = (0, 0, 0) if luminance(backgrounds[0]) > 0.5 else (255, 255, 255)
    r, g, b = _rgb(color)
    for step in range(101):
        t = step / 100
        mixed = "#" + "".join(f"{round(c + (d - c) * t):02x}" for c, d in zip((r, g, b), towards, strict=True))
        if worst_contrast(mixed, backgrounds)[0] >= minimum:
            return mixed
    return None
