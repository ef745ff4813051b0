"""``--since REF``: which posts customers could already read at REF, from git.

The site as it was at REF is checked out into a temporary folder (through a temporary index
file: the repository, its index and its work tree are never touched), loaded and derived as
of REF's commit time, which is when that version was published. Its posts are what
customers had read; every post of the current site that is not among them is new.

If the site at REF has errors, it was never built, so the newest earlier commit (following
first parents) whose site loads is what customers last saw. If REF has no site at all,
nothing was published before and every post is new.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import tempfile
from pathlib import Path

from ..content.loader import load_site
from ..errors import ContentError, StatusgenError, UsageProblem, display_path
from ..outputs.posts import published_posts
from ..view import derive

log = logging.getLogger(__name__)

#: How many first-parent commits back from REF to look for one whose site loads.
LOOK_BACK = 20


class GitError(StatusgenError):
    """git failed, or is missing."""


def _git(top: Path, *args: str, env: dict[str, str] | None = None) -> str:
    full_env = {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", **(env or {})}
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=top, capture_output=True,
                              env=full_env, check=False, timeout=120)
    except FileNotFoundError:
        raise GitError("--since needs git, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than two minutes") from None
    if done.returncode:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]} failed: {lines[-1] if lines else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def published_at(site_dir: Path, since: str) -> tuple[set[str], str]:
    """Return the permalinks of every post published at ``since``, and the commit that says so.

    :raises UsageProblem: when ``since`` names no commit of the site's repository.
    """
    try:
        top, prefix = (_git(site_dir, "rev-parse", "--show-toplevel", "--show-prefix").splitlines() + ["", ""])[:2]
    except GitError:
        raise UsageProblem(f"--since needs a git repository, and {display_path(site_dir)} is not in one") from None
    root = Path(top)
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{since}^{{commit}}").strip()
    except GitError:
        raise UsageProblem(f"--since {since}: git knows no such revision here (in CI, fetch the history: "
                           "actions/checkout with fetch-depth: 0)") from None
    candidates = _git(root, "rev-list", "--first-parent", f"--max-count={LOOK_BACK}", commit).split()
    with tempfile.TemporaryDirectory(prefix="statusgen-since-") as tmp:
        for number, candidate in enumerate(candidates):
            tree = Path(tmp) / candidate
            index = Path(tmp) / f"{candidate}.index"
            env = {"GIT_INDEX_FILE": str(index)}
            _git(root, "read-tree", candidate, env=env)
            _git(root, "checkout-index", "--all", f"--prefix={tree}/", env=env)
            site = tree / prefix
            if not (site / "site.yaml").is_file():
                log.info("%s has no site at %s: every post counts as new", since, candidate[:12])
                return set(), candidate
            try:
                content = load_site(site)
            except ContentError as exc:
                log.warning("the site at %s has %d problem(s) and was never built; looking at the commit before it",
                            candidate[:12], len(exc.problems))
                continue
            when = dt.datetime.fromisoformat(_git(root, "log", "-1", "--format=%cI", candidate).strip())
            if number:
                log.info("comparing with %s, the newest commit before %s whose site builds", candidate[:12], since)
            posts = published_posts(derive(content, when))
            return {post.target for post in posts}, candidate
    raise GitError(f"no site that builds in the {LOOK_BACK} commits up to {since}: cannot tell what is new; fix "
                   "the history or run notify with a later --since")
