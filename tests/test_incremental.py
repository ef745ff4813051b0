"""Incremental builds (statusgen serve): after any sequence of edits, the same bytes as a full build.

The property test drives a site through random additions, edits, deletions and mistakes,
rebuilding incrementally after each step and comparing every output byte for byte with a
full build of the same files at the same instant. The other tests pin down what each step
reuses: which files are read again, which views are made again, which pages are rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest

from statusgen.build import render_all
from statusgen.content.loader import SiteCache, load_site, read_site
from statusgen.errors import ContentError
from statusgen.outputs.theme import Theme
from statusgen.outputs.write import OutputError
from statusgen.preview.builder import SiteBuilder
from statusgen.resources import default_theme_dir
from statusgen.timeutil import parse_time
from statusgen.view import CommitmentView, Deriver, IncidentView, StatusView, derive

from .conftest import EXAMPLE_SITE, NOW

#: Steps of the random walk; STATUSGEN_INCREMENTAL_STEPS=500 for a longer search.
STEPS = int(os.environ.get("STATUSGEN_INCREMENTAL_STEPS", "30"))


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates by name and source, shared by every environment of these tests."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


@pytest.fixture(autouse=True)
def _compile_templates_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Full builds for reference compile the theme afresh every time; these tests make hundreds."""
    environment = Theme.environment

    def cached(self: Theme, *args: Any, **kwargs: Any) -> jinja2.Environment:
        env = environment(self, *args, **kwargs)
        env.bytecode_cache = _COMPILED
        return env

    monkeypatch.setattr(Theme, "environment", cached)


def full_build(site: Path, now: dt.datetime = NOW, theme: Theme | None = None) -> dict[str, bytes]:
    """Return every output of a full build of ``site`` at ``now``: pages, generated files and assets."""
    content = load_site(site)
    return render_all(derive(content, now), theme or Theme.for_site(content.site), jobs=1)


def served(builder: SiteBuilder) -> dict[str, bytes]:
    assert builder.snapshot is not None
    return {**builder.snapshot.files, **builder.snapshot.assets}


def assert_same_site(incremental: dict[str, bytes], full: dict[str, bytes], context: str) -> None:
    missing, extra = sorted(full.keys() - incremental.keys()), sorted(incremental.keys() - full.keys())
    assert not missing and not extra, f"{context}: missing {missing}, extra {extra}"
    differ = sorted(path for path in full if full[path] != incremental[path])
    assert not differ, f"{context}: these outputs differ from a full build: {differ}"


# -- a site that changes at random ---------------------------------------------------------------

COMPONENTS = ("api", "web", "email")
ZONES = ("Europe/Berlin", "America/New_York")


def _t(value: dt.datetime) -> str:
    return value.isoformat()


