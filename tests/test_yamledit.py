"""Appending to YAML by hand, exactly: every byte of the file kept, the new item read back as meant."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.authoring.yamledit import (
    Block,
    EditError,
    Raw,
    append_item,
    inline_text,
    normalize_text,
    render_document,
)

ITEM = [("at", Raw("2026-11-25T12:00:00+01:00")), ("status", Raw("identified")), ("body", Block("Found it."))]
NEW_LINES = """\
  - at: 2026-11-25T12:00:00+01:00
    status: identified
    body: Found it.
"""


def read(text: str):  # type: ignore[no-untyped-def]
    return yaml.load(text, Loader=yaml.BaseLoader)


@pytest.mark.parametrize("before,after", [
    pytest.param(
        "title: X\nupdates:\n  - at: 1\n    body: |\n      a\n\n      b\n\n# note\nend: 1\n",
        "title: X\nupdates:\n  - at: 1\n    body: |\n      a\n\n      b\n" + NEW_LINES + "\n# note\nend: 1\n",
        id="after a block scalar, before its trailing blank line and comment"),
    pytest.param(
        "updates:\n  - at: 1\n    body: x   # comment\n",
        "updates:\n  - at: 1\n    body: x   # comment\n" + NEW_LINES,
        id="trailing comment stays on its line"),
    pytest.param(
        "updates:\n- {at: 1, body: x}\n",
        "updates:\n- {at: 1, body: x}\n" + NEW_LINES.replace("\n  ", "\n").removeprefix("  "),
        id="indentless flow items: block item at the same column"),
    pytest.param(
        "updates:\n    -   at: 1\n",
        "updates:\n    -   at: 1\n" + NEW_LINES.replace("  - ", "    -   ").replace("    status", "        status")
        .replace("    body", "        body"),
        id="wide indentation copied"),
    pytest.param(
        "updates:\n  - at: 1\n\n  - at: 2\n",
        "updates:\n  - at: 1\n\n  - at: 2\n\n" + NEW_LINES,
        id="blank lines between items are kept up"),
    pytest.param(
        "title: X\n", "title: X\nupdates:\n" + NEW_LINES, id="no list yet"),
    pytest.param(
        "title: X", "title: X\nupdates:\n" + NEW_LINES, id="no final line break"),
    pytest.param(
        "title: X\nupdates:   # none yet\nend: 1\n", "title: X\nupdates:   # none yet\n" + NEW_LINES + "end: 1\n",
        id="empty value, comment kept"),
    pytest.param("updates: ~\n", "updates:\n" + NEW_LINES, id="null"),
    pytest.param("updates: []\n", "updates:\n" + NEW_LINES, id="empty flow list"),
    pytest.param(
        "updates: [{at: 1}]  # c\n",
        "updates: [{at: 1}, {at: 2026-11-25T12:00:00+01:00, status: identified, body: \"Found it.\"}]  # c\n",
        id="non-empty flow list: a flow item"),
    pytest.param(
        "updates:\n  - at: 1\n    body: |+\n      keep\n\nend: 1\n",
        "updates:\n  - at: 1\n    body: |+\n      keep\n\n" + NEW_LINES + "end: 1\n",
        id="a kept trailing blank line belongs to the block"),
])
def test_append_keeps_every_byte(before: str, after: str) -> None:
    assert append_item(before, "updates", ITEM) == after


def test_line_endings_are_kept() -> None:
    before = "title: X\r\nupdates:\r\n  - at: 1\r\n"
    assert append_item(before, "updates", ITEM) == before + NEW_LINES.replace("\n", "\r\n")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "{updates: []}\n", "updates: {a: 1}\n"])
def test_refuses_what_it_cannot_edit(text: str) -> None:
    with pytest.raises(EditError):
        append_item(text, "updates", ITEM)


@pytest.mark.parametrize("body", [
    "Fixed: mostly", "# not a comment", "'single' and \"double\" quotes", "- not a list", "Unicode: é ✓ 😀",
    "yes", "123", "null", "~", "@someone", "`code`", "50% of requests", "{braces}", "[brackets]", "a, b: c",
    "line one\n\nline three", "  indented code\nnext", "trailing spaces  \nhard break", "tab\there",
    "a\u2028b", "ends with a colon:", "key: value\n- item\n# heading", "---", "...", "&anchor *alias !tag",
])
def test_text_reads_back_exactly(body: str) -> None:
    title = " ".join(body.split())  # titles are one line (the commands make them so)
    item = [("at", Raw("1")), ("body", Block(body)), ("title", title)]
    text = append_item("updates:\n  - at: 0\n", "updates", item)
    last = read(text)["updates"][-1]
    assert last["body"].strip("\n") == normalize_text(body)
    assert last["title"] == title
    assert yaml.safe_load(text)["updates"][-1]["title"] == title, "no implicit type: text stays text"


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=60))
def test_any_text_reads_back(body: str) -> None:
    text = append_item("title: X\nupdates:\n  - at: 0\n", "updates", [("at", Raw("1")), ("body", Block(body))])
    assert read(text)["updates"][-1]["body"].strip("\n") == normalize_text(body)


def test_markdown_that_cannot_be_plain_becomes_a_block() -> None:
    text = render_document([("title", "a: b"), ("body", Block("Fixed: mostly")), ("note", Block("plain"))])
    assert text == "title: 'a: b'\nbody: |\n  Fixed: mostly\nnote: plain\n"


def test_inline_text() -> None:
    assert inline_text("Acme Status") == "Acme Status"
    assert inline_text("Acme: Status") == "'Acme: Status'"
    with pytest.raises(ValueError):
        inline_text("two\nlines")
