"""The installed package (not the source tree) carries the default theme and builds a site."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from statusgen import __version__

from .conftest import EXAMPLE_SITE, NOW_TEXT, ROOT, published


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist),
         str(ROOT)],
        check=True, capture_output=True, text=True,
    )
    (found,) = dist.glob("statusgen-*.whl")
    return found


def test_wheel_contains_the_theme(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    theme = ROOT / "themes" / "default"
    expected = {f"statusgen/themes/default/{p.relative_to(theme).as_posix()}"
                for p in theme.rglob("*") if p.is_file()}
    assert expected and expected <= set(names)


def test_installed_wheel_builds_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    version = subprocess.run([sys.executable, "-m", "statusgen", "--version"], cwd=elsewhere, env=env,
                             capture_output=True, text=True, check=True).stdout
    assert str(target) in version, "the installed copy, not the source tree, must run"
    result = subprocess.run(
        [sys.executable, "-m", "statusgen", "build", str(EXAMPLE_SITE), "-o", "out", "--now", NOW_TEXT],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "out" / "index.html").is_file()
    assert (elsewhere / "out" / published("static/style.css")).is_file()


def test_wheel_contains_the_skeleton_for_init(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    skeleton = ROOT / "src" / "statusgen" / "authoring" / "skeleton"
    expected = {f"statusgen/authoring/skeleton/{p.relative_to(skeleton).as_posix()}"
                for p in skeleton.rglob("*") if p.is_file()}
    assert expected and expected <= names


def test_the_release_checks_pass_on_the_sdist_and_wheel(tmp_path: Path, offline_pip: dict[str, str]) -> None:
    """tools/check_dist.py, as the release workflow runs it, on a fresh build of both (no index reachable)."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-t", "wheel", "-d", str(dist)],
                   cwd=ROOT, check=True, capture_output=True)
    env = {**offline_pip, "PATH": os.environ["PATH"]}
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "check_dist.py"), str(dist), "--tag",
                           f"v{__version__}"], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "the sdist and the wheel are ready to publish" in done.stdout
    wrong_tag = subprocess.run([sys.executable, str(ROOT / "tools" / "check_dist.py"), str(dist), "--tag", "v9.9.9"],
                               env=env, capture_output=True, text=True, check=False)
    assert wrong_tag.returncode == 1
    assert f"the tag v9.9.9 does not name version {__version__}" in wrong_tag.stderr


def test_one_version_everywhere(wheel: Path, tmp_path: Path) -> None:
    """The wheel's metadata, `statusgen --version` and the generator meta tag say the same version."""
    metadata = zipfile.ZipFile(wheel).read(f"statusgen-{__version__}.dist-info/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata
    assert wheel.name.startswith(f"statusgen-{__version__}-")
