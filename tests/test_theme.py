"""The default theme: message catalogs, languages, customising, colours and the home page budget."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import icalendar
import jinja2
import pytest
from click.testing import CliRunner

from statusgen.build import build
from statusgen.cli import cli
from statusgen.content import colors
from statusgen.content import format as schema
from statusgen.outputs.i18n import CatalogError, Messages, placeholders, read_catalog
from statusgen.outputs.theme import Theme
from statusgen.resources import default_theme_dir, shipped_languages

from .conftest import EXAMPLE_SITE, NOW, NOW_TEXT, ROOT, published

THEME = default_theme_dir()
MESSAGES = THEME / "messages"
ENGLISH = read_catalog(MESSAGES / "en.yaml")
TRANSLATIONS = [lang for lang in shipped_languages() if lang != "en"]
CUSTOM_SITE = ROOT / "docs" / "custom-theme-example"
BERLIN = ZoneInfo("Europe/Berlin")


def _shape(message: object) -> str:
    return "plural" if isinstance(message, dict) else "list" if isinstance(message, list) else "text"


def _forms(message: object) -> list[str]:
    if isinstance(message, dict):
        return list(message.values())
    return list(message) if isinstance(message, list) else [str(message)]


def _site_in(language: str, tmp_path: Path) -> Path:
    site = tmp_path / f"site-{language}"
    shutil.copytree(EXAMPLE_SITE, site)
    site_yaml = site / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    assert "\nlanguage: en" in text
    site_yaml.write_text(text.replace("\nlanguage: en", f"\nlanguage: {language}"), encoding="utf-8")
    return site


# -- catalogs ---------------------------------------------------------------------------------------


def test_languages_are_the_catalogs_of_the_default_theme() -> None:
    assert set(shipped_languages()) >= {"en", "de", "fr", "es"}
    assert schema.SITE.fields["language"].kind.json_schema() == {"enum": list(shipped_languages())}


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_catalog_has_the_keys_placeholders_and_forms_of_english(language: str) -> None:
    catalog = read_catalog(MESSAGES / f"{language}.yaml")
    assert sorted(catalog.keys() - ENGLISH.keys()) == [], "keys English does not have"
    assert sorted(ENGLISH.keys() - catalog.keys()) == [], "keys not translated"
    for key, english in ENGLISH.items():
        assert _shape(catalog[key]) == _shape(english), key
        assert placeholders(catalog[key]) == placeholders(english), key
        if isinstance(english, dict):
            assert set(catalog[key]) == set(english), f"{key}: plural forms"
            for form in catalog[key].values():
                assert placeholders(form) == placeholders(english["other"]) - {"n"} | (
                    {"n"} & placeholders(form)), key
        if isinstance(english, list):
            assert len(catalog[key]) == len(english), key
        # Markup a translator may use must be balanced, or a page's HTML breaks.
        for text in _forms(catalog[key]):
            assert text.count("<strong>") == text.count("</strong>"), key


def _template_keys() -> set[str]:
    """Return the message keys the templates name in the first argument of ``_()``, prefixes left out."""
    keys = set()
    for template in (THEME / "templates").glob("*.html"):
        for first in re.findall(r"""\b_\(([^,)]*)""", template.read_text(encoding="utf-8")):
            keys |= {k for k in re.findall(r'"([a-z0-9_.]+)"', first) if "." in k and not k.endswith((".", "_"))}
    return keys


def test_every_message_a_template_names_exists_and_every_message_is_used() -> None:
    named = _template_keys()
    assert sorted(named - ENGLISH.keys()) == []
    # Messages chosen by name at render time: labels (the `label` filter), formats, the script's,
    # the ledger rows and the overdue sentences (built from a prefix in the template); and what
    # `statusgen notify` and widget.js say, which tests/test_notify.py and test_widget.py check.
    dynamic = ("label.", "date.", "number.", "duration.", "js.", "commitments.ledger.", "next.past_",
               "incident.impact_level.", "incident.impact_raised", "incident.impact_lowered", "commitment.scope_",
               "notify.", "widget.")
    unused = sorted(k for k in ENGLISH.keys() - named if not k.startswith(dynamic + OUTPUT_SECTIONS))
    assert unused == []


# The words of feeds, the calendar and badges: named by the code of outputs/, some by a prefix
# and a value (f"feed.maintenance.{status}").
OUTPUT_SECTIONS = ("feed.", "calendar.", "badge.")


def test_every_message_of_feeds_calendar_and_badges_is_used_and_exists() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "statusgen" / "outputs").glob("*.py"))
    named = set(re.findall(r"""["']((?:feed|calendar|badge)\.[a-z0-9_.]*)""", source))
    exact = {k for k in named if not k.endswith(".")}
    prefixes = tuple(k for k in named if k.endswith("."))
    assert sorted(exact - ENGLISH.keys()) == []
    assert all(any(k.startswith(p) for k in ENGLISH) for p in prefixes)
    unused = sorted(k for k in ENGLISH if k.startswith(OUTPUT_SECTIONS) and k not in exact
                    and not k.startswith(prefixes))
    assert unused == []


