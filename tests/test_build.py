"""Building: atomic output, determinism, path safety and the built files themselves."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.build import build
from statusgen.errors import ContentError
from statusgen.outputs.theme import relative_url
from statusgen.outputs.write import MARKER, OutputError, check_path, write_site

from .conftest import EXAMPLE_SITE, NOW, ROOT, published


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_content_same_now_same_bytes(tmp_path: Path) -> None:
    build(EXAMPLE_SITE, tmp_path / "a", now=NOW)
    build(EXAMPLE_SITE, tmp_path / "b", now=NOW)
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_failed_build_leaves_previous_output_untouched(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    out = tmp_path / "out"
    build(site, out, now=NOW)
    before = tree(out)
    (site / "incidents" / "2026-11-24-broken.yaml").write_text("title: [unclosed\n")
    with pytest.raises(ContentError):
        build(site, out, now=NOW)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"], "no temporary folder left behind"


def test_failure_while_writing_keeps_previous_output(make_site: Callable[..., Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site()
    out = tmp_path / "out"
    build(site, out, now=NOW)
    before = tree(out)

    write_bytes = Path.write_bytes

    def fail_late(path: Path, data: bytes) -> int:
        if "static" in path.parts:  # pages are written by then: the disk fills up half way
            raise OSError(28, "No space left on device")
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", fail_late)
    with pytest.raises(OutputError, match="No space left on device"):
        build(site, out, now=NOW)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "site"]


def test_rebuild_removes_pages_of_deleted_items(make_site: Callable[..., Path], tmp_path: Path) -> None:
    site = make_site()
    out = tmp_path / "out"
    build(site, out, now=NOW)
    assert (out / "maintenance" / "2026-12-01-db" / "index.html").is_file()
    (site / "maintenance" / "2026-12-01-db.yaml").unlink()
    build(site, out, now=NOW)
    assert not (out / "maintenance" / "2026-12-01-db").exists()


def test_refuses_to_replace_a_folder_it_did_not_write(make_site: Callable[..., Path], tmp_path: Path) -> None:
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(OutputError, match="not empty and was not written by statusgen"):
        build(make_site(), precious, now=NOW)
    assert (precious / "thesis.txt").read_text() == "years of work"


def test_output_cannot_contain_the_site(make_site: Callable[..., Path]) -> None:
    site = make_site()
    with pytest.raises(OutputError, match="would contain the site"):
        build(site, site.parent, now=NOW)


def test_marker_lets_the_next_build_replace_output(make_site: Callable[..., Path], tmp_path: Path) -> None:
    out, site = tmp_path / "out", make_site()
    build(site, out, now=NOW)
    assert (out / MARKER).is_file()
    build(site, out, now=NOW)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("rel", ["../evil.html", "/etc/passwd", "a/../../evil", "a//b", "./x", "a\\..\\b",
                                 "", "x\x00y", "a/./b"])
def test_paths_cannot_leave_the_output(tmp_path: Path, rel: str) -> None:
    with pytest.raises(OutputError):
        check_path(tmp_path, rel)


def test_symlink_escape_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "link").symlink_to(tmp_path)
    with pytest.raises(OutputError):
        check_path(root, "link/escape.html")


def test_write_site_checks_every_path_before_swapping(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputError):
        write_site({"index.html": b"ok", "../escape.html": b"bad"}, {}, out)
    assert not out.exists()
    assert not (tmp_path / "escape.html").exists()


def test_example_site_pages(tmp_path: Path) -> None:
    out = tmp_path / "public"
    result = build(EXAMPLE_SITE, out, now=NOW)
    view = result.view
    expected = {"index.html", "404.html", "commitments/index.html", "history/index.html", "_headers",
                published("static/style.css"), published("static/status.js")}
    expected |= {f"incidents/{i.id}/index.html" for i in view.incidents}
    expected |= {f"maintenance/{m.id}/index.html" for m in view.maintenance}
    expected |= {f"components/{c}/index.html" for c in view.components}
    expected |= {f"commitments/{c.id}/index.html" for c in view.commitments}
    expected |= {f"{m.path}index.html" for m in view.months}
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {MARKER}
    assert expected <= written
    assert result.files == len(written)
    theme_static = ROOT / "themes" / "default" / "static"
    for asset in theme_static.rglob("*"):
        if asset.is_file():
            copied = out / published(f"static/{asset.relative_to(theme_static).as_posix()}")
            assert copied.read_bytes() == asset.read_bytes()
    assert not (out / "static" / "style.css").exists(), "only the fingerprinted name is published"


@pytest.mark.parametrize("target,current,link", [
    ("", "", "index.html"),
    ("incidents/x/", "", "incidents/x/index.html"),
    ("incidents/x/#update-2", "incidents/y/", "../../incidents/x/index.html#update-2"),
    ("static/style.css", "history/2026/11/", "../../../static/style.css"),
    ("", "commitments/", "../index.html"),
    ("history/", "404.html", "history/index.html"),
])
def test_relative_links(target: str, current: str, link: str) -> None:
    assert relative_url(target, current) == link


def test_parallel_rendering_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("statusgen.outputs.pages.PARALLEL_MIN_PAGES", 0)
    monkeypatch.setattr("statusgen.outputs.pages._CHUNK", 4)
    build(EXAMPLE_SITE, tmp_path / "serial", now=NOW, jobs=1)
    build(EXAMPLE_SITE, tmp_path / "parallel", now=NOW, jobs=2)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")
