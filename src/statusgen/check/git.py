"""Read-only git for `statusgen check --since`: the repository, a revision, files as they were.

Only ``rev-parse``, ``diff``, ``ls-files``, ``log`` and ``cat-file`` are run, with a fixed
locale and without taking git's optional locks, so a check never changes the repository.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import StatusgenError, display_path


class HistoryError(StatusgenError):
    """``--since`` cannot be compared: no git, not a repository, or an unknown revision."""

    exit_code = 2


@dataclass
class Git:
    """Read-only git commands in one repository."""

    top: Path

    def run(self, *args: str, stdin: bytes | None = None) -> bytes:
        env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"}
        try:
            done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=self.top, input=stdin,
                                  capture_output=True, env=env, check=False)
        except FileNotFoundError:
            raise HistoryError("--since needs git, and git is not installed") from None
        if done.returncode:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise HistoryError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
        return done.stdout

    def blobs(self, specs: list[str]) -> list[bytes | None]:
        """Return the contents of ``REV:path`` for each spec (None when it does not exist), in one process.

        ``cat-file --batch`` reads one spec per line and answers each in turn, so a spec with a
        line break would shift every answer after it: such specs are refused, and the answers
        are counted.

        :raises HistoryError: for a spec with a line break, or answers that do not add up.
        """
        if not specs:
            return []
        if any("\n" in s or "\r" in s for s in specs):
            raise HistoryError("a path with a line break cannot be read from git history")
        out = self.run("cat-file", "--batch", stdin="".join(f"{s}\n" for s in specs).encode())
        result: list[bytes | None] = []
        pos = 0
        try:
            for _ in specs:
                end = out.index(b"\n", pos)
                header = out[pos:end].split()
                pos = end + 1
                if len(header) < 3 or header[1] != b"blob":
                    result.append(None)
                    continue
                size = int(header[2])
                if pos + size >= len(out) or out[pos + size:pos + size + 1] != b"\n":
                    raise ValueError("short answer")
                result.append(out[pos:pos + size])
                pos += size + 1
        except ValueError:
            raise HistoryError("git cat-file gave answers that do not match the files asked for") from None
        if pos != len(out):
            raise HistoryError("git cat-file gave more answers than files were asked for")
        return result


def open_repo(site_dir: Path, since: str) -> tuple[Git, str, str]:
    """Return the repository, the site's path prefix in it and the commit ``since`` names."""
    try:
        done = subprocess.run(["git", "rev-parse", "--show-toplevel", "--show-prefix"], cwd=site_dir,
                              capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise HistoryError("--since needs git, and git is not installed") from None
    if done.returncode:
        raise HistoryError(f"--since needs a git repository, and {display_path(site_dir)} is not in one")
    top, prefix = (done.stdout.splitlines() + ["", ""])[:2]
    git = Git(Path(top))
    try:
        commit = git.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}")
    except HistoryError:
        raise HistoryError(f"--since {since}: git knows no such revision here (in CI, fetch the history: "
                           "actions/checkout with fetch-depth: 0)") from None
    return git, prefix, commit.decode().strip()


class PushUnverifiable(StatusgenError):
    """The commit before a push cannot be had: the push cannot be compared with what was published."""


def commit_before_push(site_dir: Path, before: str) -> str | None:
    """Return the commit to compare a push with, fetching it when the checkout lacks it.

    ``before`` is what the CI service reports as the branch's commit before the push
    (GitHub's ``github.event.before``, GitLab's ``$CI_COMMIT_BEFORE_SHA``, Netlify's
    ``$CACHED_COMMIT_REF``). Empty (not a push: a schedule, a manual run) or all zeros (a new
    branch: nothing was published from it) gives None: there is nothing to compare with.
    After a force push the commit is no longer on the branch, so it is fetched by its id.

    :raises PushUnverifiable: when it cannot be fetched: the check then fails rather than
        pass a push it could not compare (fail closed).
    :raises HistoryError: when ``before`` is not a commit id, or there is no repository.
    """
    before = before.strip()
    if not before or set(before) == {"0"}:
        return None
    if not re.fullmatch(r"[0-9a-f]{7,64}", before):
        raise HistoryError(f"--pushed-from {before!r}: expected the id of the commit before the push")
    git, _, _ = open_repo(site_dir, "HEAD")
    try:
        git.run("cat-file", "-e", f"{before}^{{commit}}")
    except HistoryError:
        try:
            git.run("fetch", "--quiet", "--no-tags", "origin", before)
        except HistoryError as exc:
            raise PushUnverifiable(
                f"cannot fetch {before}, the commit before this push ({exc.message}): the push cannot be "
                "compared with what was published, so the check fails") from None
    return before
