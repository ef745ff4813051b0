"""`statusgen init DIR`: a new status repository, laid out like this project and ready to commit.

``DIR/content/`` holds site.yaml (every setting explained in comments) and nothing else, so
the first ``git add -A && git commit`` publishes nothing customers should not see;
``DIR/examples/`` one example of each kind, dated around "now" so that they pass validation
and `statusgen check` when copied into ``content/``, but outside the site: never published,
and never "deleted after it was published" when they go; ``DIR/schemas/`` the JSON Schema
of :mod:`jsonschema_out`, which ``DIR/.vscode/`` points the YAML files at;
``DIR/requirements.txt`` the statusgen CI installs (:mod:`.install`); and the files each
chosen host needs (:mod:`.hosts`: workflows, pipeline, settings).
Everything is written to a temporary folder and checked before it is moved into place, so a
failed init leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import string
from collections.abc import Callable
from pathlib import Path

from .. import fsutil, resources, timeutil
from ..content import jsonschema as jsonschema_out
from ..content.loader import load_site
from ..errors import ContentError, StatusgenError, UsageProblem, display_path
from .hosts import Host, files_to_add, host_files
from .install import REQUIREMENTS, Pin, requirements_file
from .yamledit import inline_text

log = logging.getLogger(__name__)

SKELETON = resources.SKELETON
#: What may already be in DIR: a fresh `git init` or `git clone` of an empty repository.
ALLOWED_EXISTING = {".git"}
#: The folder of the examples, beside ``content/`` (outside the site: never published).
EXAMPLES = "examples"


def init_site(target: Path, *, title: str, base_url: str, timezone: str | None, now: dt.datetime,
              hosts: list[Host], pin: Pin) -> list[str]:
    """Lay out a new status site in ``target``; return the paths written, relative to it.

    :param hosts: where the site will be published: their workflows and settings are written.
    :param pin: the statusgen CI installs, written to ``requirements.txt``.

    :raises UsageProblem: for an unknown time zone or options that make site.yaml invalid.
    :raises StatusgenError: when ``target`` is a file or a folder with something in it.
    """
    _check_target(target)
    zone_name = timezone or local_zone_name()
    try:
        tz = timeutil.load_zone(zone_name)
    except timeutil.TimeFormatError as exc:
        raise UsageProblem(f"--timezone: {exc.message}; {exc.hint}") from None
    files = skeleton_files(title=title, base_url=base_url, zone_name=zone_name, now=now.astimezone(tz))
    files[REQUIREMENTS] = requirements_file(pin).encode("utf-8")
    files.update(host_files(hosts))
    try:
        _write_tree(target, files)
    except OSError as exc:
        raise StatusgenError(f"cannot write {display_path(target)}: {exc.strerror or exc}") from exc
    return sorted(files)


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise UsageProblem(f"{display_path(target)} is a file, not a folder")
    if target.is_dir():
        present = sorted(p.name for p in target.iterdir() if p.name not in ALLOWED_EXISTING)
        if present:
            shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
            raise StatusgenError(f"{display_path(target)} is not empty (it holds {shown}); statusgen init "
                                 "only fills an empty folder or a fresh git repository, and never overwrites "
                                 "a file")


def local_zone_name() -> str:
    """Return the IANA name of this computer's time zone ($TZ, then /etc/localtime), else ``UTC``."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = os.readlink("/etc/localtime")
        candidates.append(link.partition("zoneinfo/")[2])
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                timeutil.load_zone(name)
                return name
            except timeutil.TimeFormatError:
                continue
    return "UTC"


def skeleton_files(*, title: str, base_url: str, zone_name: str, now: dt.datetime) -> dict[str, bytes]:
    """Return every file of a new site in memory, by path relative to its folder."""
    title = " ".join(title.split())
    if not title:
        raise UsageProblem("--title is empty")
    times = example_times(now)
    files: dict[str, str] = {
        "content/site.yaml": _fill("site.yaml", title=inline_text(title), base_url=inline_text(base_url),
                                   timezone=inline_text(zone_name), since=times["announced"]),
        # Examples live outside the site folder: never published, whatever is committed.
        f"{EXAMPLES}/incidents/{times['incident']}.yaml": _fill("incident.yaml", **times),
        f"{EXAMPLES}/maintenance/{times['maintenance']}.yaml": _fill("maintenance.yaml", **times),
        f"{EXAMPLES}/commitments/{times['commitment']}.yaml": _fill("commitment.yaml", **times),
        f"{EXAMPLES}/README.md": _fill("examples.md"),
        ".gitignore": _fill("gitignore"),
        "README.md": _fill("README.md", title=title),
        ".vscode/settings.json": editor_settings(),
        ".vscode/extensions.json": json.dumps({"recommendations": ["redhat.vscode-yaml"]}, indent=2) + "\n",
    }
    for name in jsonschema_out.SCHEMAS:
        files[f"schemas/{jsonschema_out.file_name(name)}"] = jsonschema_out.render(name)
    return {rel: text.encode("utf-8") for rel, text in files.items()}