@dataclass
class RandomSite:
    """A site kept as data, written as YAML; each step changes it the way an author would."""

    root: Path
    rng: random.Random
    title: str = "Test Status"
    zone: str = "Europe/Berlin"
    incidents: dict[str, dict] = field(default_factory=dict)
    maintenance: dict[str, dict] = field(default_factory=dict)
    commitments: dict[str, dict] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    serial: int = 0

    # -- the files -----------------------------------------------------------------------------

    def texts(self) -> dict[str, str]:
        components = "".join(f"  - {{id: {c}, name: {c.title()} service, group: Platform}}\n" for c in COMPONENTS)
        out = {"site.yaml": f"title: {self.title}\nbase_url: https://status.test.example/\n"
                            f"timezone: {self.zone}\ncomponents:\n{components}"}
        for item_id, i in self.incidents.items():
            lines = [f"title: {i['title']}", f"impact: {i['impact']}",
                     "components: {" + ", ".join(f"{c}: {s}" for c, s in i["components"].items()) + "}",
                     f"started_at: {_t(i['started'])}", "updates:"]
            for at, status, body in i["updates"]:
                lines += [f"  - at: {_t(at)}", f"    status: {status}", f"    body: {body}"]
            if i["postmortem"]:
                published, actions = i["postmortem"]
                lines += ["postmortem:", f"  published_at: {_t(published)}", "  body: What happened.",
                          f"  actions: [{', '.join(actions)}]"]
            out[f"incidents/{item_id}.yaml"] = "\n".join(lines) + "\n"
        for item_id, m in self.maintenance.items():
            lines = [f"title: {m['title']}", f"components: [{', '.join(m['components'])}]",
                     f"announced_at: {_t(m['announced'])}", f"starts_at: {_t(m['starts'])}",
                     f"ends_at: {_t(m['ends'])}", "body: Some work.", "updates:"]
            lines += [f"  - {{at: {_t(at)}, status: {status}, body: {body}}}" for at, status, body in m["updates"]]
            if not m["updates"]:
                lines[-1] = "updates: []"
            out[f"maintenance/{item_id}.yaml"] = "\n".join(lines) + "\n"
        for item_id, c in self.commitments.items():
            lines = [f"title: {c['title']}", f"made_at: {_t(c['made'])}", f"due: {c['due'].isoformat()}",
                     f"components: [{c['component']}]", "body: We will do it."]
            if c["incident"]:
                lines.append(f"incident: {c['incident']}")
            if c["updates"]:
                lines.append("updates:")
                for at, status, due in c["updates"]:
                    lines += [f"  - at: {_t(at)}", f"    status: {status}", "    body: Progress."]
                    if due:
                        lines.append(f"    due: {due.isoformat()}")
            out[f"commitments/{item_id}.yaml"] = "\n".join(lines) + "\n"
        return out

    def write(self) -> list[Path]:
        """Write what changed since the last write; return the paths touched."""
        texts = self.texts()
        touched = []
        for rel in sorted(self.written.keys() - texts.keys()):
            (self.root / rel).unlink()
            touched.append(self.root / rel)
        for rel, text in sorted(texts.items()):
            if self.written.get(rel) != text:
                path = self.root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                touched.append(path)
        self.written = texts
        return touched

    # -- the steps -----------------------------------------------------------------------------

    def new_id(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix}-{self.serial}"

    def when(self, days_back: float) -> dt.datetime:
        # Whole minutes, in the site's usual offset or in UTC.
        value = NOW - dt.timedelta(minutes=int(days_back * 1440))
        return value if self.rng.random() < 0.7 else value.astimezone(dt.UTC)

    def add_incident(self) -> None:
        rng = self.rng
        started = self.when(rng.choice([0.1, 3, 10, 40, 95, 200]) * rng.uniform(0.5, 1))
        updates = [(started + dt.timedelta(minutes=10), "investigating", "We are looking into it.")]
        is_open = started > NOW - dt.timedelta(days=1) and rng.random() < 0.5
        if not is_open:
            updates.append((started + dt.timedelta(minutes=rng.randint(30, 600)), "resolved",
                            "Fixed; it lasted a while."))
        components = {c: rng.choice(["degraded_performance", "partial_outage", "major_outage"])
                      for c in rng.sample(COMPONENTS, rng.randint(1, 2))}
        self.incidents[self.new_id("i")] = {
            "title": rng.choice(["Slow API", "Errors & timeouts", "Login <failures>", "Webhooks delayed"]),
            "impact": rng.choice(["none", "minor", "major", "critical"]), "components": components,
            "started": started, "updates": updates, "postmortem": None}

    def update_incident(self) -> None:
        if not self.incidents:
            return self.add_incident()
        i = self.incidents[self.rng.choice(sorted(self.incidents))]
        last = i["updates"][-1][0]
        at = min(last + dt.timedelta(minutes=self.rng.randint(1, 90)), NOW)
        if last > at:
            return None
        status = "resolved" if i["updates"][-1][1] == "resolved" else self.rng.choice(["identified", "resolved"])
        i["updates"].append((at, status, f"Update {self.serial}."))
        return None

    def retitle_incident(self) -> None:
        if self.incidents:
            self.incidents[self.rng.choice(sorted(self.incidents))]["title"] = f"Renamed {self.serial}"

    def move_incident(self) -> None:
        """Another start (another month, maybe in or out of the uptime window), same updates offsets."""
        if not self.incidents:
            return
        i = self.incidents[self.rng.choice(sorted(self.incidents))]
        if i["postmortem"]:
            return
        shift = dt.timedelta(days=self.rng.choice([-40, -20, 25]))
        if max(u[0] for u in i["updates"]) + shift > NOW:
            return
        i["started"] += shift
        i["updates"] = [(at + shift, status, body) for at, status, body in i["updates"]]

    def delete_incident(self) -> None:
        if not self.incidents:
            return
        gone = self.rng.choice(sorted(self.incidents))
        del self.incidents[gone]
        for c in self.commitments.values():
            if c["incident"] == gone:
                c["incident"] = None

    def add_commitment(self) -> None:
        rng = self.rng
        made = self.when(rng.choice([2, 20, 60]))
        linked = rng.choice(sorted(self.incidents)) if self.incidents and rng.random() < 0.6 else None
        self.commitments[self.new_id("c")] = {
            "title": rng.choice(["Health checks", "Second relay", "Alerts"]), "made": made,
            "due": (made + dt.timedelta(days=rng.choice([5, 30, 90]))).date(), "component": rng.choice(COMPONENTS),
            "incident": linked, "updates": []}

    def update_commitment(self) -> None:
        open_ones = [k for k, c in self.commitments.items()
                     if not c["updates"] or c["updates"][-1][1] not in ("delivered", "withdrawn")]
        if not open_ones:
            return self.add_commitment()
        c = self.commitments[self.rng.choice(sorted(open_ones))]
        last = c["updates"][-1][0] if c["updates"] else c["made"]
        at = min(last + dt.timedelta(days=1), NOW)
        if at < last:
            return None
        due = c["updates"][-1][2] if c["updates"] and c["updates"][-1][2] else c["due"]
        if self.rng.random() < 0.5:
            c["updates"].append((at, "delivered", None))
        else:
            c["updates"].append((at, "at_risk", due + dt.timedelta(days=14)))
        return None

    def add_postmortem(self) -> None:
        resolved = [k for k, i in self.incidents.items() if i["updates"][-1][1] == "resolved" and not i["postmortem"]]
        if not resolved or not self.commitments:
            return
        i = self.incidents[self.rng.choice(sorted(resolved))]
        action = self.rng.choice(sorted(self.commitments))
        i["postmortem"] = (i["updates"][-1][0] + dt.timedelta(hours=2), [action])

    def delete_commitment(self) -> None:
        if not self.commitments:
            return
        gone = self.rng.choice(sorted(self.commitments))
        del self.commitments[gone]
        for i in self.incidents.values():
            if i["postmortem"] and gone in i["postmortem"][1]:
                i["postmortem"] = None

    def add_maintenance(self) -> None:
        starts = NOW + dt.timedelta(hours=self.rng.choice([-30 * 24, -2, 5, 72]))
        self.maintenance[self.new_id("m")] = {
            "title": "Upgrade", "components": self.rng.sample(COMPONENTS, 1),
            "announced": starts - dt.timedelta(days=4), "starts": starts, "ends": starts + dt.timedelta(hours=3),
            "updates": []}

    def update_maintenance(self) -> None:
        started = [k for k, m in self.maintenance.items() if m["starts"] < NOW and not m["updates"]]
        if not started:
            return self.add_maintenance()
        m = self.maintenance[self.rng.choice(sorted(started))]
        m["updates"].append((m["starts"] + dt.timedelta(minutes=1), "in_progress", "Started."))
        return None

    def delete_maintenance(self) -> None:
        if self.maintenance:
            del self.maintenance[self.rng.choice(sorted(self.maintenance))]

    def edit_site(self) -> None:
        if self.rng.random() < 0.5:
            self.title = f"Status {self.serial}"
        else:
            self.zone = ZONES[1 - ZONES.index(self.zone)]  # every date moves: every file is checked again

    STEPS = (add_incident, add_incident, update_incident, update_incident, retitle_incident, move_incident,
             delete_incident, add_commitment, update_commitment, add_postmortem, delete_commitment,
             add_maintenance, update_maintenance, delete_maintenance, edit_site)


