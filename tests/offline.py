"""Fresh virtual environments without a package index: a wheelhouse made from what is installed here.

Tests install statusgen the way a status repository's CI does (from a git URL, from
requirements.txt), but must not depend on a package index. The dependencies come from a
wheelhouse built once per test session from the distributions installed in the test
environment itself: each is packed back into a wheel from the files its RECORD lists (the
console scripts pip writes again on install). pip then runs with ``--no-index --find-links``
and without any configuration of this machine.
"""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import importlib.metadata
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).parent.parent
#: What a wheel of statusgen is built from (pyproject.toml says so): copied into a git repository.
PROJECT_FILES = ("pyproject.toml", "README.md", "src", "themes")
_SKIP_IN_DIST_INFO = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}


def closure(names: list[str]) -> list[importlib.metadata.Distribution]:
    """Return the installed distributions ``names`` need (their requirements, for this Python), sorted."""
    found: dict[str, importlib.metadata.Distribution] = {}
    todo = list(names)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in found:
            continue
        dist = importlib.metadata.distribution(name)
        found[name] = dist
        for text in dist.requires or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [found[name] for name in sorted(found)]


def repack(dist: importlib.metadata.Distribution, into: Path) -> Path:
    """Write an installed distribution back into a wheel in ``into``; return its path."""
    wheel_info = email.parser.Parser().parsestr(dist.read_text("WHEEL") or "")
    tags = [tag.split("-") for tag in wheel_info.get_all("Tag") or ["py3-none-any"]]
    pythons, abis, platforms = (sorted({t[i] for t in tags}) for i in range(3))
    if len(pythons) * len(abis) * len(platforms) != len(tags):  # not a product: keep the first tag
        pythons, abis, platforms = [tags[0][0]], [tags[0][1]], [tags[0][2]]
    name = re.sub(r"[^A-Za-z0-9.]+", "_", dist.metadata["Name"])
    wheel = into / f"{name}-{dist.version}-{'.'.join(pythons)}-{'.'.join(abis)}-{'.'.join(platforms)}.whl"
    records: list[tuple[str, str, str]] = []
    info_dir = ""
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in sorted(dist.files or [], key=str):
            rel = str(file).replace(os.sep, "/")
            if rel.startswith("../") or "__pycache__" in rel or rel.endswith(".pyc"):
                continue  # scripts (pip writes them again), compiled caches
            if ".dist-info/" in rel:
                info_dir = rel.split("/")[0]
                if rel.split("/")[-1] in _SKIP_IN_DIST_INFO:
                    continue
            data = Path(dist.locate_file(file)).read_bytes()
            archive.writestr(rel, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            records.append((rel, f"sha256={digest}", str(len(data))))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([*records, (f"{info_dir}/RECORD", "", "")])
        archive.writestr(f"{info_dir}/RECORD", out.getvalue())
    return wheel


def make_wheelhouse(folder: Path) -> Path:
    """Fill ``folder`` with wheels of statusgen's dependencies and of its build backend (hatchling)."""
    folder.mkdir(parents=True, exist_ok=True)
    needed = [Requirement(text).name for text in importlib.metadata.requires("statusgen") or []
              if "extra ==" not in text and (Requirement(text).marker is None
                                             or Requirement(text).marker.evaluate({"extra": ""}))]  # type: ignore[union-attr]
    for dist in closure([*needed, "hatchling"]):
        repack(dist, folder)
    return folder


def source_repository(folder: Path) -> tuple[Path, str]:
    """Copy the project's package files into a new git repository with one commit; return it and the commit."""
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, folder / name)
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "statusgen as it is being tested")
    return folder, git(folder, "rev-parse", "HEAD")


def git(cwd: Path, *args: str) -> str:
    env = {**clean_env(), "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def clean_env(**extra: str) -> dict[str, str]:
    """Return this process's environment without pip's, git's and Python's settings of this machine."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "GIT_", "PYTHON", "VIRTUAL_ENV", "STATUSGEN_"))}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C.UTF-8")
    env.update(extra)
    return env


def pip_env(wheelhouse: Path, cache: Path) -> dict[str, str]:
    """Return an environment in which pip reads no configuration and finds packages only in ``wheelhouse``."""
    return clean_env(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheelhouse),
                     PIP_CACHE_DIR=str(cache), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")


def fresh_venv(folder: Path, env: dict[str, str]) -> Path:
    """Make a virtual environment whose ``pip`` is this environment's pip working on it; return its bin folder.

    The venv is made without pip (ensurepip takes seconds); ``bin/pip`` runs the pip of the test
    environment with ``--python`` pointed at the new one, so ``pip install -r requirements.txt``
    in a workflow's step works as written.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, env=env,
                   capture_output=True)
    bin_dir = folder / "bin"
    shim = bin_dir / "pip"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m pip --python "{bin_dir / "python"}" "$@"\n')
    shim.chmod(0o755)
    return bin_dir
