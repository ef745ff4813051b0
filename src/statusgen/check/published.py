"""`statusgen check --since REF`: published updates are append-only, compared with git history.

Everything at REF counts as published. For each content file that differs from REF, the
updates are compared by position with their versions at REF, as data (comments, quoting,
line wrapping and the offset a time is written in do not matter): an edited, deleted,
reordered or inserted update is an error, because customers read the original and the
``#update-<n>`` links point at it. So is a deleted content file, and a rewritten published
fact: an incident's start moved later, a commitment's original due date or ``made_at``,
a maintenance's ``announced_at``.

New updates are also compared with the commits that added them (``git log``): one committed
much later than the time it claims is a backfill, which must say so with ``posted_at``.

Git is run read-only (``rev-parse``, ``diff``, ``ls-files``, ``log``, ``cat-file``).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import timeutil
from ..content.kinds import BY_FOLDER, FOLDERS
from ..content.limits import FILE_LIMIT
from ..content.values import SLUG_RE
from ..content.yamlfile import compose, is_tree
from ..errors import Problem, Severity, display_path
from ..fsutil import RefusedFile, read_regular
from .clock import local
from .git import Git, open_repo

log = logging.getLogger(__name__)


#: Time keys compared as instants, so rewriting the offset is not an edit.
_TIME_KEYS = {"at", "posted_at", "next_update_by", "started_at", "announced_at", "starts_at", "ends_at",
              "made_at", "published_at", "due"}
#: The key that says when a new file was made public, by kind (compared with its first commit).
_ANNOUNCED = {"maintenance": "announced_at", "commitments": "made_at"}
#: Top-level facts that must not change once published, by kind of file.
_FACTS = {"incidents": ("started_at",), "maintenance": ("announced_at",), "commitments": ("made_at", "due")}
_CORRECTION_HINT = {
    "incidents": "restore update {n} as it was and add a new update with `corrects: {n}`; the original stays "
                 "visible beside the correction",
    "maintenance": "restore update {n} as it was and add a new update that corrects it",
    "commitments": "restore update {n} as it was and add a new update that corrects it",
}


# -- the content files as data ------------------------------------------------------------------


@dataclass
class _File:
    """One content file read as data: normalised values, and the line of each update."""

    data: dict[str, Any]
    updates: list[Any]
    lines: list[int]
    key_lines: dict[str, int] = field(default_factory=dict)


def _parse(text: bytes | str | None) -> _File | None:
    if text is None:
        return None
    try:
        node = compose(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(node, yaml.MappingNode) or not is_tree(node):
        return None  # aliases: the loader refuses the file (and a cycle would never end here)
    data = _plain(node)
    key_lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
    updates_node = next((v for k, v in node.value if getattr(k, "value", None) == "updates"), None)
    items = updates_node.value if isinstance(updates_node, yaml.SequenceNode) else []
    return _File(data, [_plain(i) for i in items], [i.start_mark.line + 1 for i in items], key_lines)


def _plain(node: yaml.Node, key: str = "") -> Any:
    """Return a node as comparable data: times as UTC instants, text with whitespace collapsed."""
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain(v, str(k.value))
                for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    text = " ".join(str(node.value).split())
    if key in _TIME_KEYS:
        try:
            return timeutil.parse_time(text).astimezone(dt.UTC).isoformat()
        except timeutil.TimeFormatError:
            pass
    return text


def _is_item_file(rel: str) -> bool:
    kind, _, name = rel.partition("/")
    return kind in FOLDERS and name.endswith(".yaml") and SLUG_RE.fullmatch(name[:-5]) is not None


def _instant(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


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
    keys_old = [json.dumps(u, sort_keys=True) for u in old]
    keys_new = [json.dumps(u, sort_keys=True) for u in new]
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


def _update_problems(ctx: _Context, rel: str, kind: str, old: _File, new: _File,
                     changes: _Changes) -> Iterator[Problem]:
    ref = ctx.since
    updates_line = new.key_lines.get("updates", 1)
    for i, j in changes.edited:
        keys = _changed_keys(old.updates[i], new.updates[j])
        what = f"{', '.join(keys)} changed" if keys else "changed"
        yield _problem(ctx, rel, new.lines[j], "update-edited",
                       f"update {i + 1} was edited after it was published ({what} since {ref})",
                       _CORRECTION_HINT[kind].format(n=i + 1))
    for i in changes.deleted:
        line = new.lines[i] if i < len(new.lines) else updates_line
        yield _problem(ctx, rel, line, "update-deleted",
                       f"update {i + 1} was deleted after it was published (it is in {ref})",
                       f"restore it as it was in {ref}; to take something back, add a new update that "
                       "says so")
    for i, j in changes.moved:
        yield _problem(ctx, rel, new.lines[j], "update-reordered",
                       f"update {i + 1} was moved to position {j + 1} after it was published "
                       f"(compared with {ref})",
                       "restore the published order and add new updates at the end: update numbers are "
                       "permalinks (#update-N)")
    for j in changes.inserted:
        yield _problem(ctx, rel, new.lines[j], "update-inserted",
                       f"a new update was inserted as update {j + 1}, before updates already published "
                       f"in {ref}",
                       "add new updates at the end of the list: inserting one renumbers the published ones, "
                       "whose numbers are permalinks (#update-N)")


def _fact_problems(ctx: _Context, rel: str, kind: str, old: _File, new: _File) -> Iterator[Problem]:
    for key in _FACTS[kind]:
        before, after = old.data.get(key), new.data.get(key)
        if key == "started_at":
            # The start defaults to the first update; only a later start shortens the incident.
            b, a = _instant(before or _first_at(old)), _instant(after or _first_at(new))
            if b is None or a is None or a <= b:
                continue
            line = new.key_lines.get("started_at") or (new.lines[0] if new.lines else 1)
            yield _problem(ctx, rel, line, "fact-edited",
                           f"the incident's start was moved later, from {local(b, ctx.tz)} to "
                           f"{local(a, ctx.tz)}, after it was published (in {ctx.since})",
                           "restore the published start: a published incident never gets shorter; if the "
                           "time was wrong, say so in a correction")
            continue
        if before is None or before == after:
            continue
        hints = {
            "due": "restore the original `due` and move the date with an update that gives the new `due` "
                   "and the reason: customers see both dates",
            "made_at": "restore it: made_at is when the promise was made public",
            "announced_at": "restore it: announced_at is when customers were told, and notice is counted "
                            "from it",
        }
        yield _problem(ctx, rel, new.key_lines.get(key, 1), "fact-edited",
                       f"{key} was changed from {_show(before, ctx.tz)} to {_show(after, ctx.tz)} after "
                       f"it was published (in {ctx.since})", hints[key])


def _changed_keys(old: Any, new: Any) -> list[str]:
    """Return the keys whose values differ between two versions of an update (mappings)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def _first_at(file: _File) -> Any:
    """Return the `at` of a file's first update: an incident's start when it gives no `started_at`."""
    return file.updates[0].get("at") if file.updates and isinstance(file.updates[0], dict) else None


