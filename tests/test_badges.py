"""Status badges: accessible SVG that follows the status, and shields.io endpoint JSON."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.build import build
from statusgen.outputs.badges import (
    COMPONENT_COLOURS,
    INDICATOR_COLOURS,
    LABEL_COLOURS,
    Colours,
    svg,
    text_width,
)
from statusgen.view import Indicator

from .conftest import EXAMPLE_SITE, NOW

SVG = "{http://www.w3.org/2000/svg}"
SHIELDS_COLOURS = {"brightgreen", "green", "yellowgreen", "yellow", "orange", "red", "blue", "lightgrey",
                   "grey", "blueviolet"}


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("badges") / "public"
    build(EXAMPLE_SITE, out, now=NOW)
    return out


def read_svg(path: Path) -> tuple[ET.Element, list[str]]:
    root = ET.parse(path).getroot()
    return root, [t.text or "" for t in root.iter(SVG + "text")]


def _luminance(colour: str) -> float:
    hex_ = colour.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    channels = [int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


ALL_COLOURS = sorted({*INDICATOR_COLOURS.values(), *COMPONENT_COLOURS.values(), LABEL_COLOURS})


@pytest.mark.parametrize("colours", ALL_COLOURS, ids=[c.shields for c in ALL_COLOURS])
def test_text_contrast_meets_wcag_aa(colours: Colours) -> None:
    assert contrast(colours.background, colours.text) >= 4.5
    assert colours.shields in SHIELDS_COLOURS


def test_site_badge_says_the_overall_status(example: Path) -> None:
    root, texts = read_svg(example / "badge.svg")
    assert root.get("role") == "img"
    title = root.findtext(SVG + "title")
    assert title == root.get("aria-label") == "Acme Cloud Status: Partial System Outage"
    assert texts == ["status", "partial system outage"]
    endpoint = json.loads((example / "badge.json").read_text(encoding="utf-8"))
    assert endpoint == {"schemaVersion": 1, "label": "status", "message": "partial system outage",
                        "color": "orange"}


def test_every_component_has_badges_that_follow_its_status(example: Path) -> None:
    summary = json.loads((example / "api/v2/components.json").read_text(encoding="utf-8"))
    for component in summary["components"]:
        if component["group"]:
            continue
        folder = example / "components" / component["id"]
        message = component["status"].replace("_", " ")
        root, texts = read_svg(folder / "badge.svg")
        assert texts == [component["name"], message]
        assert root.findtext(SVG + "title") == f"{component['name']} (Acme Cloud Status): {message}"
        endpoint = json.loads((folder / "badge.json").read_text(encoding="utf-8"))
        assert endpoint["schemaVersion"] == 1
        assert (endpoint["label"], endpoint["message"]) == (component["name"], message)


def test_badge_for_maintenance(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site({"maintenance/2026-12-01-db.yaml": """
        title: Database upgrade
        components: [web]
        announced_at: 2026-11-20T10:00:00Z
        starts_at: 2026-11-25T10:00:00Z
        ends_at: 2026-11-25T12:00:00Z
        body: The website is read-only.
    """})
    build(site, tmp_path / "out", now=NOW)
    assert read_svg(tmp_path / "out/badge.svg")[1] == ["status", "service under maintenance"]
    assert read_svg(tmp_path / "out/components/web/badge.svg")[1] == ["Website", "under maintenance"]
    assert json.loads((tmp_path / "out/components/web/badge.json").read_text())["color"] == "blue"


def test_text_is_escaped_and_boxes_fit_the_text() -> None:
    image = svg("R&D <tools>", "operational", INDICATOR_COLOURS[Indicator.NONE], 'A "quoted" & <b>')
    root = ET.fromstring(image)  # well-formed despite the markup characters
    assert [t.text for t in root.iter(SVG + "text")] == ["R&D <tools>", "operational"]
    assert root.get("aria-label") == 'A "quoted" & <b>'
    rects = [float(r.get("width") or 0) for r in root.iter(SVG + "rect")]
    assert rects[0] > text_width("R&D <tools>") and rects[1] > text_width("operational")
    assert float(root.get("width") or 0) == sum(rects)
    assert text_width("Managed databases") > text_width("API") > 0
    assert text_width("日本語") == 33.0
