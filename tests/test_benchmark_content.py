"""The benchmark's synthetic sites look like real status pages (benchmarks/generate.py).

A benchmark whose content takes a shortcut real content never takes measures nothing. These tests keep
the generated content honest: most update bodies go through Markdown as real ones do (links, bold, lists,
code), the share on the plain-text fast path is the one the generator states, and the sites build and pass
`statusgen check`. No timings here: those live in benchmarks/run.py.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import NOW_TEXT, ROOT

#: Realistic bodies: at most this share of update bodies may skip Markdown (the generator gives ~18%).
PLAIN_SHARE_BOUND = 0.30


def load_generate():
    spec = importlib.util.spec_from_file_location("benchmark_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = load_generate()


def is_plain_prose(text: str) -> bool:
    """statusgen's own test for the plain-text shortcut, wherever the package keeps it."""
    for name in ("statusgen.outputs.markup", "statusgen.markup"):
        try:
            return importlib.import_module(name).is_plain_prose(text)
        except (ImportError, AttributeError):
            continue
    raise AssertionError("no is_plain_prose in statusgen.outputs.markup or statusgen.markup")


def statusgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "statusgen", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)


def update_bodies(site: Path) -> list[str]:
    """Every update body as the loader reads it (Markdown keeps inner lines, loses outer line breaks)."""
    bodies = []
    for path in sorted((site / "incidents").glob("*.yaml")):
        bodies += [u["body"].strip("\n") for u in yaml.safe_load(path.read_text(encoding="utf-8"))["updates"]]
    return bodies


def test_realistic_bodies_go_through_markdown_and_show_in_the_pages(tmp_path: Path) -> None:
    site, out = tmp_path / "site", tmp_path / "out"
    made = generate.generate(str(site), incidents=30)
    bodies = update_bodies(site)
    assert len(bodies) == 30 * 4

    # The share the generator states is statusgen's own verdict on these bodies, and it is small.
    plain = sum(is_plain_prose(b) for b in bodies)
    stated = made["stats"]["updates"]
    assert stated["count"] == len(bodies)
    assert stated["plain_fast_path"] == plain
    assert stated["plain_share"] == round(plain / len(bodies), 4) < PLAIN_SHARE_BOUND
    assert json.loads((site / generate.STAMP).read_text(encoding="utf-8"))["stats"]["updates"] == stated

    # What real updates have: links written both ways, bold, lists, code, clock times, several lengths.
    def share(pattern: str) -> float:
        return sum(bool(re.search(pattern, b, re.MULTILINE)) for b in bodies) / len(bodies)

    assert share(r"\[[^\]]+\]\(https://[^)]+\)") >= 0.10
    assert share(r"(?<![(<])https://") >= 0.05
    assert share(r"\*\*[^*]+\*\*") >= 0.05
    assert share(r"^- ") >= 0.03
    assert share(r"`[^`]+`") >= 0.10
    assert share(r"\b\d{1,2}:\d{2} (UTC|CET|CEST)\b") >= 0.30
    lengths = sorted(len(b) for b in bodies)
    assert lengths[len(lengths) // 10] < 100 and lengths[-1] > 600, lengths

    # The built incident pages show them as HTML.
    done = statusgen("build", str(site), "-o", str(out), "--now", NOW_TEXT)
    assert done.returncode == 0, done.stderr
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / "incidents").glob("*/index.html"))
    assert len(re.findall(r'<a href="https://[^"]+" rel="noopener noreferrer nofollow">', pages)) >= 10
    assert pages.count("<strong>") >= 5
    assert pages.count("<code>") >= 10
    assert re.search(r"<ul>\s*<li>", pages)


def test_plain_bodies_are_the_earlier_short_sentences_on_the_same_incidents(tmp_path: Path) -> None:
    realistic = generate.generate(str(tmp_path / "realistic"), incidents=30)
    plain = generate.generate(str(tmp_path / "plain"), incidents=30, bodies="plain")
    names = sorted(p.name for p in (tmp_path / "realistic" / "incidents").glob("*.yaml"))
    assert names == sorted(p.name for p in (tmp_path / "plain" / "incidents").glob("*.yaml"))
    assert plain["stats"]["updates"]["plain_share"] > realistic["stats"]["updates"]["plain_share"]
    assert plain["stats"]["updates"]["length"]["max"] < 400


@pytest.mark.parametrize("bodies", ["realistic", "plain"])
def test_generated_sites_load_and_pass_the_check(tmp_path: Path, bodies: str) -> None:
    site = tmp_path / "site"
    made = generate.generate(str(site), incidents=300, bodies=bodies)
    assert made["postmortems"] > 0 and made["commitments"] > 0 and made["maintenance"] > 0
    done = statusgen("check", str(site), "--now", NOW_TEXT, "--format", "json")
    report = json.loads(done.stdout)
    assert report["errors"] == 0, [p for p in report["problems"] if p["severity"] == "error"][:3]
    assert done.returncode == 0


def test_the_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("a", "b"):
        generate.generate(str(tmp_path / name), incidents=30, seed=7)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert Path(generate.STAMP) in files and len(files) > 30
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
