"""Sanitised HTML (a post's Markdown, rendered) -> each chat service's own markup, or plain text.

Bodies are written once, in Markdown, and rendered and sanitised by the build
(:mod:`statusgen.outputs.markup`), so only a small, known set of tags arrives here. Each
service formats text its own way, and each treats other characters as markup:

- Slack ``mrkdwn``: ``*bold*``, ``_italic_``, ``~strike~``, ``<url|text>``; ``&``, ``<`` and
  ``>`` are control characters and must be written as entities, or ``<!channel>`` in an
  update would ping everyone (Slack's "Formatting message text" reference).
- Discord: Markdown with ``**bold**``, ``*italic*``, ``~~strike~~`` and masked links
  ``[text](url)`` in embeds (Discord's "Message formatting" reference).
- Teams: Adaptive Card ``TextBlock`` text takes a Markdown subset: ``**bold**``, ``_italic_``,
  lists and ``[text](url)``, nothing else (Microsoft's "Text features in Adaptive Cards").
- plain text for the text part of e-mail: links written out after their text.

Text is escaped for the target, so what an author wrote is shown, never interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str
    bold: str
    italic: str
    strike: str
    bullet: str = "• "
    quote: str = "> "

    def escape(self, text: str) -> str:
        if self.name == "slack":
            return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        if self.name == "plain":
            return text
        # Markdown: a backslash before every character that could start markup.
        return re.sub(r"([\\`*_~\[\]()<>#|!])", r"\\\1", text)

    def link(self, href: str, text: str) -> str:
        if self.name == "slack":
            href = href.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
            return f"<{href}|{text}>" if text and text != href else f"<{href}>"
        if self.name == "plain":
            return f"{text} ({href})" if text and text != href else href
        href = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{text}]({href})" if text else f"<{href}>"

    def code(self, text: str) -> str:
        return text if self.name == "plain" else f"`{text.replace('`', 'ˋ')}`"

    def pre(self, text: str) -> str:
        return text if self.name == "plain" else f"```\n{text.replace('```', 'ˋˋˋ')}\n```"

    def wrap(self, mark: str, text: str) -> str:
        inner = text.strip()
        return f"{mark}{inner}{mark}" if mark and inner else text


SLACK = Dialect("slack", "*", "_", "~")
DISCORD = Dialect("discord", "**", "*", "~~")
TEAMS = Dialect("teams", "**", "_", "")
PLAIN = Dialect("plain", "", "", "", bullet="- ", quote="  ")

_CONTAINERS = {"", "ul", "ol", "blockquote", "table", "thead", "tbody", "tr"}
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "tr", "hr"}


class _Converter(HTMLParser):
    """Builds the converted text from frames: each open element collects its children's text."""

    def __init__(self, dialect: Dialect) -> None:
        super().__init__(convert_charrefs=True)
        self.d = dialect
        # (tag, attributes, pieces); the bottom frame is the document.
        self.frames: list[tuple[str, dict[str, str], list[str]]] = [("", {}, [])]
        self.counters: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.frames[-1][2].append("\n")
            return
        if tag == "hr":
            self.frames[-1][2].append("\n\n———\n\n")
            return
        if tag in ("ul", "ol"):
            self.counters.append(0)
        self.frames.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "hr") or len(self.frames) == 1:
            return
        # Close up to the matching element (the sanitiser gives well-formed HTML, but be lenient).
        while len(self.frames) > 1:
            name, attrs, pieces = self.frames.pop()
            self.frames[-1][2].append(self._close(name, attrs, "".join(pieces)))
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        inside = {name for name, _, _ in self.frames}
        if "pre" not in inside:
            if not data.strip() and self.frames[-1][0] in _CONTAINERS:
                return  # the line breaks between list items, rows, blocks
            data = re.sub(r"\s+", " ", data)
        # Code is shown as written; Slack still needs its three control characters as entities.
        literal = inside & {"pre", "code"} and self.d.name != "slack"
        self.frames[-1][2].append(data if literal else self.d.escape(data))

    def _close(self, tag: str, attrs: dict[str, str], text: str) -> str:
        d = self.d
        if tag in ("strong", "b"):
            return d.wrap(d.bold, text)
        if tag in ("em", "i"):
            return d.wrap(d.italic, text)
        if tag in ("del", "s"):
            return d.wrap(d.strike, text)
        if tag == "code":
            return text if any(name == "pre" for name, _, _ in self.frames) else d.code(text)
        if tag == "a":
            href = attrs.get("href", "")
            return d.link(href, text.strip()) if href else text
        if tag == "pre":
            return f"\n\n{d.pre(text.strip(chr(10)))}\n\n"
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            return f"\n\n{d.wrap(d.bold, text)}\n\n"
        if tag in ("ul", "ol"):
            self.counters.pop()
            return f"\n\n{text.strip(chr(10))}\n\n"
        if tag == "li":
            depth = max(len(self.counters) - 1, 0)
            parent = next((name for name, _, _ in reversed(self.frames) if name in ("ul", "ol")), "ul")
            if self.counters:
                self.counters[-1] += 1
            mark = f"{self.counters[-1]}. " if parent == "ol" and self.counters else d.bullet
            lines = _squeeze(text).split("\n")
            indent = "  " * depth
            body = "\n".join([lines[0]] + [indent + "  " + line for line in lines[1:]])
            return f"{indent}{mark}{body}\n"
        if tag == "blockquote":
            return "\n\n" + "\n".join(d.quote + line for line in _squeeze(text).split("\n")) + "\n\n"
        if tag in ("td", "th"):
            return text.strip() + " | "
        if tag == "tr":
            return text.rstrip(" |") + "\n"
        if tag in _BLOCKS or tag == "table":
            return f"\n\n{text.strip()}\n\n"
        return text

    def result(self) -> str:
        while len(self.frames) > 1:
            self.handle_endtag(self.frames[-1][0])
        return _squeeze("".join(self.frames[0][2]))


def _squeeze(text: str) -> str:
    """Trim each line's end, keep at most one blank line between blocks, and trim the whole."""
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n").strip()


def convert(html: str, dialect: Dialect) -> str:
    """Return sanitised ``html`` as text in ``dialect``."""
    parser = _Converter(dialect)
    parser.feed(html)
    parser.close()
    return parser.result()


def shorten(text: str, limit: int, more: str) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a line or word end, ``more`` appended."""
    if len(text) <= limit:
        return text
    room = max(limit - len(more) - 2, 0)
    cut = text[:room]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at > room // 2:
            cut = cut[:at]
            break
    return cut.rstrip() + "…\n" + more


def escape(text: str, dialect: Dialect) -> str:
    """Return plain ``text`` (a title, a name) escaped for ``dialect``."""
    return dialect.escape(text)
