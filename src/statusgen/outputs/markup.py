"""Markdown from content files -> sanitised HTML.

Bodies come from YAML that many people edit; whatever they write, the page must never run
a script. Markdown is rendered with ``markdown`` and then cleaned with ``nh3`` (a
whitelist sanitiser), so raw HTML, event handlers and ``javascript:`` links are dropped.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any

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
        match_brackets_in_linear_time(self._md)

    def __call__(self, text: str) -> str:
        self._md.reset()
        return self._md.convert(text)


# -- bounding the time Markdown takes -------------------------------------------------------------
#
# Python-Markdown's link, image and reference patterns look for the `]` that closes each `[` by
# walking the text from it (``getText``). A `[` that is never closed is walked to the end of the
# text, once per pattern: 15,000 `[` took a minute, and deep `[[[...]]]` is quadratic too. The
# processors below find the closing bracket in a table made once per text instead, with exactly
# the same result (tests/test_markup.py compares the two on generated Markdown). The loader's
# limits bound what is left (content/format.py: MARKDOWN_LIMIT and the limits per text).

_BRACKET = re.compile(r"[\[\]]")
#: Python-Markdown's inline patterns that match brackets with ``getText``, and their priorities.
_BRACKET_PATTERNS = {"reference": 170, "link": 160, "image_link": 150, "image_reference": 140,
                     "short_reference": 130, "short_image_ref": 125}


class _BracketTable:
    """Where the `]` that closes each `[` of a text is, made once for the text it was last asked about.

    The inline patterns run over a text again and again, and each match replaces what it matched
    by a placeholder, *before* the position they go on from. So the table is kept by distance from
    the end of the text: it stays true for every `[` whose rest of the text is unchanged, which is
    checked (a C-speed comparison) before it is used.
    """

    def __init__(self) -> None:
        self._source = ""
        #: Distance from the end of ``_source`` of each `[` -> that of its closing `]`.
        self._close: dict[int, int] = {}

    def closing(self, data: str, opening: int) -> int | None:
        """Return the index in ``data`` of the `]` that closes the `[` at ``opening``, or None."""
        size = len(data)
        key = size - opening
        if data is not self._source and not (key <= len(self._source) and self._source.endswith(data[opening:])):
            self._rebuild(data)
        close = self._close.get(key)
        return None if close is None else size - close

    def _rebuild(self, data: str) -> None:
        size = len(data)
        close: dict[int, int] = {}
        opened: list[int] = []
        for match in _BRACKET.finditer(data):
            if match.group() == "[":
                opened.append(match.start())
            elif opened:
                close[size - opened.pop()] = size - match.start()
        self._source, self._close = data, close


def match_brackets_in_linear_time(md: markdown.Markdown) -> None:
    """Make the bracket matching of ``md``'s link, image and reference patterns take linear time.

    Each pattern is replaced by a subclass whose ``getText`` looks the closing bracket up in a
    :class:`_BracketTable` instead of walking the text; everything else is Python-Markdown's own.
    """
    table = _BracketTable()

    def get_text(self: Any, data: str, index: int) -> tuple[str, int, bool]:
        close = table.closing(data, index - 1)
        if close is None:
            return data[index:], len(data), False
        return data[index:close], close + 1, True

    for name, priority in _BRACKET_PATTERNS.items():
        stock = md.inlinePatterns[name]
        linear = type(f"Linear{type(stock).__name__}", (type(stock),), {"getText": get_text})
        md.inlinePatterns.register(linear(stock.pattern, md), name, priority)


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


def plain_text(text: str) -> str:
    """Return ``text`` (Markdown) as readable plain text, keeping paragraphs and list items on their lines.

    For places that show no markup, like a calendar event's description: ``**now**`` is
    ``now``, a link is its text followed by its address in parentheses.
    """
    cleaned = str(render(text)).replace("<li>", "<li>- ")
    cleaned = re.sub(r'<a href="([^"]*)"[^>]*>(.*?)</a>', lambda m: m.group(2) if m.group(2) == html.unescape(
        m.group(1)) else f"{m.group(2)} ({m.group(1)})", cleaned, flags=re.S)
    cleaned = re.sub(r"</(?:p|li|h[2-6]|pre|blockquote|tr)>|<br\s*/?>", "\n", cleaned)
    stripped = re.sub(r"<[^>]*>", "", cleaned)  # sanitised HTML: every < left is a tag
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in html.unescape(stripped).splitlines()]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return re.sub(r"(?m)^(- .*)\n\n(?=- )", r"\1\n", text)