def test_incremental_builds_equal_full_builds_after_random_edits(tmp_path: Path) -> None:
    for seed in (1, 2):
        root = tmp_path / f"site-{seed}"
        site = RandomSite(root, random.Random(seed))
        for _ in range(4):
            site.add_incident()
        site.add_commitment()
        site.add_maintenance()
        site.write()
        builder = SiteBuilder(root, now=NOW)
        builder.build()
        for step in range(STEPS):
            action = site.rng.choice(RandomSite.STEPS)
            action(site)
            touched = site.write()
            builder.notice(touched)
            if site.rng.random() < 0.15:
                # A mistake: nothing changes until it is fixed, and fixing it brings everything back.
                victim = root / site.rng.choice(sorted(site.written))
                before = served(builder)
                victim.write_text(victim.read_text() + "oops: [\n", encoding="utf-8")
                builder.notice([victim])
                with pytest.raises(ContentError):
                    builder.build()
                assert served(builder) == before
                victim.write_text(site.written[victim.relative_to(root).as_posix()], encoding="utf-8")
                builder.notice([victim])
            builder.build()
            assert_same_site(served(builder), full_build(root), f"seed {seed}, step {step} ({action.__name__})")


def test_with_the_clock_each_page_is_the_one_its_build_would_make(tmp_path: Path) -> None:
    """Without --now, random edits while time passes: every page served is what a full build of the
    site as it was then, at the time it was rendered, makes; the generated files are the latest."""
    site = RandomSite(tmp_path / "site", random.Random(3))
    for _ in range(4):
        site.add_incident()
    site.add_commitment()
    site.write()
    now = NOW
    builder = SiteBuilder(site.root, clock=lambda: now)
    builder.build()
    fulls = [full_build(site.root, now)]
    rendered_in = dict.fromkeys(served(builder), 0)
    for step in range(1, STEPS // 2):
        now += dt.timedelta(minutes=site.rng.choice([1, 20, 180, 1500]))
        action = site.rng.choice(RandomSite.STEPS)
        action(site)
        builder.notice(site.write())
        result = builder.build()
        fulls.append(full_build(site.root, now))
        rendered_in.update(dict.fromkeys(result.rendered, step))
        for path, data in served(builder).items():
            made = rendered_in.get(path, step) if path.endswith(".html") else step
            assert data == fulls[made][path], f"step {step} ({action.__name__}): {path} is not as made at {made}"


# -- what each step reuses ----------------------------------------------------------------------


@pytest.fixture
def example(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE_SITE, site)
    return site


def edit(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_only_the_changed_file_is_read_again(example: Path) -> None:
    cache = SiteCache(watched=True)
    load_site(example, cache=cache)
    assert cache.parsed == len(list(example.glob("*/*.yaml")))
    path = edit(example / "incidents/2026-09-17-email-delays.yaml", "title: ", "title: Really ")
    cache.notice(example, [path])
    content = load_site(example, cache=cache)
    assert cache.parsed == 1
    assert content == load_site(example)
    # A file saved again with the same bytes is read, and its result reused.
    cache.notice(example, [path])
    load_site(example, cache=cache)
    assert cache.parsed == 0


def test_a_new_time_zone_checks_every_file_again(example: Path) -> None:
    cache = SiteCache(watched=True)
    load_site(example, cache=cache)
    site_yaml = edit(example / "site.yaml", "timezone: Europe/Berlin", "timezone: America/Chicago")
    cache.notice(example, [site_yaml])
    assert load_site(example, cache=cache) == load_site(example)
    assert cache.parsed == len(list(example.glob("*/*.yaml")))


def test_without_a_watcher_the_cache_compares_every_file(example: Path) -> None:
    cache = SiteCache()
    load_site(example, cache=cache)
    path = example / "incidents/2026-09-17-email-delays.yaml"
    edit(path, "title: ", "title: Much longer title, ")  # another size
    assert load_site(example, cache=cache) == load_site(example)
    assert cache.parsed == 1
    path.unlink()  # a commitment names it: the same problems, with or without the cache
    assert read_site(example, cache=cache) == read_site(example)


def test_cross_file_problems_come_back_from_cached_files(example: Path) -> None:
    cache = SiteCache(watched=True)
    load_site(example, cache=cache)
    gone = example / "incidents/2026-10-08-storage-upload-errors.yaml"
    gone.unlink()
    cache.notice(example, [gone])
    with pytest.raises(ContentError) as cached:
        load_site(example, cache=cache)
    with pytest.raises(ContentError) as fresh:
        load_site(example)
    assert cached.value.format_message() == fresh.value.format_message()
    assert "unknown incident '2026-10-08-storage-upload-errors'" in cached.value.format_message()


def test_views_of_unchanged_items_are_reused(example: Path) -> None:
    cache = SiteCache(watched=True)
    views = Deriver()
    first = views.derive(load_site(example, cache=cache), NOW)
    path = edit(example / "incidents/2026-09-17-email-delays.yaml", "title: ", "title: Really ")
    cache.notice(example, [path])
    content = load_site(example, cache=cache)
    second = views.derive(content, NOW)
    # The incident, and the commitment that came out of it: its page shows the incident's title.
    assert views.made == 2
    assert {c.id for c in second.commitments if not any(c is d for d in first.commitments)} == {
        "2026-09-18-email-second-relay"}
    assert items_of(second) == items_of(derive(content, NOW))
    same = {v.id for v in second.incidents if any(v is w for w in first.incidents)}
    assert same == {v.id for v in first.incidents} - {"2026-09-17-email-delays"}


def test_reused_views_are_those_a_later_now_would_make(example: Path) -> None:
    """A view is reused at a later instant only while nothing in it can have changed."""
    content = load_site(example)
    rng = random.Random(7)
    for _ in range(30):
        views = Deriver()
        earlier = NOW + dt.timedelta(hours=rng.uniform(-24 * 80, 24 * 40))
        later = earlier + dt.timedelta(minutes=rng.choice([1, 30, 600, 3 * 1440, 40 * 1440]))
        views.derive(content, earlier)
        assert items_of(views.derive(content, later)) == items_of(derive(content, later)), (earlier, later)


def items_of(view: StatusView) -> dict[tuple[str, str], dict[str, Any]]:
    """Return every item view as plain fields; links to other views by id (views link both ways)."""
    found = {}
    for item in (*view.incidents, *view.maintenance, *view.commitments):
        values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
        if isinstance(item, IncidentView):
            values["actions"] = [c.id for c in item.actions]
        if isinstance(item, CommitmentView):
            values["incident"] = item.incident.id if item.incident else None
        found[(type(item).__name__, item.id)] = values
    return found


def rendered_after(builder: SiteBuilder, *paths: Path) -> set[str]:
    builder.notice(paths)
    return set(builder.build().rendered)


def test_an_edit_renders_the_pages_that_show_the_item(example: Path) -> None:
    builder = SiteBuilder(example, now=NOW)
    assert len(builder.build().rendered) > 30
    # A resolved incident: its page first, then its component's page, its month, the commitment made
    # after it and the ledger (they name it), and the home page (its uptime bars name what caused
    # each day with issues). Nothing else: not the other incidents, components or months.
    builder.notice([edit(example / "incidents/2026-09-17-email-delays.yaml", "title: ", "title: Really ")])
    result = builder.build()
    assert result.rendered[:result.first] == ["incidents/2026-09-17-email-delays/index.html"]
    assert set(result.rendered) == {"incidents/2026-09-17-email-delays/index.html", "index.html",
                                    "components/email/index.html", "history/2026/09/index.html",
                                    "commitments/index.html", "commitments/2026-09-18-email-second-relay/index.html"}
    assert served(builder) == full_build(example)


def test_an_unchanged_save_renders_nothing(example: Path) -> None:
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    path = example / "incidents/2026-11-20-api-latency.yaml"
    path.write_bytes(path.read_bytes())
    assert rendered_after(builder, path) == set()


def test_an_open_incident_renders_the_home_page_first_after_its_own(example: Path) -> None:
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    steps: list[tuple[bool, set[str]]] = []
    path = example / "incidents/2026-11-25-sso-sign-in-failures.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-11-25T11:58:00+01:00\n"
                    "    status: identified\n    body: Still broken; a fix is coming.\n", encoding="utf-8")
    builder.notice([path])
    result = builder.build(publish=lambda p: steps.append((p.final, set(p.changed))))
    page = "incidents/2026-11-25-sso-sign-in-failures/index.html"
    assert steps[0] == (False, {page})  # served before anything else
    assert steps[-1][0] is True and "index.html" in steps[-1][1] and "feed.xml" in steps[-1][1]
    assert "index.html" in result.rendered and result.complete
    assert served(builder) == full_build(example)


def test_a_new_overall_status_renders_every_page(example: Path) -> None:
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    path = example / "incidents/2026-11-25-sso-sign-in-failures.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - at: 2026-11-25T11:58:00+01:00\n"
                    "    status: resolved\n    body: Fixed; sign-in failed for 6% of users for an hour.\n",
                    encoding="utf-8")
    builder.notice([path])
    result = builder.build()
    assert result.full  # the favicon of every page shows the overall status
    assert served(builder) == full_build(example)


