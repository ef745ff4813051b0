"""What the running statusgen was installed from, as a line of a requirements file CI can install.

`statusgen init` writes it into ``requirements.txt`` of the new status repository, and every
workflow it writes runs ``pip install -r requirements.txt``: CI installs exactly the statusgen
the repository was made with, never whatever is published under the name next.

The installation says where it came from (PEP 610: ``direct_url.json`` in its metadata):

- nothing: a version from a package index: ``statusgen==0.1.0``;
- a VCS URL at a commit: ``statusgen @ git+https://host/statusgen@<commit>``;
- an archive (wheel or sdist) at a URL: ``statusgen @ https://host/statusgen-0.1.0-py3-none-any.whl#sha256=…``;
- a local folder, often an editable install of a checkout: when it is a git checkout whose
  tree is clean, its remote at the commit checked out (as for a VCS URL); otherwise nothing
  CI could install, and :class:`~statusgen.errors.UsageProblem` asks for ``--from``.

A requirement that names a place only this computer has (``file://``) is written only with a
warning saying so. Passwords in URLs are never written.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from .. import __version__
from ..errors import UsageProblem, display_path

__all__ = ["REQUIREMENTS", "Pin", "pin_from", "requirements_file", "running_install"]

#: The file of the status repository that says which statusgen CI installs.
REQUIREMENTS = "requirements.txt"
_NAME = "statusgen"
_FROM_HINT = ("pass --from with what CI should install, e.g. --from statusgen==0.2.0 or "
              "--from 'statusgen @ git+https://git.example.com/you/statusgen@<commit>'")
#: A requirement for statusgen as --from may give it: a version pin, or a direct reference.
_VERSION = re.compile(r"statusgen\s*(?:===?|~=)\s*[0-9][0-9A-Za-z.+!-]*")
_DIRECT = re.compile(r"statusgen\s*@\s*(?P<url>\S+)")


@dataclass(frozen=True, slots=True)
class Pin:
    """A requirement line for statusgen, and where it came from, in words."""

    requirement: str
    #: Where the line came from, for the file's comment: "its --from option", "the running statusgen's …".
    source: str
    #: Things the user must know: the requirement names this computer, a commit is not pushed yet.
    warnings: tuple[str, ...] = field(default=())


def requirements_file(pin: Pin) -> str:
    """Return the text of ``requirements.txt``: what it is, where it came from, how to change it, the line."""
    if not re.fullmatch(r"[^\s#]+(?: @ [^\s]+)?", pin.requirement):
        raise UsageProblem(f"{pin.requirement!r} is not one requirement; {_FROM_HINT}")
    source = " ".join(pin.source.split())  # one comment line, whatever the metadata held
    return (
        "# The statusgen this status repository is built with. Every workflow installs it from here\n"
        f"# (pip install -r {REQUIREMENTS}), so CI runs exactly what you ran, never whatever is published\n"
        f"# under the name next. Written by `statusgen init` from {source}.\n"
        "# To upgrade, replace the line with the new version (statusgen==X.Y.Z) or commit (statusgen @\n"
        "# git+https://git.example.com/you/statusgen@<commit>), try it with `statusgen build`, and commit.\n"
        f"{pin.requirement}\n"
    )


def pin_from(text: str) -> Pin:
    """Return the pin ``--from`` gives: ``statusgen==X``, or ``statusgen @ URL``.

    :raises UsageProblem: for anything else (another package, options, several lines).
    """
    line = " ".join(text.split())
    if _VERSION.fullmatch(line):
        line = line.replace(" ", "")
        return Pin(line, "its --from option")
    match = _DIRECT.fullmatch(line)
    if not match:
        raise UsageProblem(f"--from {text!r}: expected statusgen==VERSION or 'statusgen @ URL' "
                           "(a git URL at a commit, or a wheel's URL)")
    url, warnings = _clean_url(match.group("url").removeprefix("git+"), vcs="git" if "git+" in line else None)
    prefix = "git+" if match.group("url").startswith("git+") else ""
    requirement = f"{_NAME} @ {prefix}{url}"
    return Pin(requirement, "its --from option", warnings)


def running_install() -> Pin:
    """Return what the statusgen running now was installed from (PEP 610).

    :raises UsageProblem: when that is nothing CI could install (a folder that is no clean git
        checkout with a remote, or statusgen not installed at all): the message asks for --from.
    """
    try:
        dist = importlib.metadata.distribution(_NAME)
    except importlib.metadata.PackageNotFoundError:
        raise UsageProblem(f"statusgen runs from {_running_from()} without being installed as a package, so "
                           f"there is no record of where CI should get it; {_FROM_HINT}") from None
    if dist.version != __version__:
        raise UsageProblem(f"the statusgen running ({__version__}, from {_running_from()}) is not the one "
                           f"installed ({dist.version}); {_FROM_HINT}")
    raw = dist.read_text("direct_url.json")
    if not raw:
        return Pin(f"{_NAME}=={dist.version}", f"the running statusgen's installation: version {dist.version} from "
                                               "the package index")
    try:
        direct = json.loads(raw)
        url = str(direct["url"])
    except (ValueError, KeyError, TypeError):
        raise UsageProblem(f"the installation's record of where it came from (direct_url.json) cannot be read; "
                           f"{_FROM_HINT}") from None
    if "vcs_info" in direct:
        return _from_vcs(url, direct["vcs_info"], direct.get("subdirectory"))
    if "archive_info" in direct:
        return _from_archive(url, direct["archive_info"], dist.version)
    return _from_folder(url, direct.get("dir_info") or {})


def _from_vcs(url: str, info: dict[str, Any], subdirectory: str | None) -> Pin:
    vcs = str(info.get("vcs", "git"))
    commit = str(info.get("commit_id", ""))
    if not re.fullmatch(r"[0-9a-fA-F]{7,64}", commit):
        raise UsageProblem(f"statusgen was installed from {vcs} at {url} without a recorded commit; {_FROM_HINT}")
    clean, warnings = _clean_url(url, vcs=vcs)
    requirement = f"{_NAME} @ {vcs}+{clean}@{commit}" + (f"#subdirectory={subdirectory}" if subdirectory else "")
    asked = info.get("requested_revision")
    if subdirectory is not None and not re.fullmatch(r"[A-Za-z0-9._/-]+", str(subdirectory)):
        raise UsageProblem(f"statusgen was installed from a subdirectory named oddly ({subdirectory!r}); {_FROM_HINT}")
    source = (f"the running statusgen's installation: the {vcs} repository {clean} at commit {commit}"
              + (f" ({asked})" if asked else ""))
    return Pin(requirement, source, warnings)


def _from_archive(url: str, info: dict[str, Any], version: str) -> Pin:
    clean, warnings = _clean_url(url)
    hashes = dict(info.get("hashes") or {})
    if not hashes and isinstance(info.get("hash"), str) and "=" in info["hash"]:  # the older form: "sha256=…"
        name, _, value = info["hash"].partition("=")
        hashes[name] = value
    fragment = f"#sha256={hashes['sha256']}" if re.fullmatch(r"[0-9a-f]{64}", str(hashes.get("sha256", ""))) else ""
    return Pin(f"{_NAME} @ {urlsplit(clean)._replace(fragment='').geturl()}{fragment}",
               f"the running statusgen's installation: the file {clean} (version {version})", warnings)


def _from_folder(url: str, info: dict[str, Any]) -> Pin:
    """Return the pin of a folder install: its git remote at the commit checked out, when CI can get that."""
    parts = urlsplit(url)
    folder = Path(unquote(parts.path)) if parts.scheme == "file" else None
    how = "an editable install of" if info.get("editable") else "an install of the folder"
    if folder is None:
        raise UsageProblem(f"statusgen was installed from {url}, which is no folder or repository CI can reach; "
                           f"{_FROM_HINT}")
    shown = f"{how} {display_path(folder)}"
    git = _Checkout(folder)
    top = git.top()
    if top is None:
        raise UsageProblem(f"statusgen runs from {shown}, which is no git checkout: CI cannot install it from "
                           f"there; {_FROM_HINT}")
    changed = git.changes()
    if changed:
        listed = ", ".join(changed[:5]) + (", …" if len(changed) > 5 else "")
        raise UsageProblem(f"statusgen runs from {shown}, a git checkout with changes that are not committed "
                           f"({listed}): CI could only install the last commit, which is not what runs here. "
                           f"Commit and push them, or {_FROM_HINT}")
    remote = git.remote()
    if remote is None:
        raise UsageProblem(f"statusgen runs from {shown}, a git checkout with no remote for CI to clone; "
                           f"push it somewhere CI can reach, or {_FROM_HINT}")
    name, remote_url = remote
    commit = git.head()
    pip_url, warnings = _clean_url(_pip_git_url(remote_url, folder), vcs="git")
    if not git.pushed(commit):
        warnings += (f"commit {commit[:12]} is on no branch of {name} that this checkout knows of: push it before "
                     "the workflows run, or they cannot install statusgen",)
    subdirectory = folder.resolve().relative_to(top).as_posix() if folder.resolve() != top else ""
    requirement = f"{_NAME} @ git+{pip_url}@{commit}" + (f"#subdirectory={subdirectory}" if subdirectory else "")
    return Pin(requirement, f"the checkout the running statusgen comes from ({display_path(folder)}): its remote "
                            f"{name} at commit {commit}", warnings)


def _pip_git_url(remote: str, folder: Path) -> str:
    """Return a git remote as pip reads it: URLs as they are, ``user@host:path`` as ssh, paths as file URLs."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", remote):
        return remote
    scp = re.fullmatch(r"(?P<user>[^@/:]+@)?(?P<host>[^/:]+):(?P<path>.+)", remote)
    if scp and not os.path.exists(remote):
        return f"ssh://{scp.group('user') or ''}{scp.group('host')}/{scp.group('path').lstrip('/')}"
    return (folder / remote).resolve().as_uri()