def _show(value: Any, tz: dt.tzinfo) -> str:
    instant = _instant(value)
    if instant is not None and instant.tzinfo is not None:
        return local(instant, tz)
    return str(value) if value is not None else "nothing"


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
        parsed = _parse(blob)
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
    posted = _instant(update.get("posted_at"))
    return (posted, True) if posted else (_instant(update.get("at")), False)


def _backfill_problems(ctx: _Context, rel: str, new: _File, positions: list[int],
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
        hint = (f"set posted_at to when it was really posted ({stamp})" if declared
                else f"if it was written after the fact, add `posted_at: {stamp}` so the page shows both "
                "times and the incident does not look shorter than it was")
        yield _problem(ctx, rel, new.lines[j], "backfilled",
                       f"update {j + 1} {said} {local(claimed, ctx.tz)} but was committed "
                       f"{local(when, ctx.tz)}, {timeutil.humanize_duration(late)} later{suffix}",
                       hint, Severity.WARNING)


def _announcement_backfill(ctx: _Context, rel: str, new: _File, key: str,
                           committed: dt.datetime | None) -> Iterator[Problem]:
    """Warn when a new maintenance or commitment claims to have been made public long before its commit."""
    claimed = _instant(new.data.get(key))
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
    specs = [f"{prefix}{kind}/" for kind in FOLDERS]
    status = git.run("diff", "--no-renames", "--no-ext-diff", "--name-status", "-z", commit, "--",
                     *specs).decode()
    fields = status.split("\x00")
    changed = {fields[n + 1][len(prefix):]: fields[n][0] for n in range(0, len(fields) - 1, 2)}
    untracked = git.run("ls-files", "-z", "--others", "--exclude-standard", "--", *specs).decode()
    for name in filter(None, untracked.split("\x00")):
        changed.setdefault(name[len(prefix):], "A")
    # Only files the loader reads as items: `kind/<id>.yaml`, the id matched whole. Any other name
    # (a line break in it, say) is reported by the loader, and must not reach `cat-file --batch`.
    changed = {rel: how for rel, how in changed.items() if _is_item_file(rel)}
    log.debug("compared with %s (%s): %d changed content files", since, commit[:12], len(changed))

    olds = dict(zip(changed, git.blobs([f"{commit}:{prefix}{rel}" for rel in changed]), strict=True))
    problems: list[Problem] = []
    backfill: dict[str, list[int]] = {}
    news: dict[str, _File] = {}
    for rel, how in sorted(changed.items()):
        kind = rel.split("/", 1)[0]
        if how == "D" or not os.path.lexists(site_dir / rel):
            if olds.get(rel) is not None:
                problems.append(_problem(
                    ctx, rel, 0, "file-deleted",
                    f"this {BY_FOLDER[kind].singular} was deleted after it was published (it is in {since})",
                    "restore it: published incidents, maintenance and commitments stay, and their URLs are "
                    "permalinks; to take something back, add an update that says so"))
            continue
        try:
            data = read_regular(site_dir / rel, within=site_dir, limit=FILE_LIMIT)
        except (OSError, RefusedFile):
            continue  # the loader reports why it cannot be read
        new = _parse(data)
        if new is None:
            continue  # the loader reports why it cannot be read
        news[rel] = new
        if olds.get(rel) is None:
            # A new file: every update is new, and so is the announcement or promise it makes.
            backfill[rel] = ([-1] if kind in _ANNOUNCED else []) + list(range(len(new.updates)))
            continue
        old = _parse(olds[rel])
        if old is None:
            log.debug("%s cannot be read as it was at %s; not compared", rel, since)
            continue
        changes = compare_updates(old.updates, new.updates)
        problems.extend(_update_problems(ctx, rel, kind, old, new, changes))
        problems.extend(_fact_problems(ctx, rel, kind, old, new))
        if changes.appended:
            backfill[rel] = changes.appended
    if backfill:
        committed = _commit_times(ctx, backfill)
        for rel, positions in sorted(backfill.items()):
            problems.extend(_backfill_problems(ctx, rel, news[rel], positions, committed[rel]))
    return problems
