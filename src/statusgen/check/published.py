"""`statusgen check --since REF`: what was published is permanent, compared with git history.

Everything at REF counts as published: a content file that exists there, and each update in
it. For each content file that differs from REF, it is compared as data (comments, quoting,
line wrapping and the offset a time is written in do not matter):

- the updates (and a postmortem's revisions) by position with their versions at REF: an
  edited, deleted, reordered or inserted one is an error, because customers read the
  original and the ``#update-<n>`` links point at it;
- every other published key (:mod:`.facts`): changed in place, it is an error that says what
  it said and what it says now, and how to make the change honestly, with an appended update;
- a deleted file is an error, and a renamed one is reported as a rename, naming the new file
  (git's rename detection, else matching content): ids are addresses customers bookmarked;
- site.yaml's policy: weaker promises, and a change without a new ``policy.since``, are warnings.

New updates are also compared with the commits that added them (``git log``): one committed
much later than the time it claims is a backfill, which must say so with ``posted_at``.

Git is run read-only (``rev-parse``, ``diff``, ``ls-files``, ``log``, ``cat-file``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import timeutil
from ..content.kinds import BY_FOLDER, FOLDERS
from ..content.limits import FILE_LIMIT
from ..content.values import SLUG_RE
from ..errors import Problem, Severity, display_path
from ..fsutil import RefusedFile, read_regular
from .clock import local
from .facts import LISTS, File, Finding, fact_findings, instant, its, key_of, parse, policy_findings
from .git import Git, open_repo

log = logging.getLogger(__name__)


#: The key that says when a new file was made public, by kind (compared with its first commit).
_ANNOUNCED = {"maintenance": "announced_at", "commitments": "made_at"}
_CORRECTION_HINT = {
    "incidents": "restore update {n} as it was and add a new update with `corrects: {n}`; the original stays "
                 "visible beside the correction",
    "maintenance": "restore update {n} as it was and add a new update that corrects it",
    "commitments": "restore update {n} as it was and add a new update that corrects it",
    "revision": "restore revision {n} as it was and add a new revision (`statusgen postmortem ID --body ...`)",
}
#: Keys of a file that identify it when it was renamed without git noticing (by kind).
_IDENTITY = {"incidents": ("started_at", "title"), "maintenance": ("announced_at", "title"),
             "commitments": ("made_at", "title")}


def _is_item_file(rel: str) -> bool:
    """Return whether ``rel`` is read as an item by the loader: ``kind/<id>.yaml``, the id matched whole.

    Any other name (a line break in it, say) is reported by the loader, and must never reach
    ``git cat-file --batch``, whose answers are read line by line.
    """
    kind, _, name = rel.partition("/")
    return kind in FOLDERS and name.endswith(".yaml") and SLUG_RE.fullmatch(name[:-5]) is not None


# -- comparing ------------------------------------------------------------------------------------


@dataclass
class _Changes:
    """How the updates of one file changed since REF: by old and new position (0-based)."""

    edited: list[tuple[int, int]] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    moved: list[tuple[int, int]] = field(default_factory=list)
    inserted: list[int] = field(default_factory=list)
    appended: list[int] = field(default_factory=list)


def compare_updates(old: list[Any], new: list[Any]) -> _Changes:
    """Align two lists of updates; only appending at the end leaves published updates untouched."""
    keys_old = [key_of(u) for u in old]
    keys_new = [key_of(u) for u in new]
    changes = _Changes()
    old_left: list[int] = []
    new_left: list[int] = []
    pairs: list[tuple[int, int]] = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs.extend(zip(range(i1, i2), range(j1, j2), strict=False) if tag == "replace" else [])
        old_left.extend(range(i1, i2))
        new_left.extend(range(j1, j2))
    # An update found unchanged elsewhere was moved, not edited or deleted.
    for i in list(old_left):
        j = next((j for j in new_left if keys_new[j] == keys_old[i]), None)
        if j is not None:
            changes.moved.append((i, j))
            old_left.remove(i)
            new_left.remove(j)
    for i, j in pairs:
        if i in old_left and j in new_left:
            changes.edited.append((i, j))
            old_left.remove(i)
            new_left.remove(j)
    changes.deleted = old_left
    # New updates after the last published one are appended; anywhere else they shift the numbers.
    matched = [j for tag, _, _, j1, j2 in matcher.get_opcodes() if tag == "equal" for j in range(j1, j2)]
    last = max(matched + [j for _, j in changes.moved + changes.edited], default=-1)
    changes.appended = [j for j in new_left if j > last]
    changes.inserted = [j for j in new_left if j <= last]
    return changes


@dataclass
class _Context:
    git: Git
    since: str
    commit: str
    prefix: str
    shown_root: str
    now: dt.datetime
    tz: dt.tzinfo
    tolerance: dt.timedelta

    def shown(self, rel: str) -> str:
        return rel if self.shown_root == "." else f"{self.shown_root}/{rel}"


def _problem(ctx: _Context, rel: str, line: int, rule: str, message: str, hint: str,
             severity: Severity = Severity.ERROR) -> Problem:
    return Problem(ctx.shown(rel), line, 0, message, hint, severity, rule=rule)


def _update_problems(ctx: _Context, rel: str, kind: str, old: File, new: File, path: str,
                     changes: _Changes) -> Iterator[Problem]:
    ref = ctx.since
    noun = LISTS[path]
    hint_of = _CORRECTION_HINT["revision" if noun == "revision" else kind]
    before, after = old.lists[path], new.lists[path]
    list_line = new.line(path)
    for i, j in changes.edited:
        for key in _changed_keys(before.values[i], after.values[j]):
            line = after.key_lines[j].get(key, after.lines[j])
            what = its(key, _value(before.values[i], key), _value(after.values[j], key), ctx.tz)
            yield _problem(ctx, rel, line, "update-edited",
                           f"{noun} {i + 1} was edited after it was published (in {ref}): {what}",
                           hint_of.format(n=i + 1))
    for i in changes.deleted:
        line = after.lines[i] if i < len(after.lines) else list_line
        yield _problem(ctx, rel, line, "update-deleted",
                       f"{noun} {i + 1} was deleted after it was published (it is in {ref})",
                       f"restore it as it was in {ref}; to take something back, add a new {noun} that says so")
    for i, j in changes.moved:
        yield _problem(ctx, rel, after.lines[j], "update-reordered",
                       f"{noun} {i + 1} was moved to position {j + 1} after it was published (compared with {ref})",
                       f"restore the published order and add new {noun}s at the end: their numbers are "
                       "permalinks (#update-N)")
    for j in changes.inserted:
        yield _problem(ctx, rel, after.lines[j], "update-inserted",
                       f"a new {noun} was inserted as {noun} {j + 1}, before {noun}s already published in {ref}",
                       f"add new {noun}s at the end of the list: inserting one renumbers the published ones, "
                       "whose numbers are permalinks (#update-N)")


def _changed_keys(old: Any, new: Any) -> list[str]:
    """Return the keys whose values differ between two versions of an update (mappings)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return ["text"] if old != new else []
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def _value(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else item


def _findings(ctx: _Context, rel: str, findings: Iterator[Finding]) -> Iterator[Problem]:
    for f in findings:
        yield _problem(ctx, rel, f.line, f.rule, f.message, f.hint, f.severity)


# -- backfill ------------------------------------------------------------------------------------------


def _commit_times(ctx: _Context, wanted: dict[str, list[int]]) -> dict[str, dict[int, dt.datetime]]:
    """Return, per file, when each wanted update position (0-based) was first committed after REF.

    Walks the commits after REF that touch the files, oldest first, and reads each file at
    each of them (one ``cat-file`` process for all): the first commit that holds more than
    ``n`` updates is the one that added update ``n``. Positions never committed are missing.
    Position -1 asks when the file itself was first committed.
    """
    paths = [ctx.prefix + rel for rel in wanted]
    out = ctx.git.run("log", "--reverse", "--no-renames", "--format=%x00%H %cI", "--name-only",
                      f"{ctx.commit}..HEAD", "--", *paths).decode()
    touched: list[tuple[str, dt.datetime, list[str]]] = []
    for chunk in out.split("\x00")[1:]:
        head, _, names = chunk.partition("\n")
        sha, _, stamp = head.partition(" ")
        touched.append((sha, dt.datetime.fromisoformat(stamp.strip()), [n for n in names.split("\n") if n]))
    specs = [(sha, at, name) for sha, at, names in touched for name in names if name in paths]
    blobs = ctx.git.blobs([f"{sha}:{name}" for sha, _, name in specs])
    found: dict[str, dict[int, dt.datetime]] = {rel: {} for rel in wanted}
    for (_, when, name), blob in zip(specs, blobs, strict=True):
        rel = name[len(ctx.prefix):]
        parsed = parse(blob)
        if parsed is None:
            continue
        for n in wanted[rel]:
            if n not in found[rel] and len(parsed.updates) > n:
                found[rel][n] = when
    return found


def _claimed(update: Any) -> tuple[dt.datetime | None, bool]:
    """Return the time an update claims it was posted, and whether it says so with ``posted_at``."""
    if not isinstance(update, dict):
        return None, False
    posted = instant(update.get("posted_at"))
    return (posted, True) if posted else (instant(update.get("at")), False)


def _backfill_problems(ctx: _Context, rel: str, new: File, positions: list[int],
                       committed: dict[int, dt.datetime]) -> Iterator[Problem]:
    kind = rel.split("/", 1)[0]
    for j in positions:
        if j == -1:
            yield from _announcement_backfill(ctx, rel, new, _ANNOUNCED[kind], committed.get(-1))
            continue
        claimed, declared = _claimed(new.updates[j])
        if claimed is None:
            continue
        when = committed.get(j)
        suffix = "" if when else " (not committed yet: compared with now)"
        when = when or ctx.now
        late = when - claimed
        if late <= ctx.tolerance:
            continue
        said = "says it was posted" if declared else "is dated"
        stamp = when.astimezone(ctx.tz).isoformat()
        if kind != "incidents":  # only incident updates have posted_at
            hint = f"set `at` to when customers could first read it ({stamp})"
        elif declared:
            hint = f"set posted_at to when it was really posted ({stamp})"
        else:
            hint = (f"if it was written after the fact, add `posted_at: {stamp}` so the page shows both times and "
                    "the incident does not look shorter than it was")
        yield _problem(ctx, rel, new.lines[j], "backfilled",
                       f"update {j + 1} {said} {local(claimed, ctx.tz)} but was committed "
                       f"{local(when, ctx.tz)}, {timeutil.humanize_duration(late)} later{suffix}",
                       hint, Severity.WARNING)


def _announcement_backfill(ctx: _Context, rel: str, new: File, key: str,
                           committed: dt.datetime | None) -> Iterator[Problem]:
    """Warn when a new maintenance or commitment claims to have been made public long before its commit."""
    claimed = instant(new.data.get(key))
    if claimed is None:
        return
    suffix = "" if committed else " (not committed yet: compared with now)"
    when = committed or ctx.now
    if when - claimed <= ctx.tolerance:
        return
    yield _problem(ctx, rel, new.key_lines.get(key, 1), "backfilled",
                   f"{key} is {local(claimed, ctx.tz)} but the file was committed {local(when, ctx.tz)}, "
                   f"{timeutil.humanize_duration(when - claimed)} later{suffix}",
                   f"set {key} to when customers could first read it ({when.astimezone(ctx.tz).isoformat()})"
                   + ("; notice is counted from it" if key == "announced_at" else ""), Severity.WARNING)


# -- the whole comparison ------------------------------------------------------------------------------


def compare_history(site_dir: Path, since: str, *, now: dt.datetime, tz: dt.tzinfo,
                    tolerance: dt.timedelta) -> list[Problem]:
    """Return every problem found by comparing the site folder with the git revision ``since``.

    :param tz: zone for times in messages (the site's).
    :param tolerance: how much later than the time it claims an update may be committed.
    :raises HistoryError: when git, the repository or the revision is missing.
    """
    git, prefix, commit = open_repo(site_dir, since)
    ctx = _Context(git, since, commit, prefix, display_path(site_dir), now, tz, tolerance)
    changed, renamed = _changed_files(ctx)
    log.debug("compared with %s (%s): %d changed content files", since, commit[:12], len(changed))
    wanted = sorted({renamed.get(rel, rel) for rel in changed} | {"site.yaml"})
    olds = dict(zip(wanted, git.blobs([f"{commit}:{prefix}{rel}" for rel in wanted]), strict=True))
    news = {rel: parse(data) for rel, how in changed.items()
            if how != "D" and (data := _read(site_dir, rel)) is not None}
    renamed.update(_renamed_by_content(changed, olds, news, renamed))

    problems: list[Problem] = []
    backfill: dict[str, list[int]] = {}
    gone = set(renamed.values())
    for rel in sorted(changed):
        kind = rel.split("/", 1)[0]
        new = news.get(rel)
        if rel not in news:
            if olds.get(rel) is not None and rel not in gone:
                problems.append(_problem(
                    ctx, rel, 0, "file-deleted",
                    f"this {BY_FOLDER[kind].singular} was deleted after it was published (it is in {since})",
                    "restore it: published incidents, maintenance and commitments stay, and their URLs are "
                    "permalinks; to take something back, add an update that says so"))
            continue
        if new is None:
            continue  # the loader reports why it cannot be read
        was = renamed.get(rel, rel)
        if was != rel:
            problems.append(_rename_problem(ctx, rel, was, kind))
        if olds.get(was) is None:
            # A new file: every update is new, and so is the announcement or promise it makes.
            backfill[rel] = ([-1] if kind in _ANNOUNCED else []) + list(range(len(new.updates)))
            continue
        old = parse(olds[was])
        if old is None:
            log.debug("%s cannot be read as it was at %s; not compared", was, since)
            continue
        for path in LISTS:
            changes = compare_updates(old.lists[path].values, new.lists[path].values)
            problems.extend(_update_problems(ctx, rel, kind, old, new, path, changes))
            if path == "updates" and changes.appended:
                backfill[rel] = changes.appended
        problems.extend(_findings(ctx, rel, fact_findings(kind, old, new, since, tz)))
    site_yaml = _read(site_dir, "site.yaml")
    if site_yaml is not None:
        findings = policy_findings(parse(olds.get("site.yaml")), parse(site_yaml), since, tz)
        problems.extend(_findings(ctx, "site.yaml", findings))
    if backfill:
        committed = _commit_times(ctx, backfill)
        for rel, positions in sorted(backfill.items()):
            new = news[rel]
            assert new is not None
            problems.extend(_backfill_problems(ctx, rel, new, positions, committed[rel]))
    return problems


def _read(site_dir: Path, rel: str) -> bytes | None:
    """Return a file of the site as the loader reads it (a regular file inside the site), else None."""
    try:
        return read_regular(site_dir / rel, within=site_dir, limit=FILE_LIMIT)
    except (OSError, RefusedFile):
        return None  # the loader reports why it cannot be read


def _changed_files(ctx: _Context) -> tuple[dict[str, str], dict[str, str]]:
    """Return the content files that differ from REF (``A``dded, ``D``eleted, ``M``odified, ``R``enamed,
    by path relative to the site) and the renames git found (new path -> old path), untracked files included."""
    prefix = ctx.prefix
    specs = [f"{prefix}{kind}/" for kind in FOLDERS]
    status = ctx.git.run("diff", "--find-renames", "--no-ext-diff", "--name-status", "-z", ctx.commit, "--",
                         *specs).decode()
    fields = status.split("\x00")
    changed: dict[str, str] = {}
    renamed: dict[str, str] = {}
    n = 0
    while n < len(fields) - 1:
        how = fields[n][:1]
        if how in ("R", "C") and n + 2 < len(fields):
            old, new = fields[n + 1][len(prefix):], fields[n + 2][len(prefix):]
            n += 3
            if how == "R":
                changed[old] = "D"
            changed[new] = "R"
            renamed[new] = old
            continue
        changed[fields[n + 1][len(prefix):]] = how
        n += 2
    untracked = ctx.git.run("ls-files", "-z", "--others", "--exclude-standard", "--", *specs).decode()
    for name in filter(None, untracked.split("\x00")):
        changed.setdefault(name[len(prefix):], "A")
    content = {rel: how for rel, how in changed.items() if _is_item_file(rel)}
    # A rename from one kind to another is no rename: the item is gone from where it was published.
    renames = {new: old for new, old in renamed.items() if new in content and old in content
               and new.split("/")[0] == old.split("/")[0]}
    return content, renames


def _renamed_by_content(changed: dict[str, str], olds: dict[str, bytes | None], news: dict[str, File | None],
                        renamed: dict[str, str]) -> dict[str, str]:
    """Return renames git did not see (not committed yet, or heavily edited): a new file that is a deleted one.

    A file is the same item as a deleted one of its kind when its first update is the same, or the
    facts that name it (:data:`_IDENTITY`) are. Looked up by those keys: linear in the files changed.
    """
    taken = set(renamed.values())
    by_key: dict[str, str] = {}
    for rel in sorted(rel for rel in changed if rel not in news and rel not in taken and olds.get(rel) is not None):
        old = parse(olds.get(rel))
        if old is not None:
            for key in _identities(rel.split("/")[0], old):
                by_key.setdefault(key, rel)
    found: dict[str, str] = {}
    for rel, new in sorted(news.items()):
        if new is None or rel in renamed or olds.get(rel) is not None:
            continue
        was = next((by_key[k] for k in _identities(rel.split("/")[0], new)
                    if k in by_key and by_key[k] not in found.values()), None)
        if was is not None:
            found[rel] = was
    return found


def _identities(kind: str, file: File) -> list[str]:
    """Return the keys that identify a published item: its first update, and its naming facts."""
    keys = [key_of([kind, "first", file.updates[0]])] if file.updates else []
    when, title = _IDENTITY[kind]
    if file.get(when) is not None:
        keys.append(key_of([kind, file.get(when), file.get(title)]))
    return keys


def _rename_problem(ctx: _Context, rel: str, was: str, kind: str) -> Problem:
    noun = BY_FOLDER[kind].singular
    old_id, new_id = was.split("/")[1][:-5], rel.split("/")[1][:-5]
    return _problem(ctx, rel, 1, "file-renamed",
                    f"this {noun} was renamed from {ctx.shown(was)} to {ctx.shown(rel)} after it was published (it "
                    f"is in {ctx.since} as {old_id}): its address {BY_FOLDER[kind].url(old_id)} is a permalink "
                    "customers bookmarked",
                    f"rename it back (git mv {ctx.shown(rel)} {ctx.shown(was)}): the id of a published "
                    f"{noun} never changes, and {new_id} would be a new page with the old one gone")
