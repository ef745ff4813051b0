"""Read a site folder into the validated model, collecting every problem at once."""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from .. import timeutil
from ..errors import ContentError, Problem, Severity, display_path
from . import schema
from .appearance import read_appearance
from .model import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Component,
    Contact,
    Content,
    Due,
    Impact,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    MaintenanceUpdate,
    Policy,
    Postmortem,
    Site,
    Source,
)
from .schema import INVALID, Context, Record

log = logging.getLogger(__name__)

try:  # The C loader is several times faster on big sites.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

KIND_DIRS = ("incidents", "maintenance", "commitments")


def find_site(path: Path | None) -> Path:
    """Return the site folder: ``path``, else ``./content``, else ``.`` when it holds a site.yaml."""
    if path is not None:
        if not (path / "site.yaml").is_file():
            from ..errors import StatusgenError

            raise StatusgenError(f"{display_path(path)} is not a statusgen site: it has no site.yaml")
        return path
    for candidate in (Path("content"), Path(".")):
        if (candidate / "site.yaml").is_file():
            return candidate
    from ..errors import StatusgenError

    raise StatusgenError(
        "no site found: looked for content/site.yaml and ./site.yaml in "
        f"{Path.cwd()}; pass the site folder as an argument"
    )


def load_site(root: Path, overlay: Mapping[str, str] | None = None, *, cache: SiteCache | None = None) -> Content:
    """Load and validate everything in the site folder ``root``.

    :param overlay: texts to read instead of the files on disk, by path relative to ``root``
        (``incidents/<id>.yaml``); a path may name a file that does not exist yet. Authoring
        commands validate an edit this way before they write it.
    :param cache: what an earlier load of the same folder found; only files that changed since
        are read again (see :class:`SiteCache`). The result is the same as without it.
    :raises ContentError: with every problem found, when any of them is an error.
    """
    content, problems = read_site(root, overlay, cache=cache)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    for warning in sorted((p for p in problems if p.severity is Severity.WARNING), key=Problem.sort_key):
        log.warning(warning.format())
    if errors or content is None:
        raise ContentError(errors)
    return content


def read_site(
    root: Path, overlay: Mapping[str, str] | None = None, *, cache: SiteCache | None = None
) -> tuple[Content | None, list[Problem]]:
    """Load the site folder ``root``; return the content (None when anything is an error) and every problem.

    Unlike :func:`load_site` this never raises for content problems: `statusgen check` reports
    them together with its own findings.
    """
    problems: list[Problem] = []
    content = _SiteLoader(root, problems, overlay, cache if cache is not None else SiteCache()).load()
    return content, problems


@dataclass(frozen=True, slots=True)
class _Ref:
    """A reference from one file to an item in another, where it is written (for the message)."""

    target: str
    line: int
    column: int
    source: str


@dataclass(frozen=True, slots=True)
class _FileResult:
    """What one content file yields on its own: its item, its problems, its references to other files.

    Nothing here depends on the other item files, so it stays true until the file itself or
    what it was checked against in site.yaml (time zone, component ids) changes.
    """

    item_id: str
    shown: str
    #: (mtime_ns, size) when it was read; None when it was not read from disk.
    stamp: tuple[int, int] | None
    digest: bytes
    #: What the checks depended on outside the file: site.yaml's time zone and component ids.
    context: tuple[Any, ...]
    #: Whether the file passed the schema: only then do cross-file checks look at it.
    converted: bool
    item: Any
    #: Problems reading the file and checking it against the schema, then its own rules.
    read_problems: tuple[Problem, ...]
    check_problems: tuple[Problem, ...]
    #: Postmortem actions (incidents) or the incident (commitments), for the cross-file checks.
    refs: tuple[_Ref, ...]


