"""`statusgen init DIR`: a new status repository that validates, checks clean and builds."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from statusgen.authoring import scaffold
from statusgen.build import build
from statusgen.cli import cli
from statusgen.content import format as schema
from statusgen.content.jsonschema import SCHEMAS, file_name, render
from statusgen.content.loader import load_site

from .conftest import NOW, NOW_TEXT, ROOT
from .test_schema_out import _TextTimes

#: Where the workflow author keeps the workflows a status repository should copy.
SOURCE_WORKFLOWS = ROOT / ".github" / "status-repo-workflows"


def init(runner: CliRunner, target: Path, *args: str) -> Result:
    return runner.invoke(cli, ["init", str(target), "--timezone", "Europe/Berlin", "--title", "Acme: Status",
                               "--base-url", "https://status.acme.example/", *args],
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


def test_workflows_are_copied_from_the_package(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = tmp_path / "workflows"
    shipped.mkdir()
    (shipped / "status.yml").write_text("name: status\n")
    (shipped / "README.md").write_text("not a workflow\n")
    monkeypatch.setattr(scaffold, "WORKFLOWS", shipped)
    result = init(runner, tmp_path / "status")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "status/.github/workflows").iterdir()) == ["status.yml"]
    assert "including 1 GitHub workflow)" in result.stderr


def test_the_shipped_workflows_are_copied(new_site: Path) -> None:
    shipped = sorted(p.name for p in scaffold.WORKFLOWS.iterdir() if p.name != "README.md")
    assert sorted(p.name for p in (new_site / ".github/workflows").iterdir()) == shipped
    for name in shipped:
        assert (new_site / ".github/workflows" / name).read_bytes() == (scaffold.WORKFLOWS / name).read_bytes()


def test_shipped_workflows_match_their_source() -> None:
    """The package carries copies of .github/status-repo-workflows/; they must not drift apart."""
    shipped = {p.name: p.read_bytes() for p in scaffold.WORKFLOWS.iterdir() if p.name != "README.md"}
    source = {p.name: p.read_bytes() for p in SOURCE_WORKFLOWS.iterdir() if p.is_file()} \
        if SOURCE_WORKFLOWS.is_dir() else {}
    assert shipped == source


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
