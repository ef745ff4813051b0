"""The publish workflow's check step, run as GitHub runs it on a push, on real repositories.

A bare repository plays GitHub; a clone plays the support lead who pushes to main; a fresh
full clone checked out at the pushed commit plays the runner (actions/checkout with
fetch-depth: 0). The step's own shell script is read from the workflow `statusgen init` ships,
its `${{ ... }}` environment filled in as GitHub fills it for a push, and run with bash the
way a `run:` step is run. The deploy job does not wait for it: a failed check still deploys.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen.resources import SKELETON

from .conftest import BASE_SITE, NOW_TEXT
from .test_check_git import PUBLISHED, Repo

pytestmark = pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None,
                                reason="git and bash are needed")

ZEROS = "0" * 40
INCIDENT = "content/incidents/2026-11-20-api-errors.yaml"
WORKFLOW = yaml.safe_load((SKELETON / "hosts" / "github-pages" / "publish.yml").read_text(encoding="utf-8"))


def check_step() -> dict[str, Any]:
    (step,) = [s for s in WORKFLOW["jobs"]["check"]["steps"] if s.get("name") == "statusgen check"]
    return step


class GitHub:
    """A bare repository as the remote, a clone to push from, and fresh clones to run the step in."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.origin = root / "origin.git"
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(self.origin)], check=True)
        # GitHub lets a runner fetch a commit by its id even after a force push took it off the branch.
        subprocess.run(["git", "-C", str(self.origin), "config", "uploadpack.allowAnySHA1InWant", "true"],
                       check=True)
        self.lead = Repo(root / "lead")
        self.lead.git("remote", "add", "origin", str(self.origin))
        self.runs = 0

    def head(self) -> str:
        return self.lead.git("rev-parse", "HEAD").strip()

    def push(self, *, force: bool = False) -> tuple[str, str]:
        """Push main; return (before, after) as GitHub reports them in github.event."""
        found = subprocess.run(["git", "-C", str(self.origin), "rev-parse", "--verify", "-q", "refs/heads/main"],
                               capture_output=True, text=True, check=False)
        before = found.stdout.strip() or ZEROS
        self.lead.git("push", "-q", *(["--force"] if force else []), "origin", "main")
        return before, self.head()

    def run_check(self, before: str, after: str, event: str = "push") -> subprocess.CompletedProcess[str]:
        """Run the check step in a fresh full clone at ``after``, as the runner would."""
        self.runs += 1
        work = self.root / f"runner-{self.runs}"
        subprocess.run(["git", "clone", "-q", str(self.origin), str(work)], check=True, env=self.lead.env)
        subprocess.run(["git", "-C", str(work), "checkout", "-q", after], check=True, env=self.lead.env)
        step = check_step()
        github = {"github.event_name": event, "github.event.before": before}
        env = {name: re.sub(r"\$\{\{\s*([\w.]+)\s*\}\}", lambda m: github[m.group(1)], value)
               for name, value in step.get("env", {}).items()}
        bin_dir = str(Path(sys.executable).parent)
        env.update(self.lead.env, PATH=bin_dir + os.pathsep + os.environ["PATH"], STATUSGEN_NOW=NOW_TEXT)
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=work,
                              env=env, capture_output=True, text=True, check=False, timeout=300)


@pytest.fixture
def github(tmp_path: Path) -> GitHub:
    hub = GitHub(tmp_path)
    shutil.copytree(BASE_SITE, hub.lead.root / "content")
    hub.lead.commit(PUBLISHED, "publish")
    return hub


def test_the_first_push_of_a_new_branch_has_nothing_to_compare_with(github: GitHub) -> None:
    before, after = github.push()
    assert before == ZEROS
    done = github.run_check(before, after)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems" in done.stderr and "compared with" not in done.stderr


def test_a_rewrite_pushed_to_main_fails_the_check(github: GitHub) -> None:
    github.push()
    github.lead.replace(INCIDENT, "We are looking into errors on the API.", "We looked into a few API errors.")
    github.lead.commit("2026-11-20T10:30:00+01:00", "Tidy the wording")
    before, after = github.push()
    done = github.run_check(before, after)
    assert done.returncode == 1
    assert done.stdout.startswith(f"::error file={INCIDENT},line=7,col=5,title=statusgen update-edited::update 1 "
                                  f"was edited after it was published (in {before}): its body said")
    assert f"compared with {before}." in done.stderr


def test_an_honest_push_passes(github: GitHub) -> None:
    github.push()
    github.lead.replace(INCIDENT, "postmortem:", "  - {at: 2026-11-20T11:00:00+01:00, status: resolved, "
                        "body: 'From 09:00 to 10:00 about 5% of API calls failed.'}\npostmortem:")
    github.lead.commit("2026-11-20T11:05:00+01:00", "Incident: a summary")
    done = github.run_check(*github.push())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "compared with" in done.stderr


def test_a_force_push_is_compared_with_the_commit_it_replaced(github: GitHub) -> None:
    github.push()
    text = github.lead.read(INCIDENT)
    github.lead.write(INCIDENT, text.replace("impact: major", "impact: minor"))
    github.lead.git("commit", "-q", "--amend", "-a", "--no-edit", when=PUBLISHED)  # history rewritten
    before, after = github.push(force=True)
    done = github.run_check(before, after)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"title=statusgen fact-edited::impact was changed after it was published (in {before}): it was major " \
           "and is now minor" in done.stdout


def test_a_commit_before_that_cannot_be_fetched_fails_closed(github: GitHub) -> None:
    _, after = github.push()
    done = github.run_check("1" * 40, after)
    assert done.returncode == 1
    assert "::error title=statusgen check::cannot fetch 1111111111111111111111111111111111111111" in done.stdout


def test_a_scheduled_run_checks_the_clock_only(github: GitHub) -> None:
    _, after = github.push()
    done = github.run_check("", after, event="schedule")
    assert done.returncode == 0 and "compared with" not in done.stderr


def test_the_page_still_deploys_when_the_check_fails() -> None:
    jobs = WORKFLOW["jobs"]
    assert "needs" not in jobs["publish"], "the deploy job must not wait for the check"
    assert "concurrency" not in WORKFLOW and "concurrency" not in jobs["check"], \
        "a queued check is never cancelled by a newer push: every push is compared with the one before"
    assert jobs["publish"]["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    checkout = jobs["check"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    assert True in WORKFLOW and "push" in WORKFLOW[True], "the workflow runs on pushes (YAML 1.1 reads `on` as true)"