def test_every_word_of_the_script_comes_from_the_catalog() -> None:
    script = (THEME / "static" / "status.js").read_text(encoding="utf-8")
    used = set(re.findall(r"""\bt\("([a-z_]+)\"""", script))
    assert used == {k[3:] for k in ENGLISH if k.startswith("js.")}
    # No words for readers in the code itself (comments aside): only a directive and a class name.
    code = re.sub(r"//[^\n]*", "", script)
    literals = re.findall(r'"([^"\\]*)"', code)
    assert [s for s in literals if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", s)] == ["use strict", "notice stale"]


def test_a_duplicate_key_in_a_catalog_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text("nav:\n  status: Status\n  status: Statut\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"en.yaml:3: the key 'nav.status' is given twice"):
        read_catalog(path)


def test_catalog_text_stays_text(tmp_path: Path) -> None:
    """YAML 1.1 reads `No` and `on` as booleans; a catalog keeps every word as written."""
    path = tmp_path / "en.yaml"
    path.write_text("answer:\n  no: No\n  yes: On\n", encoding="utf-8")
    assert read_catalog(path) == {"answer.no": "No", "answer.yes": "On"}


def test_a_missing_message_names_the_catalogs_searched(tmp_path: Path) -> None:
    messages = Messages.load([tmp_path, THEME], "de")
    with pytest.raises(CatalogError, match=r"no message 'nope' in .*themes/default/messages/de.yaml"):
        messages.text("nope")


# -- dates, numbers, plurals --------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ["25 Nov 2026, 12:35 CET", "25 Nov 2026", "25 Nov", "November 2026", "12:35 CET"]),
    ("de", ["25. Nov. 2026, 12:35 CET", "25. Nov. 2026", "25. Nov.", "November 2026", "12:35 CET"]),
    ("fr", ["25 nov. 2026 à 12:35 CET", "25 nov. 2026", "25 nov.", "novembre 2026", "12:35 CET"]),
    ("es", ["25 nov 2026, 12:35 CET", "25 nov 2026", "25 nov", "noviembre de 2026", "12:35 CET"]),
])
def test_dates_are_formatted_for_the_language(language: str, expected: list[str]) -> None:
    messages = Messages.load([THEME], language)
    when = dt.datetime(2026, 11, 25, 12, 35, tzinfo=BERLIN)
    styles = ["datetime", "date", "day_month", "month_year", "time_zone"]
    assert [messages.format_date(when if s != "date" else when.date(), s) for s in styles] == expected


def test_summer_time_and_march_in_german() -> None:
    messages = Messages.load([THEME], "de")
    when = dt.datetime(2026, 3, 30, 9, 5, tzinfo=BERLIN)
    assert messages.format_date(when, "datetime") == "30. März 2026, 09:05 CEST"


