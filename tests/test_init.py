"""`statusgen init DIR`: a new status repository that validates, checks clean and builds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from statusgen.authoring import scaffold
from statusgen.authoring.hosts import HOSTS
from statusgen.build import build
from statusgen.cli import cli
from statusgen.content import format as schema
from statusgen.content.jsonschema import SCHEMAS, file_name, render
from statusgen.content.loader import load_site
from statusgen.resources import SKELETON

from .conftest import NOW, NOW_TEXT, ROOT
from .test_schema_out import _TextTimes

#: What the tests' init pins, unless they say otherwise (tests/test_install.py reads the installation).
PIN = "statusgen==0.1.0"


def init(runner: CliRunner, target: Path, *args: str) -> Result:
    pin = [] if "--from" in args else ["--from", PIN]
    return runner.invoke(cli, ["init", str(target), "--timezone", "Europe/Berlin", "--title", "Acme: Status",
                               "--base-url", "https://status.acme.example/", *pin, *args],
                         env={"STATUSGEN_NOW": NOW_TEXT})


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def new_site(runner: CliRunner, tmp_path: Path) -> Path:
    result = init(runner, tmp_path / "status")
    assert result.exit_code == 0, result.output
    return tmp_path / "status"


def test_layout(new_site: Path) -> None:
    files = set(tree(new_site))
    assert {
        "content/site.yaml",
        "examples/README.md",
        "examples/incidents/2026-11-22-example-slow-api-responses.yaml",
        "examples/maintenance/2026-12-03-example-dashboard-upgrade.yaml",
        "examples/commitments/2026-11-23-example-index-checks.yaml",
        ".gitignore", "README.md", ".vscode/settings.json", ".vscode/extensions.json",
        *(f"schemas/{file_name(n)}" for n in SCHEMAS),
    } <= files
    assert (new_site / ".gitignore").read_text().splitlines()[-1] == "/public/"
    assert (new_site / "README.md").read_text().startswith("# Acme: Status\n")
    assert not [rel for rel in files if rel.startswith("content/") and rel != "content/site.yaml"], \
        "the site itself holds no examples: nothing of them can be published"
    assert not [p for p in new_site.parent.iterdir() if p.name != "status"], "no temporary folder left behind"


def test_the_site_is_valid_checks_clean_and_builds(new_site: Path, tmp_path: Path) -> None:
    from statusgen.check.report import check_site

    content = load_site(new_site / "content")
    assert content.site.title == "Acme: Status"
    assert str(content.site.timezone) == "Europe/Berlin"
    assert content.site.policy.since == NOW
    assert (len(content.incidents), len(content.maintenance), len(content.commitments)) == (0, 0, 0)
    result = check_site(new_site / "content", now=NOW)
    assert [p.format() for p in result.problems] == []
    build(new_site / "content", tmp_path / "public", now=NOW, jobs=1)
    assert (tmp_path / "public" / "index.html").is_file()
    assert not list((tmp_path / "public").glob("*/*example*")), "no example reaches customers"


def test_the_examples_are_valid_content_once_copied_into_the_site(new_site: Path) -> None:
    """Copied into content/, each example loads and checks clean: they show the format as it is."""
    from statusgen.check.report import check_site

    shutil.copytree(new_site / "examples", new_site / "content", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("README.md"))
    content = load_site(new_site / "content")
    assert (len(content.incidents), len(content.maintenance), len(content.commitments)) == (1, 1, 1)
    assert [p.format() for p in check_site(new_site / "content", now=NOW).problems] == []


def test_site_yaml_explains_every_setting(new_site: Path) -> None:
    text = (new_site / "content/site.yaml").read_text()
    keys = [*schema.SITE.fields, *schema.POLICY.fields, *schema.UPDATE_EVERY.fields, *schema.COMPONENT.fields]
    missing = [key for key in keys if f"{key}:" not in text]
    assert missing == [], "site.yaml of a new site shows (or comments out) every setting"
    assert sum(line.lstrip().startswith("#") for line in text.splitlines()) > 15


def test_editor_settings_point_every_file_at_its_schema(new_site: Path) -> None:
    settings = json.loads((new_site / ".vscode/settings.json").read_text())["yaml.schemas"]
    covered = set()
    for schema_path, globs in settings.items():
        document = json.loads((new_site / schema_path).read_text())
        assert (new_site / schema_path).read_text() == render(document["$id"].rsplit(":", 1)[1])
        check = jsonschema.Draft202012Validator(document)
        for pattern in globs:
            for path in new_site.glob(pattern):
                check.validate(yaml.load(path.read_text(), Loader=_TextTimes))
                covered.add(path.relative_to(new_site).as_posix())
    assert covered == {rel for rel in tree(new_site) if rel.startswith(("content/", "examples/")) and
                       rel.endswith(".yaml")}


def test_into_an_empty_folder_or_a_fresh_git_repository(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert init(runner, empty).exit_code == 0
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    result = init(runner, repo)
    assert result.exit_code == 0, result.output
    assert (repo / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n"
    assert (repo / "content" / "site.yaml").is_file()
    assert "Created a status site in" in result.stderr


def test_refuses_a_folder_with_anything_in_it(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "status"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = init(runner, target)
    assert result.exit_code == 1
    assert "is not empty (it holds notes.txt); statusgen init only fills an empty folder" in result.stderr
    assert tree(target) == {"notes.txt": hashlib.sha256(b"mine").hexdigest()}


@pytest.mark.parametrize("args,message", [
    (["--timezone", "Europe/Berln"], "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"),
    (["--base-url", "status.acme.example"], "is not an absolute http(s) URL"),
    (["--title", "  "], "--title is empty"),
])
def test_bad_options_leave_nothing(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    result = init(runner, tmp_path / "status", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_nothing(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = init(runner, tmp_path / "status")
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_file_is_not_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "status").write_text("")
    assert init(runner, tmp_path / "status").exit_code == 2


def test_time_zone_defaults_to_this_computers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "America/Chicago")
    assert scaffold.local_zone_name() == "America/Chicago"
    monkeypatch.setenv("TZ", "Not/AZone")
    assert scaffold.local_zone_name() != "Not/AZone"


def test_github_pages_is_the_host_without_host(new_site: Path) -> None:
    github = HOSTS["github-pages"]
    for rel, source in github.files.items():
        assert (new_site / rel).read_bytes() == (SKELETON / "hosts" / source).read_bytes()
    assert sorted(p.name for p in (new_site / ".github/workflows").iterdir()) == ["check-pr.yml", "publish.yml"]
    assert not (new_site / ".gitlab-ci.yml").exists() and not (new_site / "netlify.toml").exists()


def test_requirements_pin_what_ci_installs(new_site: Path) -> None:
    text = (new_site / "requirements.txt").read_text()
    assert text.splitlines()[-1] == PIN
    assert text.startswith("# The statusgen this status repository is built with.")
    assert "Written by `statusgen init` from its --from option." in text
    workflows = [p for p in (new_site / ".github/workflows").iterdir()]
    for workflow in workflows:
        installs = re.findall(r"pip install.*", workflow.read_text())
        assert installs and set(installs) == {"pip install -r requirements.txt"}, workflow.name


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_host_gets_its_files(runner: CliRunner, tmp_path: Path, host: str) -> None:
    result = init(runner, tmp_path / "status", "--host", host)
    assert result.exit_code == 0, result.output
    common = ("content/", "examples/", "schemas/", ".vscode/")
    written = {rel for rel in tree(tmp_path / "status") if not rel.startswith(common)}
    assert written == {".gitignore", "README.md", "requirements.txt", *HOSTS[host].files}
    assert f"{HOSTS[host].title}: {HOSTS[host].setting} (statusgen's docs/deploy/{host}.md)." in result.stderr
    assert (ROOT / "docs" / "deploy" / f"{host}.md").is_file()
    for rel in HOSTS[host].files:
        text = (tmp_path / "status" / rel).read_text()
        assert "statusgen" in text.splitlines()[0 if not text.startswith("#!") else 1], f"{rel} says who wrote it"
        if rel != "deploy/s3-sync.sh":
            assert "pip install -r requirements.txt" in text, rel


def test_several_hosts_share_the_pull_request_check(runner: CliRunner, tmp_path: Path) -> None:
    result = init(runner, tmp_path / "status", "--host", "s3", "--host", "netlify", "--host", "s3")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "status/.github/workflows").iterdir()) == [
        "check-pr.yml", "netlify-rebuild.yml", "publish-s3.yml"]


def test_an_unknown_host_leaves_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = init(runner, tmp_path / "status", "--host", "netlfy")
    assert result.exit_code == 2
    assert "no host called 'netlfy'; did you mean 'netlify'?" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_host_is_added_later_without_overwriting(runner: CliRunner, new_site: Path) -> None:
    before = tree(new_site)
    result = runner.invoke(cli, ["host", "add", "gitlab-pages", "netlify", "--repo", str(new_site)])
    assert result.exit_code == 0, result.output
    assert "Added .github/workflows/netlify-rebuild.yml, .gitlab-ci.yml, netlify.toml." in result.stderr
    after = tree(new_site)
    assert {k: v for k, v in after.items() if k in before} == before, "nothing there was changed"
    assert runner.invoke(cli, ["host", "add", "netlify", "--repo", str(new_site)]).exit_code == 0  # all there
    (new_site / "netlify.toml").write_text("# ours\n")
    result = runner.invoke(cli, ["host", "add", "netlify", "cloudflare-pages", "--repo", str(new_site)])
    assert result.exit_code == 1
    assert "netlify.toml already in" in result.stderr and "statusgen never overwrites a file" in result.stderr
    assert (new_site / "netlify.toml").read_text() == "# ours\n"
    assert not (new_site / ".github/workflows/publish-cloudflare-pages.yml").exists(), "nothing was written"


def test_a_host_is_added_only_to_a_status_repository(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["host", "add", "s3", "--repo", str(tmp_path)])
    assert result.exit_code == 1 and "is not a status repository made by statusgen init" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_repository_without_requirements_gets_them_with_the_host(runner: CliRunner, new_site: Path) -> None:
    (new_site / "requirements.txt").unlink()
    result = runner.invoke(cli, ["host", "add", "s3", "--repo", str(new_site), "--from", "statusgen==0.1.0"])
    assert result.exit_code == 0, result.output
    assert (new_site / "requirements.txt").read_text().endswith("\nstatusgen==0.1.0\n")
    assert "requirements.txt pins statusgen==0.1.0" in result.stderr


def test_host_list_names_every_host_and_its_files(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["host", "list"])
    assert result.exit_code == 0
    for host in HOSTS.values():
        assert f"{host.name}: {host.title}" in result.stdout
        assert all(f"  {rel}\n" in result.stdout for rel in host.files)


def test_examples_are_dated_around_now(new_site: Path) -> None:
    """A new site's examples never show as a current outage, whenever init runs."""
    from statusgen.view import derive

    examples = {path.relative_to(new_site / "examples").as_posix(): path.read_text()
                for path in (new_site / "examples").glob("*/*.yaml")}
    view = derive(load_site(new_site / "content", examples), NOW)
    assert view.open_incidents == [] and view.indicator.key == "none"
    assert [m.id for m in view.upcoming_maintenance] == ["2026-12-03-example-dashboard-upgrade"]


