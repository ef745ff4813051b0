"""Markdown bodies: rendered, and never able to run a script."""

from __future__ import annotations

import time

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen.outputs import markup

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<object data=evil.swf></object>",
    "<form action=https://evil.example><input name=p></form>",
    '<p onclick="alert(1)">hi</p>',
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "<style>body{display:none}</style>",
    "[x](vbscript:msgbox(1))",
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_no_script_survives(text: str) -> None:
    html = str(markup.render(text)).lower()
    for bad in ("<script", "onerror", "onload", "onclick", "javascript:", "vbscript:", "<iframe", "<svg",
                "<object", "<form", "<input", "<meta", "<style", "style=", "data:text"):
        assert bad not in html, (text, html)


def test_markdown_is_rendered() -> None:
    html = markup.render("**Bold** and a [link](https://example.com/x).\n\n- one\n- two")
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.com/x" rel="noopener noreferrer nofollow">link</a>' in html
    assert "<ul>\n<li>one</li>" in html


def test_plain_text_is_escaped() -> None:
    assert markup.render("a < b & c > d") == "<p>a &lt; b &amp; c &gt; d</p>"


def test_headings_in_bodies_cannot_be_h1() -> None:
    assert "<h1" not in markup.render("# Big")


# The shortcut for plain prose must give exactly what the full path gives.
PROSE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=80)
SPACES = st.text(alphabet="ab \xa0\u2028\u3000\r\x0c\t,.'\"?;/%$@09é", min_size=1, max_size=40)


@given(PROSE)
def test_shortcut_matches_full_render(text: str) -> None:
    assert str(markup.render(text)) == markup.render_full(text)


@given(SPACES)
def test_shortcut_matches_full_render_on_spaces_and_punctuation(text: str) -> None:
    assert str(markup.render(text)) == markup.render_full(text)


@pytest.mark.parametrize("text", ["a\xa0b", "a\rb", "x\u2028y", "a\x0cb", "tab\there", "é ü 日本", "50% off"])
def test_shortcut_edge_cases(text: str) -> None:
    markup.render.cache_clear()
    assert str(markup.render(text)) == markup.render_full(text)


def test_plain_strips_markup() -> None:
    assert markup.plain("**Bold** [link](https://x.example) <b>x</b> &amp;") == "Bold link x &"


# -- Markdown in bounded time: the bracket matching of links, images and references ---------------

def _stock_markdown() -> markdown.Markdown:
    """Python-Markdown as it comes, configured as statusgen's renderer is."""
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


_STOCK = _stock_markdown()


def _stock_render(text: str) -> str:
    _STOCK.reset()
    return markup._clean(_STOCK.convert(text))


#: Pieces that exercise every rule around brackets: links, images, references and their
#: definitions, nesting, escapes, code spans and blocks, raw HTML, autolinks, titles in quotes.
BRACKETY = st.lists(st.sampled_from([
    "[", "]", "(", ")", "![", "](", "][", "] [", "\\[", "\\]", "\\\\", "`", "``", "<", ">", "<a href='x'>",
    "</a>", "<http://x.example/[a]>", '"', "'", " ", "\n", "\n\n", "    ", "- ", "> ", "1. ", "a", "ref", "x y",
    "http://e.example/", "[ref]: http://r.example/ 'T'\n", "\n[ref]: <http://r.example/>\n", "*", "_", "|", "&amp;",
    "<![CDATA[", "]]>", "<!--", "-->", "\t",
]), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(BRACKETY)
def test_linear_bracket_matching_renders_exactly_what_python_markdown_does(text: str) -> None:
    """The bound changes no output: the table gives the closing bracket the walk would find."""
    assert markup.render_full(text) == _stock_render(text)


@pytest.mark.parametrize("text", [
    "[a](b) [x [y] z](u) [[[q]]] [ref] ![i](s) [ref][] [ref] [x]\n\n[ref]: http://r.example/",
    "[" * 50 + "a" + "]" * 49, "`[` [a](b) \\[x](y) [z\\](w)", "<span title='['>[a](b)</span> [c]",
    "[a [b](c) d] [e](f [g) h)", "- [a\n- b](c)\n\n> [d\n> e](f)",
])
def test_linear_bracket_matching_on_examples(text: str) -> None:
    assert markup.render_full(text) == _stock_render(text)


def test_linear_bracket_matching_replaces_every_pattern_at_its_priority() -> None:
    stock = {item.name: item.priority for item in _stock_markdown().inlinePatterns._priority}
    ours = {item.name: item.priority for item in markup._renderer._md.inlinePatterns._priority}
    assert ours == stock
    assert {name: stock[name] for name in markup._BRACKET_PATTERNS} == markup._BRACKET_PATTERNS


@pytest.mark.parametrize("text", ["[" * 15_000, "[^" * 10_000, "![" * 10_000, "[" * 10_000 + "]" * 10_000,
                                  "[" * 10_000 + "x" * 9_999 + "]"])
def test_unmatched_and_nested_brackets_render_at_once(text: str) -> None:
    """Quadratic in Python-Markdown (15,000 `[` took a minute): each takes milliseconds now."""
    started = time.process_time()
    markup.render_full(text)
    assert time.process_time() - started < 5.0  # a hang guard; it takes well under 0.1 s


@pytest.mark.parametrize("text", [
    "- " * 32 + "x", "> " * 32 + "x", "1. " * 32 + "x", "- > " * 16 + "x", "* 1. > " * 10 + "x",
    "".join(" " * (4 * i) + "- x\n" for i in range(32)), "".join("> " * i + "x\n\n" for i in range(1, 33)),
])
def test_markdown_at_the_nesting_limit_renders(text: str) -> None:
    """What the loader lets through (content/limits.py: NESTING_LIMIT) is far from Python's recursion limit."""
    from statusgen.content.limits import NESTING_LIMIT, nesting_of

    assert nesting_of(text)[0] <= NESTING_LIMIT
    assert markup.render_full(text)