@pytest.mark.parametrize(("language", "percent", "duration", "days"), [
    ("en", "99.95%", "1 day 2 h", "2 days"),
    ("de", "99,95\u00a0%", "1 Tag 2 Std.", "2 Tage"),
    ("fr", "99,95\u202f%", "1 jour 2 h", "2 jours"),
    ("es", "99,95\u00a0%", "1 día 2 h", "2 días"),
])
def test_numbers_and_durations(language: str, percent: str, duration: str, days: str) -> None:
    messages = Messages.load([THEME], language)
    assert messages.format_percent(0.99951) == percent
    assert messages.format_percent(1.0) == messages.text("number.percent", n="100")
    assert messages.format_duration(dt.timedelta(days=1, hours=2, minutes=10)) == duration
    assert messages.format_duration(dt.timedelta(days=2)) == days


def test_french_counts_zero_as_singular() -> None:
    messages = Messages.load([THEME], "fr")
    assert messages.text("history.incidents_count", n=0) == "0 incident"
    assert messages.text("history.incidents_count", n=2) == "2 incidents"
    assert Messages.load([THEME], "en").text("history.incidents_count", n=0) == "0 incidents"


# -- built pages in another language ----------------------------------------------------------------


@pytest.fixture(scope="module")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("german")
    out = tmp / "public"
    build(_site_in("de", tmp), out, now=NOW, jobs=1)
    return out


def _english_phrases() -> set[str]:
    """Every English sentence and phrase of the catalog of 8 characters or more.

    Phrases that the example's own (English) content also uses are left out: content is not
    translated. What is left are the theme's words, which must all be in the site's language.
    """
    content = "\n".join(p.read_text(encoding="utf-8") for p in EXAMPLE_SITE.rglob("*.yaml"))
    phrases = set()
    for key, message in ENGLISH.items():
        if key.startswith(("date.", "number.", "list.", "window.")):
            continue  # formats, not words
        for text in _forms(message):
            text = re.sub(r"<code>.*?</code>", " ", text)  # code (a header name) is the same in every language
            for piece in re.split(r"\{[a-z_]+\}|<[^>]+>", html.unescape(text)):
                piece = piece.strip(" .,:;()“”[]-")
                if len(piece) >= 8 and piece not in content:
                    phrases.add(piece)
    assert len(phrases) > 200
    return phrases


def _english_in(root: Path, pattern: str) -> list[str]:
    phrases = _english_phrases()
    found = []
    for path in sorted(root.rglob(pattern)):
        text = html.unescape(path.read_text(encoding="utf-8")).replace("\\,", ",").replace("\r\n ", "")
        found += [f"{path.relative_to(root)}: {p!r}" for p in sorted(phrases) if p in text]
    return found


def test_german_pages_contain_no_english_words_of_the_theme(german_site: Path) -> None:
    assert _english_in(german_site, "*.html") == []


@pytest.mark.parametrize("pattern", ["*.xml", "*.ics", "badge.*"])
def test_german_feeds_calendar_and_badges_contain_no_english_words_of_the_theme(
        german_site: Path, pattern: str) -> None:
    """The same for what people read outside the pages (the sitemap has no words)."""
    assert _english_in(german_site, pattern) == []