def example_times(now: dt.datetime) -> dict[str, str]:
    """Return the ids and times of the examples: a resolved incident three days ago, maintenance
    next week, and the commitment that came out of the incident, due in a month."""
    tz = now.tzinfo
    assert tz is not None
    today = now.date()
    day = today - dt.timedelta(days=3)

    def at(date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(date, dt.time(hour, minute), tzinfo=tz)

    def iso(value: dt.datetime) -> str:
        return value.replace(microsecond=0).isoformat(timespec="seconds")

    start = at(today + dt.timedelta(days=8), 6)
    made = at(day + dt.timedelta(days=1), 10)
    return {
        "incident": f"{day.isoformat()}-example-slow-api-responses",
        "maintenance": f"{start.date().isoformat()}-example-dashboard-upgrade",
        "commitment": f"{made.date().isoformat()}-example-index-checks",
        "at1": iso(at(day, 9, 20)), "at1_clock": "09:20",
        "at2": iso(at(day, 9, 48)), "at2_next": iso(at(day, 10, 30)),
        "at3": iso(at(day, 10, 21)), "at3_clock": "10:21",
        "announced": iso(now), "starts": iso(start), "ends": iso(start + dt.timedelta(hours=2)),
        "made": iso(made), "due": (today + dt.timedelta(days=30)).isoformat(),
        "progress": iso(at(today - dt.timedelta(days=1), 15)),
    }


def editor_settings() -> str:
    """Return .vscode/settings.json: each kind of YAML file checked against its schema."""
    schemas = {
        f"./schemas/{jsonschema_out.file_name(name)}": [f"content/{files}"]
        + ([f"{EXAMPLES}/{files}"] if name != "site" else [])
        for name, (_, files) in jsonschema_out.SCHEMAS.items()
    }
    return json.dumps({"yaml.schemas": schemas}, indent=2) + "\n"


def _fill(name: str, **values: str) -> str:
    return string.Template((SKELETON / name).read_text(encoding="utf-8")).substitute(values)


def _write_tree(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a temporary folder beside ``target``, validate the site, then move it in."""
    with fsutil.staging_folder(target, ".init") as tmp:
        fsutil.write_files(tmp, files)
        _validate(tmp)
        if not target.exists():
            os.replace(tmp, target)
        else:
            for entry in sorted(tmp.iterdir()):
                os.replace(entry, target / entry.name)


def _validate(root: Path) -> None:
    """Refuse options that make an invalid site.yaml or examples that would not fit it (the templates
    themselves are tested): the examples are read as if they were in the site."""
    examples = {path.relative_to(root / EXAMPLES).as_posix(): path.read_text(encoding="utf-8")
                for path in sorted((root / EXAMPLES).glob("*/*.yaml"))}
    try:
        load_site(root / "content", examples)
    except ContentError as exc:
        reasons = "; ".join(f"{p.message} ({p.hint})" if p.hint else p.message for p in exc.problems)
        raise UsageProblem(f"these options make an invalid site.yaml: {reasons}") from None


def add_hosts(repo: Path, hosts: list[Host], pin: Callable[[], Pin]) -> list[str]:
    """Write the files ``hosts`` need into the status repository ``repo``; return the paths written.

    A file already there with the same content is left as it is (hosts share check-pr.yml);
    one with other content stops everything before anything is written. ``requirements.txt``
    is written from ``pin()`` only when the repository has none (one made before hosts existed).

    :raises StatusgenError: when ``repo`` is no status repository, or a file would be overwritten.
    """
    if not (repo / "content" / "site.yaml").is_file():
        raise StatusgenError(f"{display_path(repo)} is not a status repository made by statusgen init "
                             "(it has no content/site.yaml); run the command in the repository's top folder, "
                             "or name it with --repo")
    files = files_to_add(repo, hosts)
    if not (repo / REQUIREMENTS).exists():
        files[REQUIREMENTS] = requirements_file(pin()).encode("utf-8")
    try:
        for rel in sorted(files):
            target = fsutil.inside(repo, rel)
            assert target is not None  # the paths are ours
            fsutil.write_atomic(target, files[rel], create=True)
    except FileExistsError as exc:  # made since we looked
        raise StatusgenError(f"{exc.filename} appeared while writing; nothing of it was overwritten") from None
    except OSError as exc:
        raise StatusgenError(f"cannot write in {display_path(repo)}: {exc.strerror or exc}") from exc
    return sorted(files)
