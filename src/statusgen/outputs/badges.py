"""(status view) -> status badges: SVG images and shields.io endpoint JSON.

``badge.svg`` shows the overall status, ``components/<id>/badge.svg`` one component's. Each
SVG names itself for screen readers (``role="img"``, ``aria-label`` and ``<title>``) and uses
the theme's status colours with text colours that keep at least 4.5:1 contrast. Text width
comes from a table of Verdana's advance widths, so no font is needed to build; ``textLength``
fits the text to its box whatever font the reader's browser picks.

The words are the theme's, in the site's language (keys under ``badge.``).

``badge.json`` and ``components/<id>/badge.json`` feed shields.io's endpoint badge
(https://shields.io/badges/endpoint-badge) for people who want its styles.
"""

from __future__ import annotations

import json
import unicodedata
from typing import NamedTuple

from markupsafe import escape

from .. import urls
from ..content.model import ComponentStatus
from ..view import Indicator, StatusView
from .context import RenderContext
from .words import Words


class Colours(NamedTuple):
    background: str
    text: str
    shields: str  # shields.io's named colour closest to ours


# The light palette of themes/default/static/style.css.
_OK = Colours("#1a7f37", "#fff", "brightgreen")
_DEGRADED = Colours("#d4a72c", "#1f2328", "yellow")
_PARTIAL = Colours("#e16f24", "#1f2328", "orange")
_MAJOR = Colours("#cf222e", "#fff", "red")
_MAINTENANCE = Colours("#0969da", "#fff", "blue")
LABEL_COLOURS = Colours("#555", "#fff", "grey")

INDICATOR_COLOURS = {
    Indicator.NONE: _OK, Indicator.MINOR: _DEGRADED, Indicator.MAJOR: _PARTIAL,
    Indicator.CRITICAL: _MAJOR, Indicator.MAINTENANCE: _MAINTENANCE,
}
COMPONENT_COLOURS = {
    ComponentStatus.OPERATIONAL: _OK, ComponentStatus.UNDER_MAINTENANCE: _MAINTENANCE,
    ComponentStatus.DEGRADED_PERFORMANCE: _DEGRADED, ComponentStatus.PARTIAL_OUTAGE: _PARTIAL,
    ComponentStatus.MAJOR_OUTAGE: _MAJOR,
}

# Advance widths of Verdana at 11 px, the badge font; other characters count as an average
# letter, or a full em when East Asian wide.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@[\\]^_`{|}~",
    (3.87, 4.33, 5.05, 9.0, 6.98, 11.84, 7.99, 2.95, 4.99, 4.99, 6.98, 9.0, 4.0, 4.99, 4.0, 4.99,
     *([6.98] * 10), 4.99, 4.99, 9.0, 9.0, 9.0, 5.99, 11.0, 4.99, 4.99, 4.99, 9.0, 6.98, 6.98, 6.98,
     4.99, 6.98, 9.0), strict=True,
))
_WIDTHS.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    7.52, 7.54, 7.68, 8.48, 6.96, 6.32, 8.53, 8.27, 4.62, 5.0, 7.62, 6.12, 9.27, 8.23, 8.66, 6.63, 8.66,
    7.65, 7.52, 6.78, 8.05, 7.52, 10.88, 7.54, 6.77, 7.54), strict=True))
_WIDTHS.update(zip("abcdefghijklmnopqrstuvwxyz", (
    6.61, 6.85, 5.73, 6.85, 6.55, 3.87, 6.85, 6.96, 3.02, 3.79, 6.51, 3.02, 10.7, 6.96, 6.68, 6.85, 6.85,
    4.69, 5.73, 4.33, 6.96, 6.51, 8.99, 6.51, 6.51, 5.76), strict=True))
_PADDING = 6  # on each side of a text


def text_width(text: str) -> float:
    """Return the width of ``text`` in Verdana 11 px, as a badge lays it out."""
    total = 0.0
    for char in text:
        if char in _WIDTHS:
            total += _WIDTHS[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += 11.0
        else:
            total += 7.0
    return total


class Badges:
    """Makes the badges (keeps nothing between builds: they are quick)."""

    def render(self, ctx: RenderContext) -> dict[str, bytes]:
        return render_badges(ctx.view, ctx.words)


def render_badges(view: StatusView, words: Words) -> dict[str, bytes]:
    """Return every badge as ``{output path: bytes}``: the site's, then each component's."""
    site = view.site
    message = words.text(f"badge.indicator.{view.indicator.key}")
    out = _pair("", words.text("badge.label"), message, INDICATOR_COLOURS[view.indicator],
                words.text("badge.title", site=site.title, status=words.label(view.indicator)))
    for component in view.components.values():
        message = words.text(f"badge.component_status.{component.status.value}")
        out.update(_pair(component.path, component.name, message, COMPONENT_COLOURS[component.status],
                         words.text("badge.component_title", name=component.name, site=site.title,
                                    status=message)))
    return out


def _pair(folder: str, label: str, message: str, colours: Colours, title: str) -> dict[str, bytes]:
    endpoint = {"schemaVersion": 1, "label": label, "message": message, "color": colours.shields}
    return {
        urls.badge_svg(folder): svg(label, message, colours, title).encode("utf-8"),
        urls.badge_json(folder): (json.dumps(endpoint, ensure_ascii=False) + "\n").encode("utf-8"),
    }


def svg(label: str, message: str, colours: Colours, title: str) -> str:
    """Return a flat two-part badge, ``label`` on grey and ``message`` on ``colours``."""
    label_text, message_text = text_width(label), text_width(message)
    left = round(label_text + 2 * _PADDING)
    right = round(message_text + 2 * _PADDING)
    width = left + right
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20" '
        f'role="img" aria-label="{escape(title)}">\n'
        f"<title>{escape(title)}</title>\n"
        f'<rect width="{left}" height="20" fill="{LABEL_COLOURS.background}"/>\n'
        f'<rect x="{left}" width="{right}" height="20" fill="{colours.background}"/>\n'
        '<g font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle" '
        'text-rendering="geometricPrecision">\n'
        f'<text x="{left / 2:g}" y="14" fill="{LABEL_COLOURS.text}" textLength="{label_text:.1f}">'
        f"{escape(label)}</text>\n"
        f'<text x="{left + right / 2:g}" y="14" fill="{colours.text}" textLength="{message_text:.1f}">'
        f"{escape(message)}</text>\n"
        "</g>\n"
        "</svg>\n"
    )