def test_german_feeds_calendar_and_badges_speak_german(german_site: Path) -> None:
    feed = feedparser.parse((german_site / "components" / "api" / "atom.xml").read_bytes())
    assert not feed.bozo
    assert feed.feed.language == "de"
    assert feed.feed.subtitle == "Alle Meldungen zu Störungen und Wartungsarbeiten, die Public API betreffen."
    titles = [e.title for e in feed.entries]
    assert "[Ursache gefunden] Elevated API latency in eu-west" in titles
    first = next(e for e in feed.entries if e.id.endswith("2026-11-20-api-latency/#update-1"))
    assert "Status der Komponenten: Public API (Eingeschränkte Leistung)." in first.content[0].value
    assert "Was Sie ab dieser Meldung tun können:" in first.content[0].value
    assert "Nächste Meldung zugesagt bis 20. Nov. 2026, 09:50 CET." in first.content[0].value
    commitments = feedparser.parse((german_site / "commitments" / "atom.xml").read_bytes())
    assert not commitments.bozo and commitments.feed.title == "Zusagen · Acme Cloud Status"
    assert any(e.title.startswith("[Zusage geplant] ") for e in commitments.entries)

    cal = icalendar.Calendar.from_ical((german_site / "maintenance.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Acme Cloud Status: Wartungsarbeiten"
    events = {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}
    upcoming = events["maintenance-2026-12-02-postgres-upgrade"]
    assert str(upcoming["SUMMARY"]).startswith("Wartung: ")
    assert str(events["maintenance-2026-11-18-postgres-upgrade"]["SUMMARY"]).startswith("Abgesagt: Wartung: ")
    assert "Zeitraum: 2. Dez. 2026, 01:00 CET – 04:00 CET (3 Std.)" in str(upcoming["DESCRIPTION"])
    assert "Betrifft: Managed databases (In Wartung)" in str(upcoming["DESCRIPTION"])

    badge = ET.parse(german_site / "badge.svg").getroot()
    texts = [e.text for e in badge.iter("{http://www.w3.org/2000/svg}text")]
    assert texts == ["Status", "teilweiser Systemausfall"]
    assert badge.get("aria-label") == "Acme Cloud Status: Teilweiser Systemausfall"
    endpoint = json.loads((german_site / "components" / "api" / "badge.json").read_text(encoding="utf-8"))
    assert endpoint["message"] in {"betriebsbereit", "eingeschränkte Leistung", "teilweiser Ausfall"}


def test_german_pages_say_so_and_show_german_dates(german_site: Path) -> None:
    home = (german_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de">' in home
    assert "<h1 id=\"overall\"><span class=\"sym\" aria-hidden=\"true\">◐</span> Teilweiser Systemausfall</h1>" in home
    assert ('<span class="due-ahead">Nächste Meldung bis <time datetime="2026-11-25T11:35:00Z">25. Nov. 2026, '
            '12:35 CET</time><span class="countdown"></span>.</span>') in home
    assert '"stale_title":"Diese Seite ist möglicherweise veraltet."' in home
    month = (german_site / "history" / "2026" / "11" / "index.html").read_text(encoding="utf-8")
    assert "<title>November 2026 · Acme Cloud Status</title>" in month
    assert "<h1>November 2026</h1>" in month


def test_the_json_api_keeps_statuspages_english(german_site: Path) -> None:
    status = (german_site / "api" / "v2" / "status.json").read_text(encoding="utf-8")
    assert '"description": "Partial System Outage"' in status


# -- customising --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def custom_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("custom") / "public"
    build(CUSTOM_SITE, out, now=NOW, jobs=1)
    return out


def test_an_override_changes_single_blocks_of_the_default_template(custom_site: Path) -> None:
    home = (custom_site / "index.html").read_text(encoding="utf-8")
    # theme/templates/index.html: the banner block extended with super(), responsiveness left out.
    assert re.search(r'</section>\s*<p class="northwind-note">Shipping from a warehouse\?', home)
    assert 'id="overall"' in home and 'id="responsiveness"' not in home
    assert 'id="components"' in home  # the rest of the default page is there


def test_a_base_override_reaches_every_page(custom_site: Path) -> None:
    for page in ["index.html", "history/index.html", "expect/index.html", "404.html"]:
        text = (custom_site / page).read_text(encoding="utf-8")
        assert "<p>Urgent? Call +1 555 0100, around the clock.</p>" in text, page


def test_custom_css_logo_colours_and_messages(custom_site: Path) -> None:
    home = (custom_site / "index.html").read_text(encoding="utf-8")
    style, custom, logo, logo_dark = (published(f"static/{name}", CUSTOM_SITE)
                                      for name in ("style.css", "custom.css", "logo.svg", "logo-dark.svg"))
    assert f'<link rel="stylesheet" href="{style}">\n<link rel="stylesheet" href="{custom}">' in home
    assert (custom_site / custom).read_bytes() == (CUSTOM_SITE / "theme" / "static" / "custom.css").read_bytes()
    assert (f'<picture><source srcset="{logo_dark}" media="(prefers-color-scheme: dark)">'
            f'<img class="logo" src="{logo}" alt="Northwind Status"></picture>') in home
    assert (custom_site / logo).read_bytes() == (CUSTOM_SITE / "logo.svg").read_bytes()
    assert (custom_site / logo_dark).is_file()
    assert "--accent:#6d3a91" in home and "--accent:#c9a2e8" in home
    # theme/messages/en.yaml rewords one message; the others stay the default theme's.
    assert '<a href="expect/index.html">Our promises</a>' in home
    assert ">Commitments</a>" in home


def test_the_default_site_links_no_custom_css(tmp_path: Path) -> None:
    build(EXAMPLE_SITE, tmp_path / "out", now=NOW, jobs=1)
    home = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "custom.css" not in home and "<style>" not in home and 'class="logo"' not in home


def test_site_theme_static_files_override_and_add(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "style.css").write_text("body{}")
    (tmp_path / "static" / "extra.txt").write_text("x")
    assets = dict(Theme([tmp_path, THEME]).assets())
    assert assets["static/style.css"] == tmp_path / "static" / "style.css"
    assert assets["static/extra.txt"] == tmp_path / "static" / "extra.txt"
    assert assets["static/status.js"] == THEME / "static" / "status.js"


def test_a_missing_template_names_every_folder_searched(tmp_path: Path) -> None:
    env = Theme([tmp_path, THEME]).environment(BERLIN)
    with pytest.raises(jinja2.TemplateNotFound) as found:
        env.get_template("nope.html")
    assert str(tmp_path / "templates") in found.value.message
    assert "themes/default/templates" in found.value.message
    with pytest.raises(jinja2.TemplateNotFound, match=r"default/nope.html \(looked in .*themes/default/templates\)"):
        env.get_template("default/nope.html")


def test_a_broken_override_fails_the_build_with_its_place(tmp_path: Path, make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "site.yaml": (ROOT / "tests" / "base-site" / "site.yaml").read_text() + "theme: look\n",
        "look/templates/index.html": '{% extends "default/index.html" %}\n{% block banner %}'
                                     '{% include "banner-extra.html" %}{% endblock %}\n',
    })
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert "theme error while rendering index.html: template not found: banner-extra.html (looked in " in result.output
    assert "look/templates" in result.output and not (tmp_path / "out").exists()


def test_an_unknown_message_fails_the_build_with_its_place(tmp_path: Path, make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({
        "site.yaml": (ROOT / "tests" / "base-site" / "site.yaml").read_text() + "theme: look\n",
        "look/templates/index.html": '{% extends "default/index.html" %}\n{% block banner %}{{ _("nope.key") }}'
                                     '{% endblock %}\n',
    })
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert re.search(r"look/templates/index.html:2: theme error while rendering index.html: no message 'nope.key' "
                     r"in .*themes/default/messages/en.yaml", result.output), result.output


def test_a_theme_folder_without_theme_parts_is_a_warning(tmp_path: Path, make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"site.yaml": (ROOT / "tests" / "base-site" / "site.yaml").read_text() + "theme: look\n",
                      "look/README": "nothing here"})
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 0, result.output
    assert "warning: the theme folder 'look' has no templates/, static/ or messages/ folder" in result.output


# -- colours ------------------------------------------------------------------------------------------


def test_contrast_ratio() -> None:
    assert round(colors.contrast("#000000", "#ffffff"), 2) == 21
    assert round(colors.contrast("#0550ae", "#ffffff"), 1) == 7.6  # the default accent


def test_the_default_accent_passes_on_every_background() -> None:
    css = (THEME / "static" / "style.css").read_text(encoding="utf-8")
    light, dark = re.findall(r"--accent: (#[0-9a-f]{6})", css)[:2]
    assert colors.worst_contrast(light, colors.LIGHT_BACKGROUNDS)[0] >= 4.5
    assert colors.worst_contrast(dark, colors.DARK_BACKGROUNDS)[0] >= 4.5


def test_the_backgrounds_checked_are_the_themes() -> None:
    css = (THEME / "static" / "style.css").read_text(encoding="utf-8")
    light_block, dark_block = css.split("@media (prefers-color-scheme: dark)")[0], css.split(
        "@media (prefers-color-scheme: dark)")[1].split("}")[0]

    def backgrounds(block: str) -> set[str]:
        found = re.findall(r"--(?:bg|surface|[a-z]+-tint): (#[0-9a-f]{3,6})", block)
        return {"#ffffff" if c == "#fff" else c for c in found}

    assert backgrounds(light_block) == set(colors.LIGHT_BACKGROUNDS)
    assert backgrounds(dark_block) == set(colors.DARK_BACKGROUNDS)


@pytest.mark.parametrize("color", ["#7fb2ff", "#ffcc00", "#999999"])
def test_the_suggested_shade_passes(color: str) -> None:
    better = colors.nearest_passing(color, colors.LIGHT_BACKGROUNDS)
    assert better and colors.worst_contrast(better, colors.LIGHT_BACKGROUNDS)[0] >= 4.5


def test_a_dark_accent_needs_accent_dark(tmp_path: Path, make_site) -> None:  # type: ignore[no-untyped-def]
    site = make_site({"site.yaml": (ROOT / "tests" / "base-site" / "site.yaml").read_text()
                      + 'colors: {accent: "#1d4ed8"}\n'})
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert "the accent colour #1d4ed8 has a contrast of" in result.output
    assert "one of the theme's dark backgrounds" in result.output
    assert "hint: set `accent_dark` to a lighter colour for the dark scheme, e.g. \"#" in result.output


# -- the home page budget -----------------------------------------------------------------------------

#: The home page of the example site, with everything it loads, must stay under 60 KB uncompressed:
#: customers on a slow phone connection get the answer in one round of requests.
BUDGET = 60_000


class _Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(rel):
            self.loaded.append(a.get("href") or "")
        elif tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loaded.append(a["src"] or "")
        if tag == "source" and a.get("srcset"):
            self.loaded.append((a["srcset"] or "").split()[0])


def page_weight(site: Path, page: str = "index.html") -> tuple[int, dict[str, int]]:
    """Return the bytes of a page and of everything it loads (stylesheets with their url()s, scripts, images)."""
    html_file = site / page
    parser = _Resources()
    parser.feed(html_file.read_text(encoding="utf-8"))
    sizes = {page: html_file.stat().st_size}
    todo = [(html_file.parent, ref) for ref in parser.loaded]
    while todo:
        base, ref = todo.pop()
        if ref.startswith("data:"):
            continue  # inline: already counted in the page
        assert not re.match(r"^(https?:)?//", ref), f"an external request: {ref}"
        path = (base / ref.split("#")[0].split("?")[0]).resolve()
        key = path.relative_to(site.resolve()).as_posix()
        if key in sizes:
            continue
        sizes[key] = path.stat().st_size
        if path.suffix == ".css":
            for url in re.findall(r"""url\(\s*['"]?([^'")]+)""", path.read_text(encoding="utf-8")):
                todo.append((path.parent, url))
    return sum(sizes.values()), sizes


def test_the_home_page_fits_the_budget(tmp_path: Path) -> None:
    build(EXAMPLE_SITE, tmp_path / "out", now=NOW, jobs=1)
    total, sizes = page_weight(tmp_path / "out")
    assert set(sizes) == {"index.html", published("static/style.css"), published("static/status.js")}
    assert total <= BUDGET, f"home page is {total} bytes with what it loads: {sizes}"


def test_the_budget_counts_what_the_page_loads(tmp_path: Path) -> None:
    """A control: a stylesheet's images and a logo count; an external request fails."""
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "a.css").write_text("body{background:url('b.png')}")
    (tmp_path / "static" / "b.png").write_bytes(b"x" * 1000)
    (tmp_path / "logo.svg").write_bytes(b"y" * 500)
    (tmp_path / "index.html").write_text('<link rel="stylesheet" href="static/a.css"><img src="logo.svg" alt="">')
    total, sizes = page_weight(tmp_path)
    assert set(sizes) == {"index.html", "static/a.css", "static/b.png", "logo.svg"} and total > 1500
    (tmp_path / "index.html").write_text('<script src="https://cdn.example/x.js"></script>')
    with pytest.raises(AssertionError, match="an external request"):
        page_weight(tmp_path)


# -- the sandbox ------------------------------------------------------------------------------------


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_site_with_its_own_templates_renders_in_the_sandbox_exactly_as_without(tmp_path: Path) -> None:
    """Every default template runs in the sandbox once the site brings a template: the same bytes."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    build(site, tmp_path / "plain", now=NOW, jobs=1)
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "theme: theme\n",
                                    encoding="utf-8")
    (site / "theme" / "templates").mkdir(parents=True)
    (site / "theme" / "templates" / "404.html").write_text('{% extends "default/404.html" %}\n', encoding="utf-8")
    assert Theme.for_site(build(site, tmp_path / "sandboxed", now=NOW, jobs=1).content.site).has_own_templates()
    assert _tree(tmp_path / "sandboxed") == _tree(tmp_path / "plain")


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__ }}", "{{ ''.__class__.__mro__ }}", "{{ site.__class__ }}",
    "{{ (1).__class__.__base__.__subclasses__() }}", "{% for x in range(10**9) %}{% endfor %}",
    '{% import "default/macros.html" as m %}{{ m.__globals__ }}', "{{ self._TemplateReference__context }}",
])
def test_site_templates_cannot_leave_the_sandbox(tmp_path: Path, payload: str) -> None:
    """Also through the default templates a site template imports: they are compiled in the same sandbox."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "theme: theme\n",
                                    encoding="utf-8")
    (site / "theme" / "templates").mkdir(parents=True)
    (site / "theme" / "templates" / "404.html").write_text(
        '{% extends "default/404.html" %}{% block main %}' + payload + "{% endblock %}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1, result.output
    assert "404.html" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


# -- nothing outside the theme ------------------------------------------------------------------------


def _site_with_theme(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "theme: theme\n",
                                    encoding="utf-8")
    for part in ("templates", "static", "messages"):
        (site / "theme" / part).mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("OUTSIDE-THE-THEME", encoding="utf-8")
    return site


@pytest.mark.parametrize("link", ["templates/404.html", "messages/en.yaml", "static/leak.txt"])
def test_theme_files_that_are_symlinks_out_of_the_theme_are_refused(tmp_path: Path, link: str) -> None:
    site = _site_with_theme(tmp_path)
    (site / "theme" / link).symlink_to(tmp_path / "secret.txt")
    result = CliRunner().invoke(cli, ["build", str(site), "-o", str(tmp_path / "out"), "--now", NOW_TEXT])
    assert result.exit_code == 1, result.output
    assert Path(link).name in result.output and "OUTSIDE-THE-THEME" not in result.output
    assert not (tmp_path / "out").exists()


def test_a_static_symlink_inside_the_theme_is_published(tmp_path: Path) -> None:
    site = _site_with_theme(tmp_path)
    (site / "theme" / "static" / "brand.css").write_text("a{color:red}", encoding="utf-8")
    (site / "theme" / "static" / "alias.css").symlink_to("brand.css")
    build(site, tmp_path / "out", now=NOW, jobs=1)
    (published,) = (tmp_path / "out" / "static").glob("alias.*.css")  # fingerprinted
    assert published.read_text(encoding="utf-8") == "a{color:red}"
    assert not published.is_symlink()


# -- logos ---------------------------------------------------------------------------------------------

SAFE_SVGS = [
    (CUSTOM_SITE / "logo.svg").read_text(encoding="utf-8"),
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
    '<path id="p" d="M0 0h5v5z"/></defs><style>.a{fill:url(#g)}</style><use xlink:href="#p"/>'
    '<rect class="a" width="10" height="10" style="fill:url(\'#g\')"/><image href="data:image/png;base64,iVBORw0K"/>'
    "</svg>",
]
UNSAFE_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    "handler-on-child": '<svg xmlns="http://www.w3.org/2000/svg"><g><rect onClick="x()"/></g></svg>',
    "foreign-object": '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
    "external-image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://evil.example/x.png"/></svg>',
    "external-use": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                    '<use x:href="other.svg#a"/></svg>',
    "javascript-link": '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    "css-import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "https://evil.example/x.css";</style></svg>',
    "css-url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/#g)"/></svg>',
    "entity": '<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    "stylesheet-pi": '<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
    "animation-sets-href": '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" '
                           'to="javascript:alert(1)"/></a></svg>',
    "not-svg": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "not-xml": "<svg><rect></svg>",
}