class SiteCache:
    """What loading one site folder found per file, kept for the next load of the same folder.

    ``statusgen serve`` keeps one across rebuilds: a file is read and validated again only when
    it changed, and every file again when site.yaml's time zone or components change. The
    checks between files (postmortem actions, commitment incidents) run on every load from the
    references kept here, so a load with a cache gives exactly what a load without one gives.

    By default each load lists the folders and compares every file with what was read before
    (modification time and size, then the bytes). With ``watched=True`` a file watcher reports
    every change through :meth:`notice`, and a load looks only at the files noticed since the
    last one, reading them even when their time and size look unchanged.
    """

    def __init__(self, *, watched: bool = False) -> None:
        self.watched = watched
        self._files: dict[tuple[str, str], _FileResult] = {}
        #: Per kind: the names in its folder that are neither hidden nor folders, sorted.
        self._listing: dict[str, list[str]] = {}
        #: (kind, name) of the files noticed since the last load.
        self._noticed: set[tuple[str, str]] = set()
        #: Whether the next load looks at every file.
        self._full = True
        self._root = ""
        #: How many files the last load read and validated (for tests and timings).
        self.parsed = 0

    def notice(self, root: Path, paths: Iterable[Path]) -> None:
        """Record that ``paths`` were created, changed, deleted or renamed.

        Paths that are not content files of the site folder ``root`` are ignored; a change to
        a content folder itself makes the next load look at every file.
        """
        top = os.path.abspath(root)
        if top != self._root:
            self._full = True
        for path in paths:
            parts = os.path.relpath(os.path.abspath(path), top).split(os.sep)
            if len(parts) == 2 and parts[0] in KIND_DIRS:
                self._noticed.add((parts[0], parts[1]))
            elif len(parts) == 1 and parts[0] in KIND_DIRS:
                self._full = True

    def check_all(self) -> None:
        """Make the next load list the folders and compare every file again."""
        self._full = True

    def _context(self, context: tuple[Any, ...]) -> tuple[Any, ...]:
        """Return the cached results' context when it equals ``context`` (compared by identity later)."""
        for result in self._files.values():
            return result.context if result.context == context else context
        return context

    def _start(self, root: Path) -> None:
        top = os.path.abspath(root)
        if top != self._root:
            self._root, self._files, self._full = top, {}, True
        if self._full or not self.watched:
            self._listing = {}
        self.parsed = 0

    def _names(self, root: Path, kind: str) -> list[str]:
        """Return the sorted names in ``root/kind`` that may be content files."""
        names = self._listing.get(kind)
        if names is None:
            names = self._listing[kind] = _scan(root / kind)
            return names
        for noticed_kind, name in self._noticed:
            if noticed_kind != kind:
                continue
            here = bisect.bisect_left(names, name)
            listed = here < len(names) and names[here] == name
            if _is_file_entry(root / kind / name):
                if not listed:
                    names.insert(here, name)
            elif listed:
                del names[here]
        return names

    def _must_read(self, key: tuple[str, str]) -> bool | None:
        """Return True to read the file, False to trust the cache, None to compare time and size."""
        if key in self._noticed:
            return True
        return None if self._full or not self.watched else False

    def _finish(self, seen: set[tuple[str, str]]) -> None:
        if self._full:
            self._files = {key: self._files[key] for key in seen if key in self._files}
        else:
            for key in self._noticed - seen:
                self._files.pop(key, None)
        self._noticed = set()
        self._full = not self.watched