def test_templates_fill_for_any_day(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    """DST changes and month ends do not break the examples."""
    import datetime as dt

    from statusgen.timeutil import load_zone

    for day in ("2026-03-29T01:30:00+01:00", "2026-10-25T12:00:00+02:00", "2026-12-31T23:59:00+01:00"):
        now = dt.datetime.fromisoformat(day).astimezone(load_zone("Europe/Berlin"))
        files = scaffold.skeleton_files(title="T", base_url="https://s.example/", zone_name="Europe/Berlin", now=now)
        root = tmp_path / day[:10]
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        load_site(root / "content", {rel.partition("/")[2]: data.decode() for rel, data in files.items()
                                     if rel.startswith("examples/") and rel.endswith(".yaml")})


def test_the_first_commit_is_safe_and_the_examples_go_without_a_trace(runner: CliRunner, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`init`, `git add -A && git commit`, later delete the examples: nothing published, nothing to report."""
    from statusgen.check.report import check_site

    from .test_check_git import Repo

    repo = Repo(tmp_path / "status")
    assert init(runner, repo.root).exit_code == 0
    repo.commit("2026-11-25T12:00:00+01:00", "statusgen init")
    build(repo.root / "content", tmp_path / "public", now=NOW, jobs=1)
    published = {p.relative_to(tmp_path / "public").as_posix() for p in (tmp_path / "public").rglob("*")}
    assert not [p for p in published if "example" in p], "no example reaches customers"
    shutil.rmtree(repo.root / "examples")
    repo.commit("2026-11-25T12:30:00+01:00", "Remove the examples")
    monkeypatch.chdir(repo.root)
    result = check_site(Path("content"), now=NOW, since="HEAD~1")
    assert [p.format() for p in result.problems] == []