def _clean_url(url: str, *, vcs: str | None = None) -> tuple[str, tuple[str, ...]]:
    """Return ``url`` without a password, and what the user must know about it (a place only here)."""
    parts = urlsplit(url)
    warnings: tuple[str, ...] = ()
    if parts.password and not parts.password.startswith("${"):  # PEP 610 keeps ${VAR} references
        host = parts.hostname or ""
        user = f"{parts.username}@" if parts.username and not parts.username.startswith("${") else ""
        parts = parts._replace(netloc=user + host + (f":{parts.port}" if parts.port else ""))
        warnings += ("the URL held a password, which is not written: give CI access another way "
                     "(a deploy key, or a token in a ${VARIABLE} pip expands)",)
    if parts.scheme == "file":
        what = f"a {vcs} repository" if vcs else "a file"
        warnings += (f"{REQUIREMENTS} names {what} on this computer ({urlunsplit(parts)}), which CI cannot reach: "
                     "the workflows will fail until it names a place CI can reach (statusgen init --from …, or "
                     "edit the file)",)
    return urlunsplit(parts), warnings


def _running_from() -> str:
    return display_path(Path(__file__).resolve().parent.parent)


@dataclass
class _Checkout:
    """Read-only git in the folder statusgen runs from."""

    folder: Path

    def _git(self, *args: str, strip: bool = True) -> str | None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
        try:
            done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=self.folder, env=env,
                                  capture_output=True, text=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode:
            return None
        return done.stdout.strip() if strip else done.stdout

    def top(self) -> Path | None:
        top = self._git("rev-parse", "--show-toplevel")
        return Path(top).resolve() if top else None

    def changes(self) -> list[str]:
        """Return what differs from the commit: changed, staged and untracked (not ignored) files."""
        status = self._git("status", "--porcelain=v1", "--untracked-files=normal", strip=False)
        return [line[3:] for line in (status or "").splitlines() if line.strip()]

    def head(self) -> str:
        return self._git("rev-parse", "--verify", "HEAD") or ""

    def remote(self) -> tuple[str, str] | None:
        """Return (name, URL) of the remote the branch follows, else ``origin``, else the only one."""
        upstream = self._git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
        names = (self._git("remote") or "").split()
        candidates = [upstream.split("/")[0]] if upstream and "/" in upstream else []
        candidates += ["origin"] if "origin" in names else []
        candidates += names if len(names) == 1 else []
        for name in candidates:
            url = self._git("remote", "get-url", "--", name)
            if url:
                return name, url
        return None

    def pushed(self, commit: str) -> bool:
        """Return whether a remote-tracking branch contains ``commit`` (as far as this checkout knows)."""
        return bool(self._git("branch", "--remotes", "--contains", commit))