def _scan(folder: Path) -> list[str]:
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if not e.name.startswith(".") and not e.is_dir())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _is_file_entry(path: Path) -> bool:
    """Return whether ``path`` is listed like a content file: it exists and is not a folder."""
    return not path.name.startswith(".") and os.path.lexists(path) and not path.is_dir()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def compose_file(path: Path, ctx: Context, text: str) -> yaml.Node | None:
    """Parse one YAML document into nodes (keeping positions), reporting syntax errors."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line = mark.line + 1 if mark else 1
        source = ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""
        ctx.report(None, f"YAML syntax error: {problem}", _yaml_hint(problem, source),
                   line=line, column=mark.column + 1 if mark else 1)
        return None
    except yaml.YAMLError as exc:
        ctx.report(None, f"YAML error: {exc}", line=1, column=1)
        return None
    if node is None:
        ctx.report(None, "the file is empty", "every content file holds one YAML mapping", line=1, column=1)
        return None
    if not schema.check_tags(node, ctx):
        return None
    return node


def _yaml_hint(problem: str, source: str) -> str:
    if "tab" in problem or "\t" in source[: len(source) - len(source.lstrip())]:
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or written as a block with '|'"
    if "could not find expected ':'" in problem:
        return "check the indentation of this line and the one before"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "quote text that starts with @ or `"
    return "check the indentation and quoting around this line"


def _in_order(ctx: Context, update: Record, number: int, previous: dt.datetime | None) -> bool:
    """Return whether update ``number`` comes no earlier than the one before it; report it when not."""
    if previous is None or update["at"] >= previous:
        return True
    ctx.report(update.key_node("at"), f"update {number} is dated before update {number - 1}",
               "updates are listed oldest first; correct the time or the order")
    return False


class _SiteLoader:
    def __init__(self, root: Path, problems: list[Problem], overlay: Mapping[str, str] | None = None,
                 cache: SiteCache | None = None) -> None:
        self.root = root
        self.overlay = dict(overlay or {})
        self.cache = cache if cache is not None else SiteCache()
        # Resolving every path for messages is slow on big sites: work out the prefix once.
        self.shown_root = display_path(root)
        self.problems = problems
        self.tz: dt.tzinfo = timeutil.UTC
        self.components: set[str] = set()

    # -- files ---------------------------------------------------------------------------------

    def _read(self, path: Path) -> tuple[Context, yaml.Node | None]:
        ctx = Context(self._shown(path), "", self.problems)
        try:
            rel = path.relative_to(self.root).as_posix()
            text = self.overlay[rel] if rel in self.overlay else path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            ctx.report(None, f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8", line=1, column=1)
            return ctx, None
        except OSError as exc:
            ctx.report(None, f"cannot read the file: {exc.strerror}", line=0, column=0)
            return ctx, None
        ctx.lines = text.splitlines()
        return ctx, compose_file(path, ctx, text)

    def _item_files(self, kind: str) -> Iterator[tuple[str, str]]:
        """Yield (id, file name) of each content file of ``kind``, sorted; report misnamed files."""
        names = self.cache._names(self.root, kind)
        extra = {rel.rpartition("/")[2] for rel in self.overlay if rel.rpartition("/")[0] == kind}
        if extra:
            names = sorted(set(names) | {n for n in extra if not (self.root / kind / n).is_dir()})
        for name in names:
            # The common case first: a valid id with .yaml (PurePosixPath agrees on suffix and stem).
            if name.endswith(".yaml") and schema.SLUG_RE.match(name[:-5]):
                yield name[:-5], name
                continue
            if name.startswith("."):
                continue
            path = PurePosixPath(name)
            shown = self._shown_rel(f"{kind}/{name}")
            if path.suffix == ".yml":
                self.problems.append(Problem(shown, 0, 0, "content files end in .yaml, not .yml",
                                             f"rename it to {path.stem}.yaml"))
                continue
            if path.suffix != ".yaml":
                self.problems.append(Problem(shown, 0, 0, f"ignored: not a .yaml file in {kind}/",
                                             severity=Severity.WARNING))
                continue
            self.problems.append(Problem(shown, 0, 0, f"the file name {name!r} is not a valid id",
                                         schema.SLUG_HINT + "; rename the file"))

    def _shown(self, path: Path) -> str:
        return self._shown_rel(path.relative_to(self.root).as_posix())

    def _shown_rel(self, rel: str) -> str:
        return rel if self.shown_root == "." else f"{self.shown_root}/{rel}"

    # -- the whole site --------------------------------------------------------------------------

    def load(self) -> Content | None:
        cache = self.cache
        cache._start(self.root)
        site = self._load_site_yaml()
        context = cache._context((self.tz, frozenset(self.components), self.shown_root))
        # Without an overlay, in watch mode, a file nobody noticed is taken from the cache as is.
        trusted = cache._files if cache.watched and not cache._full and not self.overlay else {}
        noticed = cache._noticed
        results: dict[str, list[_FileResult]] = {}
        seen: set[tuple[str, str]] = set()
        for kind in KIND_DIRS:
            kept = results[kind] = []
            for item_id, name in self._item_files(kind):
                key = (kind, name)
                seen.add(key)
                result = trusted.get(key)
                if result is None or result.context is not context or key in noticed:
                    result = self._file(kind, item_id, name, context)
                if result.read_problems:
                    self.problems.extend(result.read_problems)
                if result.converted:
                    kept.append(result)
        cache._finish(seen)
        # Problems in the order they were always found: reading, each item's rules, cross-checks.
        for kind in KIND_DIRS:
            for result in results[kind]:
                if result.check_problems:
                    self.problems.extend(result.check_problems)
        self._cross_check(results)
        if site is None or any(p.severity is Severity.ERROR for p in self.problems):
            return None
        return Content(
            site=site,
            incidents=tuple(r.item for r in results["incidents"] if r.item is not None),
            maintenance=tuple(r.item for r in results["maintenance"] if r.item is not None),
            commitments=tuple(r.item for r in results["commitments"] if r.item is not None),
        )

    def _file(self, kind: str, item_id: str, name: str, context: tuple[Any, ...]) -> _FileResult:
        """Return what the file ``kind/name`` yields on its own, from the cache when it is unchanged."""
        rel = f"{kind}/{name}"
        if rel in self.overlay:
            return self._check_file(kind, item_id, rel, None, self.overlay[rel], context)
        key = (kind, name)
        cache = self.cache
        cached = cache._files.get(key)
        if cached is not None and cached.context != context:
            cached = None
        must_read = cache._must_read(key)
        if cached is not None and must_read is False:
            return cached
        path = self.root / kind / name
        # Stat before reading: a change in between leaves a stale stamp, never stale content.
        stamp = _stamp(path)
        if cached is not None and must_read is None and stamp == cached.stamp:
            return cached
        try:
            data: bytes | OSError = path.read_bytes()
        except OSError as exc:
            data = exc
        if cached is not None and not isinstance(data, OSError) and cached.digest == _digest(data):
            result = replace(cached, stamp=stamp)
        else:
            result = self._check_file(kind, item_id, rel, stamp, data, context)
        if stamp is not None and not isinstance(data, OSError):
            cache._files[key] = result
        else:
            cache._files.pop(key, None)
        return result

    def _check_file(self, kind: str, item_id: str, rel: str, stamp: tuple[int, int] | None,
                    data: bytes | str | OSError, context: tuple[Any, ...]) -> _FileResult:
        """Read, validate and check one content file on its own (``data``: its bytes, or overlay text)."""
        self.cache.parsed += 1
        shown = self._shown_rel(rel)
        read_problems: list[Problem] = []
        check_problems: list[Problem] = []
        ctx = Context(shown, "", read_problems)
        digest = b""
        node = None
        text: str | None = None
        if isinstance(data, OSError):
            ctx.report(None, f"cannot read the file: {data.strerror}", line=0, column=0)
        elif isinstance(data, str):
            text = data
        else:
            digest = _digest(data)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                ctx.report(None, f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8",
                           line=1, column=1)
        if text is not None:
            ctx.lines = text.splitlines()
            node = compose_file(self.root / rel, ctx, text)
        record = schema.KINDS[kind].convert(node, ctx) if node is not None else INVALID
        item = None
        refs: tuple[_Ref, ...] = ()
        if record is not INVALID:
            ctx.problems = check_problems
            check = {"incidents": self._incident, "maintenance": self._maintenance,
                     "commitments": self._commitment}[kind]
            item = check(item_id, ctx, record)
            refs = tuple(_Ref(target, ref.start_mark.line + 1, ref.start_mark.column + 1, _source_line(ctx, ref))
                         for target, ref in _references(kind, record) if target)
        return _FileResult(item_id, shown, stamp, digest, context, record is not INVALID, item,
                           tuple(read_problems), tuple(check_problems), refs)

    def _load_site_yaml(self) -> Site | None:
        path = self.root / "site.yaml"
        ctx, node = self._read(path)
        if node is None:
            return None
        rec = schema.SITE.convert(node, ctx)
        if rec is INVALID:
            return None
        if rec.get("timezone"):
            self.tz = rec["timezone"]
        components: list[Component] = []
        seen: dict[str, int] = {}
        for item, _ in rec.get("components", []) or []:
            if not item:
                continue
            cid = item.get("id")
            if cid and cid in seen:
                ctx.report(item.key_node("id"), f"duplicate component id {cid!r}",
                           f"it is first used on line {seen[cid]}; component ids must be unique")
                continue
            if cid:
                seen[cid] = item.key_node("id").start_mark.line + 1
                components.append(Component(cid, item.get("name", cid), item.get("group"), item.get("description", "")))
        self.components = set(seen)
        policy_rec = rec.get("policy") or schema.POLICY.convert(yaml.MappingNode("tag:yaml.org,2002:map", []), ctx)
        every_rec = policy_rec.get("update_every") or schema.UPDATE_EVERY.convert(
            yaml.MappingNode("tag:yaml.org,2002:map", []), ctx)
        if not self._valid(rec) or not self._valid(policy_rec) or not self._valid(every_rec):
            return None
        contact = rec.get("contact")
        base_url = rec["base_url"]
        look = read_appearance(self.root, rec, ctx)
        return Site(
            title=rec["title"],
            base_url=base_url if base_url.endswith("/") else base_url + "/",
            description=rec.get("description", ""),
            timezone=rec["timezone"],
            language=rec.get("language", "en"),
            contact=Contact(contact.get("email", ""), contact.get("url", "")) if contact else Contact(),
            feedback_url=rec.get("feedback_url", ""),
            policy=Policy(
                update_every={impact: every_rec[impact.value] for impact in Impact},
                maintenance_notice=policy_rec["maintenance_notice"],
                postmortem_within=policy_rec["postmortem_within"],
                refresh=policy_rec["refresh"],
                backfill_tolerance=policy_rec["backfill_tolerance"],
            ),
            components=tuple(components),
            source=Source(ctx.path, rec.lines()),
            feed_entries=rec.get("feed_entries", 50),
            theme=look.theme,
            colors=look.colors,
            logo=look.logo,
            logo_dark=look.logo_dark,
        )

    # -- helpers ---------------------------------------------------------------------------------

    def _check_components(self, ctx: Context, mapping: dict[str, tuple[Any, yaml.Node]]) -> None:
        for cid, (_, key_node) in mapping.items():
            if self.components and cid not in self.components:
                ctx.report(key_node, f"unknown component {cid!r}",
                           schema._did_you_mean(cid, sorted(self.components), "components in site.yaml: "))

    @staticmethod
    def _valid(value: Any) -> bool:
        """Return whether nothing in the record ``value``, however deep, failed validation."""
        return isinstance(value, Record) and value.ok

    def _due(self, value: dt.date | dt.datetime) -> Due:
        if isinstance(value, dt.datetime):
            return Due(value, value)
        return Due(value, timeutil.end_of_day(value, self.tz))

    # -- incidents -------------------------------------------------------------------------------

    def _incident(self, item_id: str, ctx: Context, rec: Record) -> Incident | None:
        components = rec.get("components", {}) or {}
        if components is not INVALID:
            self._check_components(ctx, components)
        raw_updates = rec.get("updates") or []
        updates: list[IncidentUpdate] = []
        ok = self._valid(rec)
        started_at = rec.get("started_at")
        previous_status: IncidentStatus | None = None
        previous_at: dt.datetime | None = None
        for number, (u, _) in enumerate(raw_updates, start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            at = u["at"]
            status = u.get("status")
            corrects = u.get("corrects")
            if corrects is not None and corrects >= number:
                ctx.report(u.key_node("corrects"), f"update {number} corrects update {corrects}, which "
                           + ("is itself" if corrects == number else "does not exist before it"),
                           f"`corrects` names an earlier update of this incident, 1 to {number - 1}"
                           if number > 1 else "the first update cannot be a correction")
                ok = False
            if status is None:
                if "status" in u.typos:
                    ok = False  # reported as an unknown key with "did you mean 'status'?"
                    continue
                if corrects is None or previous_status is None:
                    ctx.report(u.node, "missing required key 'status'",
                               "one of investigating, identified, monitoring, resolved (only a correction may "
                               "leave it out)")
                    ok = False
                    continue
                status = previous_status
            if not _in_order(ctx, u, number, previous_at):
                ok = False
            if started_at and at < started_at:
                ctx.report(u.key_node("at"), f"update {number} is dated before the incident started "
                           f"({started_at.isoformat()})", "an update cannot come before `started_at`")
                ok = False
            posted_at = u.get("posted_at")
            if posted_at is not None and posted_at < at:
                ctx.report(u.key_node("posted_at"), "posted_at is before at",
                           "posted_at is when a backfilled update was really posted, so it is after `at`")
                ok = False
            next_by = self._next_update(ctx, u, status)
            if next_by is INVALID:
                ok = False
                next_by = None
            comp = u.get("components")
            if comp:
                self._check_components(ctx, comp)
            updates.append(IncidentUpdate(
                number=number, at=at, status=status, body=u["body"], posted_at=posted_at,
                components={k: v for k, (v, _) in comp.items()} if comp else None,
                next_update_by=next_by, corrects=corrects, line=u.line,
            ))
            previous_status, previous_at = status, at
        postmortem = rec.get("postmortem")
        if postmortem and self._valid(postmortem) and updates:
            resolved = [x for x in updates if x.status is IncidentStatus.RESOLVED]
            if not resolved:
                ctx.report(postmortem.node, "a postmortem on an incident that is not resolved",
                           "publish the postmortem after an update with status: resolved")
                ok = False
            elif postmortem["published_at"] < resolved[0].at:
                ctx.report(postmortem.key_node("published_at"), "the postmortem is dated before the incident was "
                           "resolved", "published_at must be after the resolving update")
                ok = False
        if not ok or not updates or len(updates) != len(raw_updates):
            return None
        return Incident(
            id=item_id,
            title=rec["title"],
            impact=rec["impact"],
            components={k: v for k, (v, _) in components.items()},
            started_at=started_at or updates[0].at,
            updates=tuple(updates),
            source=Source(ctx.path, rec.lines()),
            workaround=rec.get("workaround", ""),
            postmortem=Postmortem(postmortem["published_at"], postmortem["body"],
                                  tuple(a for a, _ in postmortem.get("actions", []))) if postmortem else None,
        )

    def _next_update(self, ctx: Context, u: Record, status: Any) -> dt.datetime | None:
        """Return the promised time of the next update, if any; INVALID after reporting a problem."""
        within, by = u.get("next_update_in"), u.get("next_update_by")
        if within is None and by is None:
            return None
        if within is not None and by is not None:
            ctx.report(u.key_node("next_update_by"), "both next_update_in and next_update_by are given",
                       "promise the next update one way: keep one of them")
            return INVALID
        if status in (IncidentStatus.RESOLVED, CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
            key = "next_update_in" if within is not None else "next_update_by"
            ctx.report(u.key_node(key), f"a {status.value} update cannot promise a next update",
                       "remove it; say in the body if more is to come (a postmortem, for example)")
            return INVALID
        posted = u.get("posted_at") or u["at"]
        if by is not None:
            if by <= u["at"]:
                ctx.report(u.key_node("next_update_by"), "next_update_by is not after this update's time",
                           "the promised time must be later than `at`")
                return INVALID
            return by
        return posted + within

    # -- maintenance -----------------------------------------------------------------------------

    def _maintenance(self, item_id: str, ctx: Context, rec: Record) -> Maintenance | None:
        ok = self._valid(rec)
        components = rec.get("components")
        if components:
            self._check_components(ctx, components)
        if ok and rec["ends_at"] <= rec["starts_at"]:
            ctx.report(rec.key_node("ends_at"), "ends_at is not after starts_at",
                       "a maintenance window ends after it starts")
            ok = False
        if ok and rec["announced_at"] > rec["starts_at"]:
            ctx.report(rec.key_node("announced_at"), "announced_at is after starts_at",
                       "maintenance is announced before it starts; for unplanned work open an incident")
            ok = False
        updates: list[MaintenanceUpdate] = []
        previous: dt.datetime | None = None
        for number, (u, _) in enumerate(rec.get("updates") or [], start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            if not _in_order(ctx, u, number, previous):
                ok = False
            if ok and u["at"] < rec["announced_at"]:
                ctx.report(u.key_node("at"), f"update {number} is dated before the announcement",
                           "updates come after announced_at")
                ok = False
            previous = u["at"]
            updates.append(MaintenanceUpdate(number, u["at"], u["status"], u["body"], u.line))
        if not ok:
            return None
        return Maintenance(
            id=item_id, title=rec["title"], components={k: v for k, (v, _) in components.items()},
            announced_at=rec["announced_at"], starts_at=rec["starts_at"], ends_at=rec["ends_at"],
            body=rec["body"], updates=tuple(updates), source=Source(ctx.path, rec.lines()),
        )

    # -- commitments -----------------------------------------------------------------------------

    def _commitment(self, item_id: str, ctx: Context, rec: Record) -> Commitment | None:
        ok = self._valid(rec)
        for cid, node in rec.get("components", []) or []:
            if cid and self.components and cid not in self.components:
                ctx.report(node, f"unknown component {cid!r}",
                           schema._did_you_mean(cid, sorted(self.components), "components in site.yaml: "))
                ok = False
        due = rec.get("due")
        if ok and self._due(due).deadline <= rec["made_at"]:
            ctx.report(rec.key_node("due"), "the due date is not after made_at",
                       "a commitment is due after it is made")
            ok = False
        updates: list[CommitmentUpdate] = []
        previous: dt.datetime | None = None
        finished: CommitmentUpdate | None = None
        for number, (u, _) in enumerate(rec.get("updates") or [], start=1):
            if u is INVALID or not self._valid(u):
                ok = False
                continue
            at, status = u["at"], u["status"]
            if ok and at < rec["made_at"]:
                ctx.report(u.key_node("at"), f"update {number} is dated before the commitment was made",
                           "updates come after made_at")
                ok = False
            if not _in_order(ctx, u, number, previous):
                ok = False
            if finished is not None:
                ctx.report(u.key_node("status"), f"update {number} follows update {finished.number}, which "
                           f"already marked the commitment {finished.status.value}",
                           "a delivered or withdrawn commitment is finished; make a new commitment instead")
                ok = False
            new_due = u.get("due")
            if new_due is not None and status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN):
                ctx.report(u.key_node("due"), f"a {status.value} update cannot set a new due date",
                           "remove `due`, or use status at_risk or in_progress to move the date")
                ok = False
            if new_due is not None and not u.get("body"):
                ctx.report(u.node, "moving the due date needs a reason in `body`",
                           "say why the date moves; customers see the original and the new date")
                ok = False
            if status is CommitmentStatus.WITHDRAWN and not u.get("body"):
                ctx.report(u.node, "withdrawing a commitment needs a reason in `body`",
                           "say why the promise is withdrawn and what customers can do instead")
                ok = False
            next_by = self._next_update(ctx, u, status)
            if next_by is INVALID:
                ok = False
                next_by = None
            update = CommitmentUpdate(number, at, status, u.get("body", ""),
                                      self._due(new_due) if new_due is not None else None, next_by, u.line)
            if status in (CommitmentStatus.DELIVERED, CommitmentStatus.WITHDRAWN) and finished is None:
                finished = update
            updates.append(update)
            previous = at
        if not ok:
            return None
        return Commitment(
            id=item_id, title=rec["title"], made_at=rec["made_at"], due=self._due(due),
            components=tuple(c for c, _ in rec.get("components", [])), body=rec["body"],
            updates=tuple(updates), source=Source(ctx.path, rec.lines()), incident=rec.get("incident"),
        )

    # -- references between files ----------------------------------------------------------------

    def _cross_check(self, results: dict[str, list[_FileResult]]) -> None:
        incident_ids = {r.item_id for r in results["incidents"]}
        commitment_ids = {r.item_id for r in results["commitments"]}
        for result in results["incidents"]:
            for ref in result.refs:
                if ref.target not in commitment_ids:
                    action = ref.target
                    self._report_ref(result, ref, f"postmortem action {action!r} names no commitment",
                                     schema._did_you_mean(action, sorted(commitment_ids), "create commitments/"
                                                          f"{action}.yaml, or use one of: ") if commitment_ids else
                                     f"create commitments/{action}.yaml describing the action")
        for result in results["commitments"]:
            for ref in result.refs:
                incident = ref.target
                if incident not in incident_ids:
                    self._report_ref(result, ref, f"unknown incident {incident!r}",
                                     schema._did_you_mean(incident, sorted(incident_ids),
                                                          "no incident file has that id")
                                     if incident_ids else "no incident file has that id")

    def _report_ref(self, result: _FileResult, ref: _Ref, message: str, hint: str) -> None:
        self.problems.append(Problem(result.shown, ref.line, ref.column, message, hint, Severity.ERROR, ref.source))


def _references(kind: str, rec: Record) -> Iterator[tuple[Any, yaml.Node]]:
    """Yield (id, node) of every item of another file that the record names."""
    if kind == "incidents":
        postmortem = rec.get("postmortem")
        if postmortem:
            yield from postmortem.get("actions", [])
    elif kind == "commitments":
        incident = rec.get("incident")
        if incident:
            yield incident, rec.key_node("incident")


def _source_line(ctx: Context, node: yaml.Node) -> str:
    line = node.start_mark.line + 1
    return ctx.lines[line - 1] if 0 < line <= len(ctx.lines) else ""


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
