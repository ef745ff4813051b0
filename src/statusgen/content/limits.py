"""The limits of the format: how big a file or a text may be, so that reading and rendering stay fast.

Every content file is read, and every Markdown text rendered, within a bounded time whatever
it holds: the limits here keep the cases where Markdown takes more than linear time small
(docs/format.md, "Limits"). Each is far above what a real incident, maintenance or
commitment needs, and is refused with its position and a hint, in `check` as in `build`.
"""

from __future__ import annotations

import re

#: The largest content file (and site.yaml) read, in bytes: 1 MiB, a hundred times a long incident.
FILE_LIMIT = 1 << 20
#: The longest Markdown text (an update, a workaround, a postmortem), in characters: about 3,000 words.
MARKDOWN_LIMIT = 20_000
#: The most links and images (``](``) one content file may hold.
LINK_LIMIT = 500
#: The most ``<`` (HTML tags, autolinks, comparisons) one content file may hold.
ANGLE_LIMIT = 500
#: The deepest nesting of lists and quotes in a Markdown text (Python-Markdown recurses per level).
NESTING_LIMIT = 32

#: One list marker or quote at the start of what is left of a line: its indentation, then the marker and
#: the space after it (which belongs to the marker).
_CONTAINER = re.compile(r"([ \t]*)(?:>[ \t]?|[-*+][ \t]|\d{1,9}[.)][ \t])")


#: A line that starts a list or quote, whole.
_CONTAINER_LINE = re.compile(r"^[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t]).*$", re.M)
#: Where nesting can be deep at all: two markers at the start of a line, or a marker after eight or
#: more blanks (one marker after less indentation nests at most 1 + 31 // 4 = 8 levels).
_MAYBE_DEEP = re.compile(r"^[ \t]*(?:>[ \t]?|[-*+][ \t]|\d{1,9}[.)][ \t])[ \t]*(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])"
                         r"|^[ \t]{8,}(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])", re.M)


def too_deep(text: str) -> tuple[int, int] | None:
    """Return (nesting, line) of ``text`` when it nests lists and quotes deeper than NESTING_LIMIT, else None."""
    if _MAYBE_DEEP.search(text) is None:  # almost every text: at C speed
        return None
    depth, line = nesting_of(text)
    return (depth, line) if depth > NESTING_LIMIT else None


def nesting_of(text: str) -> tuple[int, int]:
    """Return the deepest nesting of lists and quotes that a line of ``text`` opens, and that line (1-based).

    A line's nesting is the number of list markers and ``>`` it starts with, plus its indentation
    in steps of four columns (how Python-Markdown nests); a line that starts no list or quote
    opens none, however it is indented.
    """
    deepest, at = 0, 0
    for found in _CONTAINER_LINE.finditer(text):  # most texts have no such line: C speed
        line = found.group()
        if len(line) <= deepest:  # each level takes a character at least
            continue
        markers, pos, indent = 0, 0, 0
        while (marker := _CONTAINER.match(line, pos)) is not None:
            spaces = marker.group(1)
            indent += spaces.count(" ") + 4 * spaces.count("\t")
            markers += 1
            pos = marker.end()
        depth = markers + indent // 4
        if depth > deepest:
            deepest, at = depth, found.start()
    return deepest, text.count("\n", 0, at) + 1 if deepest else 0


def excess(text: str, needle: str, limit: int) -> int | None:
    """Return the index of the occurrence of ``needle`` in ``text`` past ``limit`` of them, if there is one."""
    if text.count(needle) <= limit:
        return None
    index = -1
    for _ in range(limit + 1):
        index = text.index(needle, index + 1)
    return index
