"""Markdown from content files -> sanitised HTML.

Bodies come from YAML that many people edit; whatever they write, the page must never run
a script. Markdown is rendered with ``markdown`` and then cleaned with ``nh3`` (a
whitelist sanitiser), so raw HTML, event handlers and ``javascript:`` links are dropped.
"""

from __future__ import annotations

import functools
import html
import re

import markdown
import nh3
from markupsafe import Markup

# What Markdown produces for ordinary prose, and nothing that can run or restyle the page.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Printable text with none of these characters, and no line that starts like a block (list,
# heading, quote, indented code), renders as one plain paragraph. Most status updates are like that,
# and skipping the Markdown parser for them makes big sites several times faster. A test
# checks that the shortcut gives the same bytes as the full path.
_MARKUP_CHARS = re.compile(r"[\\`*_{}\[\]<>()#+\-!|~&:=\n\t]|^\s|\s$|^\d+\.|  ")


class _Renderer:
    def __init__(self) -> None:
        self._md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")

    def __call__(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)


_renderer = _Renderer()


def _clean(rendered: str) -> str:
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def is_plain_prose(text: str) -> bool:
    """Return whether ``text`` renders as one paragraph of itself, escaped (the fast path)."""
    # isprintable() is False for line breaks, no-break spaces and other characters that
    # Markdown or the sanitiser would rewrite.
    return text.isprintable() and not _MARKUP_CHARS.search(text)


def render_full(text: str) -> str:
    """Render ``text`` through Markdown and the sanitiser, with no shortcut."""
    return _clean(_renderer(text))


@functools.lru_cache(maxsize=4096)
def render(text: str) -> Markup:
    """Return ``text`` (Markdown) as sanitised HTML, safe to put in a page."""
    if not text:
        return Markup("")
    if is_plain_prose(text):
        return Markup(f"<p>{html.escape(text, quote=False)}</p>")
    return Markup(render_full(text))


def plain(text: str) -> str:
    """Return the text of ``text`` (Markdown) without markup, for titles and summaries."""
    stripped = nh3.clean(_renderer(text), tags=set())
    return html.unescape(re.sub(r"\s+", " ", stripped)).strip()