def test_an_interrupted_build_is_finished_by_the_next(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("statusgen.preview.builder.CHUNK", 5)
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    site_yaml = edit(example / "site.yaml", "title: ", "title: New ")
    builder.notice([site_yaml])
    asked = []
    result = builder.build(interrupted=lambda: asked.append(1) or True)
    assert not result.complete and asked and len(result.rendered) == 5
    result = builder.build()
    assert result.complete
    assert served(builder) == full_build(example)


def test_a_template_change_renders_every_page_and_a_stylesheet_change_renames_its_links(
        example: Path, tmp_path: Path) -> None:
    """Pages link a stylesheet by a hash of its content: a saved stylesheet is a new name on every page,
    given to the pages served by renaming that link, with the same bytes a full build gives."""
    theme_dir = tmp_path / "theme"
    shutil.copytree(default_theme_dir(), theme_dir)
    theme = Theme([theme_dir])
    builder = SiteBuilder(example, now=NOW, theme=theme)
    pages = len(builder.build().rendered)
    template = edit(theme_dir / "templates/404.html", "{% block main %}", "{% block main %}<!-- edited -->")
    builder.notice([template])
    assert len(builder.build().rendered) == pages
    style = theme_dir / "static/style.css"
    for n in range(3):
        before = builder.snapshot.assets if builder.snapshot else {}
        style.write_text(style.read_text(encoding="utf-8") + f"\n/* edited {n} */\n", encoding="utf-8")
        builder.notice([style])
        result = builder.build()
        assert result.rendered == [] and "index.html" in result.changed
        (old,) = [path for path in result.removed if path.startswith("static/style.")]
        (new,) = [path for path in result.changed if path.startswith("static/style.")]
        assert old in before and old != new
        assert served(builder) == full_build(example, theme=theme)
        # An incident saved in between: its pages are rendered with the new name.
        incident = edit(example / "incidents/2026-09-17-email-delays.yaml", "body: ", f"body: Take {n}. ")
        builder.notice([incident])
        builder.build()
        assert served(builder) == full_build(example, theme=theme)
    # A new static file, a change to it, and its removal: the preview still equals a full build.
    extra = theme_dir / "static/custom.css"
    for text in ("body{color:red}", "body{color:navy}", None):
        if text is None:
            extra.unlink()
        else:
            extra.write_text(text, encoding="utf-8")
        builder.notice([extra])
        builder.build()
        assert served(builder) == full_build(example, theme=theme)


def test_with_the_clock_each_page_is_what_a_full_build_at_its_time_gives(example: Path) -> None:
    """Without --now, pages rendered later show the later time; the others stay as they were rendered."""
    times = iter(NOW + dt.timedelta(minutes=n) for n in range(0, 100, 7))
    now = next(times)
    builder = SiteBuilder(example, clock=lambda: now)
    builder.build()
    made_at = dict.fromkeys(served(builder), now)
    for file in ("incidents/2026-09-17-email-delays.yaml", "incidents/2026-11-25-sso-sign-in-failures.yaml"):
        now = next(times)
        builder.notice([edit(example / file, "body: ", "body: Again. ")])
        result = builder.build()
        assert "index.html" in result.rendered  # the home page says "as of" the latest build
        made_at.update(dict.fromkeys(result.rendered, now))
        fulls: dict[dt.datetime, dict[str, bytes]] = {}
        for page, data in served(builder).items():
            if page.endswith(".html"):
                when = made_at[page]
                if when not in fulls:
                    fulls[when] = full_build(example, when)
                assert data == fulls[when][page], f"{page} is not the page a full build at {when} makes"


def test_the_first_build_with_workers_gives_the_same_bytes(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("statusgen.outputs.pages.PARALLEL_MIN_PAGES", 0)
    builder = SiteBuilder(example, now=NOW, jobs=2)
    builder.build()
    assert served(builder) == full_build(example)
    path = edit(example / "incidents/2026-09-17-email-delays.yaml", "title: ", "title: Really ")
    builder.notice([path])
    builder.build()
    assert served(builder) == full_build(example)


@pytest.mark.parametrize("text", ["oops: [", "title: [unclosed\n"])
def test_a_broken_file_keeps_the_last_good_site(example: Path, text: str) -> None:
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    before = served(builder)
    path = example / "incidents/2026-11-20-api-latency.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + text, encoding="utf-8")
    builder.notice([path])
    with pytest.raises(ContentError):
        builder.build()
    assert served(builder) == before
    path.write_text(good.replace("title: ", "title: Fixed ", 1), encoding="utf-8")
    builder.notice([path])
    builder.build()
    assert served(builder) == full_build(example)


def test_parse_time_offsets_do_not_confuse_the_order(example: Path) -> None:
    """Sorting by whole microseconds orders like aware datetimes, across offsets."""
    a = parse_time("2026-11-20T10:00:00+01:00")
    b = parse_time("2026-11-20T09:00:00.000001Z")
    from statusgen.timeutil import instant

    assert (a < b) == (instant(a) < instant(b))
    assert instant(parse_time("2026-11-20T09:00:00Z")) == instant(a)



def test_a_theme_that_reads_more_than_declared_is_rendered_every_time(example: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    """A site theme's footer counts every incident: no declaration says so, so every page is rendered."""
    theme = example / "theme" / "templates"
    theme.mkdir(parents=True)
    (theme / "base.html").write_text('{% extends "default/base.html" %}\n{% block footer_extra %}'
                                     "<p>{{ view.incidents|length }} incidents so far</p>{% endblock %}\n",
                                     encoding="utf-8")
    edit(example / "site.yaml", "timezone:", "theme: theme\ntimezone:")
    builder = SiteBuilder(example, now=NOW)
    with caplog.at_level("INFO", logger="statusgen.preview.page_inputs"):
        pages = len(builder.build().rendered)
    assert "reads view.incidents, which the preview does not follow" in caplog.text
    source = example / "incidents/2026-11-20-api-latency.yaml"
    (example / "incidents/2026-11-21-another.yaml").write_text(source.read_text(encoding="utf-8"),
                                                                encoding="utf-8")
    builder.notice([example / "incidents/2026-11-21-another.yaml"])
    assert len(builder.build().rendered) == pages + 1
    assert served(builder) == full_build(example)


def test_a_build_that_fails_half_way_leaves_nothing_stale(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builder = SiteBuilder(example, now=NOW)
    builder.build()
    path = edit(example / "incidents/2026-11-20-api-latency.yaml", "title: ", "title: Still ")
    builder.notice([path])

    def fail(view: StatusView) -> dict[str, bytes]:
        raise OutputError("two outputs want the same path: feed.xml")

    with monkeypatch.context() as patch:
        patch.setattr(builder, "_generate", fail)
        with pytest.raises(OutputError):
            builder.build()  # its own page was served; the pages that show it were not
    result = builder.build()
    assert "index.html" in result.rendered and "components/api/index.html" in result.rendered
    assert served(builder) == full_build(example)
