"""`statusgen init` pins what the running statusgen was installed from (PEP 610), or says why it cannot.

The installation's metadata is replaced by a stand-in here (every form of ``direct_url.json``);
folder installs use real git checkouts. tests/test_workflows_offline.py installs statusgen for
real from a git URL into a fresh virtual environment and follows the pin end to end.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from statusgen import __version__
from statusgen.authoring import install
from statusgen.authoring.install import Pin, pin_from, requirements_file, running_install
from statusgen.errors import UsageProblem

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class _Dist:
    def __init__(self, direct_url: dict[str, Any] | None, version: str = __version__) -> None:
        self.version = version
        self._direct = json.dumps(direct_url) if direct_url is not None else None

    def read_text(self, name: str) -> str | None:
        return self._direct if name == "direct_url.json" else None


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Make the running statusgen look installed from ``direct_url`` (None: from an index)."""

    def install_as(direct_url: dict[str, Any] | None, version: str = __version__) -> Pin:
        monkeypatch.setattr(install.importlib.metadata, "distribution", lambda name: _Dist(direct_url, version))
        return running_install()

    return install_as


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clean git checkout of a statusgen-like project, committed."""
    repo = tmp_path / "statusgen"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "pyproject.toml").write_text("[project]\nname = 'statusgen'\n")
    (repo / ".gitignore").write_text("/.venv/\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "one")
    return repo


def test_from_an_index_the_version(installed: Any) -> None:
    pin = installed(None)
    assert pin == Pin(f"statusgen=={__version__}", f"the running statusgen's installation: version {__version__} "
                                                   "from the package index")


def test_from_a_git_url_the_commit_not_the_branch(installed: Any) -> None:
    pin = installed({"url": "https://git.example.com/acme/statusgen.git",
                     "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "main"}})
    assert pin.requirement == f"statusgen @ git+https://git.example.com/acme/statusgen.git@{COMMIT}"
    assert pin.source.endswith(f"at commit {COMMIT} (main)") and pin.warnings == ()


def test_a_password_is_never_written(installed: Any) -> None:
    pin = installed({"url": "https://bot:s3cret@git.example.com/acme/statusgen.git",
                     "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert "s3cret" not in requirements_file(pin)
    assert pin.requirement == f"statusgen @ git+https://bot@git.example.com/acme/statusgen.git@{COMMIT}"
    assert "the URL held a password, which is not written" in pin.warnings[0]
    kept = installed({"url": "https://${TOKEN}@git.example.com/s.git", "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert "${TOKEN}@" in kept.requirement and kept.warnings == (), "PEP 610's environment references stay"


def test_a_place_on_this_computer_is_written_with_a_warning(installed: Any) -> None:
    pin = installed({"url": "file:///home/me/statusgen", "vcs_info": {"vcs": "git", "commit_id": COMMIT}})
    assert pin.requirement == f"statusgen @ git+file:///home/me/statusgen@{COMMIT}"
    assert pin.warnings == ("requirements.txt names a git repository on this computer (file:///home/me/statusgen), "
                            "which CI cannot reach: the workflows will fail until it names a place CI can reach "
                            "(statusgen init --from …, or edit the file)",)


def test_from_an_archive_its_url_and_hash(installed: Any) -> None:
    digest = "a" * 64
    pin = installed({"url": "https://files.example.com/statusgen-0.1.0-py3-none-any.whl",
                     "archive_info": {"hashes": {"sha256": digest}}})
    assert pin.requirement == f"statusgen @ https://files.example.com/statusgen-0.1.0-py3-none-any.whl#sha256={digest}"
    old_form = installed({"url": "https://files.example.com/s.tar.gz", "archive_info": {"hash": f"sha256={digest}"}})
    assert old_form.requirement.endswith(f"s.tar.gz#sha256={digest}")


def test_a_clean_checkout_gives_its_remote_at_head(installed: Any, checkout: Path, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(checkout), str(origin))
    git(checkout, "remote", "add", "origin", str(origin))
    git(checkout, "fetch", "-q", "origin")
    head = git(checkout, "rev-parse", "HEAD")
    pin = installed({"url": checkout.as_uri(), "dir_info": {"editable": True}})
    assert pin.requirement == f"statusgen @ git+{origin.as_uri()}@{head}"
    assert len(pin.warnings) == 1 and "on this computer" in pin.warnings[0]  # the remote is a local folder here
    assert pin.source.startswith("the checkout the running statusgen comes from")


@pytest.mark.parametrize("remote,url", [
    ("https://git.example.com/acme/statusgen.git", "https://git.example.com/acme/statusgen.git"),
    ("git@git.example.com:acme/statusgen.git", "ssh://git@git.example.com/acme/statusgen.git"),
    ("ssh://git@git.example.com:2222/acme/statusgen", "ssh://git@git.example.com:2222/acme/statusgen"),
])
def test_remotes_are_written_as_pip_reads_them(installed: Any, checkout: Path, remote: str, url: str) -> None:
    git(checkout, "remote", "add", "origin", remote)
    head = git(checkout, "rev-parse", "HEAD")
    pin = installed({"url": checkout.as_uri(), "dir_info": {"editable": True}})
    assert pin.requirement == f"statusgen @ git+{url}@{head}"
    # Nothing was fetched from that remote: the commit may not be there yet.
    assert pin.warnings == (f"commit {head[:12]} is on no branch of origin that this checkout knows of: push it "
                            "before the workflows run, or they cannot install statusgen",)


def test_a_project_in_a_subfolder_of_the_checkout(installed: Any, checkout: Path) -> None:
    (checkout / "python").mkdir()
    (checkout / "python" / "pyproject.toml").write_text("[project]\nname = 'statusgen'\n")
    git(checkout, "add", ".")
    git(checkout, "commit", "-q", "-m", "two")
    git(checkout, "remote", "add", "origin", "https://git.example.com/acme/mono.git")
    pin = installed({"url": (checkout / "python").as_uri(), "dir_info": {}})
    assert pin.requirement.endswith("#subdirectory=python")


def test_a_checkout_with_uncommitted_changes_is_refused(installed: Any, checkout: Path) -> None:
    git(checkout, "remote", "add", "origin", "https://git.example.com/acme/statusgen.git")
    (checkout / "pyproject.toml").write_text("[project]\nname = 'statusgen'\nversion = '9'\n")
    (checkout / "new_module.py").write_text("")
    (checkout / ".venv").mkdir()
    (checkout / ".venv" / "ignored").write_text("")
    with pytest.raises(UsageProblem) as caught:
        installed({"url": checkout.as_uri(), "dir_info": {"editable": True}})
    message = caught.value.format_message()
    assert f"statusgen runs from an editable install of {checkout}, a git checkout with changes that are not " \
           "committed (pyproject.toml, new_module.py): CI could only install the last commit" in message
    assert "pass --from with what CI should install" in message and ".venv" not in message


def test_a_checkout_without_a_remote_or_no_checkout_is_refused(installed: Any, checkout: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageProblem, match="a git checkout with no remote for CI to clone; push it somewhere"):
        installed({"url": checkout.as_uri(), "dir_info": {"editable": True}})
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(UsageProblem, match="which is no git checkout: CI cannot install it from there; pass --from"):
        installed({"url": plain.as_uri(), "dir_info": {}})


def test_another_statusgen_installed_than_the_one_running_is_refused(installed: Any) -> None:
    with pytest.raises(UsageProblem, match=r"is not the one installed \(9\.9\.9\); pass --from"):
        installed(None, version="9.9.9")


def test_not_installed_at_all(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> None:
        raise install.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(install.importlib.metadata, "distribution", missing)
    with pytest.raises(UsageProblem, match="without being installed as a package, so there is no record of where CI "
                                           "should get it; pass --from"):
        running_install()


@pytest.mark.parametrize("text,requirement", [
    ("statusgen==0.2.0", "statusgen==0.2.0"),
    ("statusgen == 0.2.0", "statusgen==0.2.0"),
    (f"statusgen @ git+https://git.example.com/s.git@{COMMIT}", f"statusgen @ git+https://git.example.com/s.git@{COMMIT}"),
    ("statusgen @ https://files.example.com/statusgen-0.2.0-py3-none-any.whl",
     "statusgen @ https://files.example.com/statusgen-0.2.0-py3-none-any.whl"),
])
def test_from_takes_a_version_or_a_url(text: str, requirement: str) -> None:
    assert pin_from(text).requirement == requirement
    assert requirement_line(requirements_file(pin_from(text))) == requirement


@pytest.mark.parametrize("text", [
    "requests==2.0", "statusgen", "--index-url https://evil.example/simple", "statusgen==0.2.0\n--extra-index-url x",
    "statusgen @ ", "-e .", "statusgen>=0.1",
])
def test_from_refuses_anything_else(text: str) -> None:
    with pytest.raises(UsageProblem, match="expected statusgen==VERSION or 'statusgen @ URL'"):
        pin_from(text)


def test_the_file_is_one_requirement_and_comments_whatever_the_metadata_says(installed: Any) -> None:
    pin = installed({"url": "https://git.example.com/s.git",
                     "vcs_info": {"vcs": "git", "commit_id": COMMIT, "requested_revision": "x\n--index-url evil"}})
    text = requirements_file(pin)
    assert [line for line in text.splitlines() if not line.startswith("#")] == [pin.requirement]


def requirement_line(text: str) -> str:
    (line,) = [line for line in text.splitlines() if line and not line.startswith("#")]
    return line