@pytest.mark.parametrize("svg", SAFE_SVGS)
def test_plain_svg_drawings_are_accepted_as_logos(svg: str) -> None:
    from statusgen.content.logo import svg_problem

    assert svg_problem(svg.encode()) is None


@pytest.mark.parametrize("case", list(UNSAFE_SVGS))
def test_svg_logos_that_can_run_or_load_something_are_refused(case: str) -> None:
    from statusgen.content.logo import svg_problem

    assert svg_problem(UNSAFE_SVGS[case].encode()) is not None


def test_a_raster_logo_must_be_what_its_name_says(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    (site / "logo.png").write_text("<svg onload=alert(1)>", encoding="utf-8")
    (site / "site.yaml").write_text((site / "site.yaml").read_text(encoding="utf-8") + "logo: logo.png\n",
                                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(site), "--now", NOW_TEXT])
    assert result.exit_code == 1
    assert "the logo 'logo.png' is not a PNG image" in result.output


# -- Content-Security-Policy ---------------------------------------------------------------------------


def test_every_page_carries_the_one_policy_and_it_allows_the_accent_style_by_hash(tmp_path: Path) -> None:
    from statusgen.outputs import csp

    result = build(CUSTOM_SITE, tmp_path / "out", now=NOW, jobs=1)
    style = csp.accent_css(result.content.site.colors)
    assert style and "--accent:" in style
    expected = csp.policy([style])
    assert "'sha256-" in expected and "'unsafe-inline'" not in expected
    for page in sorted((tmp_path / "out").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        assert head.index('<meta http-equiv="Content-Security-Policy"') < head.index("<style>")
        assert f'<meta http-equiv="Content-Security-Policy" content="{expected}">' in text, page
        assert f"<style>{style}</style>" in text, page
    header = csp.policy([style], header=True)
    assert header.startswith(expected) and header.endswith("frame-ancestors 'none'")


def test_the_reader_s_zone_is_left_to_the_script_and_the_site_s_zone_stands_without_it(german_site: Path) -> None:
    """Without JavaScript, windows and the latest update are in the site's zone; the script's spans are empty."""
    home = (german_site / "index.html").read_text(encoding="utf-8")
    assert ('<span class="when"><time datetime="2026-11-25T10:35:00Z">25. Nov. 2026, 11:35 CET</time>'
            '<span class="reader-time" data-start="2026-11-25T11:35:00+01:00"></span></span>') in home
    assert ('2. Dez. 2026, 01:00 CET</time> – <time datetime="2026-12-02T03:00:00Z">04:00 CET</time>'
            '<span class="reader-time" data-start="2026-12-02T01:00:00+01:00" data-end="2026-12-02T04:00:00+01:00">'
            '</span>') in home
    page = (german_site / "maintenance" / "2026-12-02-postgres-upgrade" / "index.html").read_text(encoding="utf-8")
    assert '<span class="reader-time" data-start="2026-12-02T01:00:00+01:00" data-end="2026-12-02T04:00:00+01:00">' \
           '</span>' in page
