"""What a published file said, as data, and which of its facts changed since: `check --since`.

Every key of a published incident, maintenance or commitment is protected; :data:`PROTECTED`
says, per kind, how each may honestly change instead (an appended update, a revision). Files
are compared as data, not as text: comments, quoting, flow or block style, line wrapping and
the offset a time is written in are not changes (texts are compared with their whitespace
collapsed, times as instants). Each change is reported on the changed key's own line, with
what it said before and what it says now.

The policy in site.yaml is history too: a weaker promise to customers is a warning, and so
is a changed policy whose ``since`` still names the old one's start.

Pure: the texts come from :mod:`.published`, which reads them from git.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import timeutil
from ..content.format import POLICY, UPDATE_EVERY
from ..content.yamlfile import compose, is_tree
from ..errors import Severity
from .clock import local

#: Keys whose values are times, compared as instants: rewriting the offset is not a change.
TIME_KEYS = {"at", "posted_at", "next_update_by", "started_at", "announced_at", "starts_at", "ends_at",
             "made_at", "published_at", "due", "since"}
#: The lists of a file that are append-only, and what one item of each is called.
LISTS = {"updates": "update", "postmortem.revisions": "revision"}


# -- a file as data --------------------------------------------------------------------------------


@dataclass
class Items:
    """One append-only list of a file: its items as data, the line of each and of each item's keys."""

    values: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    key_lines: list[dict[str, int]] = field(default_factory=list)


@dataclass
class File:
    """One content file read as data: normalised values, and the line of every key (``postmortem.body``)."""

    data: dict[str, Any]
    key_lines: dict[str, int]
    lists: dict[str, Items]

    @property
    def updates(self) -> list[Any]:
        return self.lists["updates"].values

    @property
    def lines(self) -> list[int]:
        return self.lists["updates"].lines

    def get(self, path: str) -> Any:
        """Return the value at a dotted path (``postmortem.body``), None when it is not there."""
        value: Any = self.data
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    def line(self, path: str) -> int:
        """Return the line of the key at ``path``, else of its nearest parent, else 1."""
        while path:
            if path in self.key_lines:
                return self.key_lines[path]
            path = path.rpartition(".")[0]
        return 1


def parse(text: bytes | str | None) -> File | None:
    """Return a content file as data, or None when it is not a YAML mapping (the loader says why)."""
    if text is None:
        return None
    try:
        node = compose(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(node, yaml.MappingNode) or not is_tree(node):
        return None  # aliases: the loader refuses the file (and a cycle would never end here)
    file = File(plain(node), {}, {path: Items() for path in LISTS})
    _walk(node, "", file)
    return file


def _walk(node: yaml.MappingNode, prefix: str, file: File) -> None:
    """Record the line of every key under ``node`` and the items of the append-only lists."""
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        path = prefix + str(key.value)
        file.key_lines[path] = key.start_mark.line + 1
        if path in LISTS and isinstance(value, yaml.SequenceNode):
            items = file.lists[path]
            for item in value.value:
                items.values.append(plain(item))
                items.lines.append(item.start_mark.line + 1)
                items.key_lines.append({str(k.value): k.start_mark.line + 1 for k, _ in getattr(item, "value", ())
                                        if isinstance(item, yaml.MappingNode) and isinstance(k, yaml.ScalarNode)})
        elif isinstance(value, yaml.MappingNode):
            _walk(value, path + ".", file)


def plain(node: yaml.Node, key: str = "") -> Any:
    """Return a node as comparable data: times as UTC instants, text with whitespace collapsed."""
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): plain(v, str(k.value)) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if isinstance(node, yaml.SequenceNode):
        return [plain(v) for v in node.value]
    text = " ".join(str(node.value).split())
    if key in TIME_KEYS:
        try:
            return timeutil.parse_time(text).astimezone(dt.UTC).isoformat()
        except timeutil.TimeFormatError:
            pass
    return text


def instant(value: Any) -> dt.datetime | None:
    try:
        found = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return found if found is not None and found.tzinfo is not None else None


def key_of(value: Any) -> str:
    """Return a value as one comparable string."""
    return json.dumps(value, sort_keys=True)


# -- showing what changed ----------------------------------------------------------------------------


def show(value: Any, tz: dt.tzinfo) -> str:
    """Return a value as a message shows it: a time in the site's zone, text in quotes, lists joined."""
    if value is None or value in ({}, []):
        return "nothing"
    when = instant(value)
    if when is not None:
        return local(when, tz)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if text and not any(c.isspace() for c in text) else f"“{text}”"


def excerpts(old: str, new: str, room: int = 70) -> tuple[str, str]:
    """Return the parts of two long texts around where they differ, with "…" for what is left out."""
    if len(old) <= room and len(new) <= room:
        return old, new
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    context = 25
    begin = max(0, start - context)

    def cut(text: str) -> str:
        stop = min(len(text), len(text) - end + context)
        return ("…" if begin else "") + text[begin:stop] + ("…" if stop < len(text) else "")

    return cut(old), cut(new)


def change(old: Any, new: Any, tz: dt.tzinfo) -> tuple[str, str, str]:
    """Return how a value changed ("added", "removed", "edited" or "changed"), and the old and new value shown."""
    if old is None or old in ({}, []):
        return "added", "", show(new, tz)
    if new is None or new in ({}, []):
        return "removed", show(old, tz), ""
    if isinstance(old, str) and isinstance(new, str) and " " in old + new and instant(old) is None:
        before, after = excerpts(old, new)
        return "edited", f"“{before}”", f"“{after}”"
    return "changed", show(old, tz), show(new, tz)


def its(key: str, old: Any, new: Any, tz: dt.tzinfo) -> str:
    """Return what happened to one key of an update: "its body said “…” and now says “…”"."""
    how, before, after = change(old, new, tz)
    return {"added": f"its {key} was added: {after}", "removed": f"its {key} was removed (it said {before})",
            "edited": f"its {key} said {before} and now says {after}",
            "changed": f"its {key} was {before} and is now {after}"}[how]


# -- what may change, and how -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """A change found in one file: where, which rule, what changed, and the honest way to make it."""

    line: int
    rule: str
    message: str
    hint: str
    severity: Severity = Severity.ERROR


def _as_mapping(value: Any) -> Any:
    """Maintenance components as a mapping: a list means "under maintenance"."""
    return {cid: "under_maintenance" for cid in value} if isinstance(value, list) else value


_RESCHEDULE = ("restore it and move the window with an update that gives the new starts_at and ends_at "
               "(`statusgen reschedule ID --start ... --duration ...`): the page shows the first and the new "
               "window, and calendars move the event")
_SAY_IN_UPDATE = "restore it; to change what customers read, add an update that says what changed and why"
_INCIDENT_UPDATE = ("restore it and add an update with `{key}:` and the new value (`statusgen update ID --{key} ...`): "
                    "the page shows the change, when it was made, and what was first published")
_SCOPE = ("restore it and add an update with `scope: reduced` or `scope: extended` (and a new `title` if the "
          "wording changes) whose body says what changed: the ledger judges the commitment against what was first "
          "promised")
_POSTMORTEM = ("restore the postmortem as published and add a revision: `statusgen postmortem ID --body ...` "
               "appends one, shown below the postmortem as a revision")

#: Per kind: the protected keys, in file order, and the honest way to change each.
PROTECTED: dict[str, tuple[tuple[str, str], ...]] = {
    "incidents": (
        ("title", _INCIDENT_UPDATE.format(key="title")),
        ("impact", "restore `impact: {old}` and add an update with `impact: {new}` and the reason (`statusgen update "
                   "ID --impact {new}`): the page says when the impact changed, and a postmortem owed stays owed"),
        ("components", "restore them and give the new component statuses in an update (`components:`, "
                       "`statusgen update ID --component id=status`)"),
        ("started_at", "restore the published start: a published incident never gets shorter; if the time was "
                       "wrong, say so in a correction"),
        ("workaround", _INCIDENT_UPDATE.format(key="workaround")),
        ("postmortem.published_at", _POSTMORTEM),
        ("postmortem.body", _POSTMORTEM),
        ("postmortem.actions", "restore the actions as published; add further commitments with a revision "
                               "(`statusgen postmortem ID --body ... --action COMMITMENT`)"),
    ),
    "maintenance": (
        ("title", _SAY_IN_UPDATE),
        ("components", "restore them and give the new components in an update (`components:`)"),
        ("announced_at", "restore it: announced_at is when customers were told, and notice is counted from it"),
        ("starts_at", _RESCHEDULE),
        ("ends_at", _RESCHEDULE),
        ("body", _SAY_IN_UPDATE),
    ),
    "commitments": (
        ("title", _SCOPE),
        ("made_at", "restore it: made_at is when the promise was made public"),
        ("due", "restore the original `due` and move the date with an update that gives the new `due` and the "
                "reason (`statusgen postpone`): customers see both dates"),
        ("components", _SAY_IN_UPDATE),
        ("incident", "restore it: the incident that led to this promise was published with it"),
        ("body", _SCOPE),
    ),
}

#: How two published values are compared where plain equality is not the meaning.
_SAME: dict[tuple[str, str], Callable[[Any, Any], bool]] = {
    ("maintenance", "components"): lambda a, b: _as_mapping(a) == _as_mapping(b),
}


def fact_findings(kind: str, old: File, new: File, since: str, tz: dt.tzinfo) -> Iterator[Finding]:
    """Yield every protected key of a published file that changed in place."""
    published_pm = old.get("postmortem") is not None
    if published_pm and new.get("postmortem") is None:
        yield Finding(1, "fact-edited", f"the postmortem was deleted after it was published (it is in {since})",
                      _POSTMORTEM)
        published_pm = False
    for key, hint in PROTECTED[kind]:
        if key.startswith("postmortem.") and not published_pm:
            continue  # writing the postmortem is publishing it, not changing it
        before, after = old.get(key), new.get(key)
        if key == "started_at":
            yield from _start(old, new, since, tz)
            continue
        same = _SAME.get((kind, key), _empty_equal)
        if same(before, after):
            continue
        how, was, now = change(before, after, tz)
        detail = {"added": f"it says {now}", "removed": f"it said {was}", "edited": f"it said {was} and now says {now}",
                   "changed": f"it was {was} and is now {now}"}[how]
        yield Finding(new.line(key), "fact-edited", f"{key} was {how} after it was published (in {since}): "
                      f"{detail}", hint.replace("{old}", str(before)).replace("{new}", str(after)))


def _empty_equal(a: Any, b: Any) -> bool:
    """Equal, counting an empty list or mapping as the same as nothing."""
    return (a if a not in ({}, []) else None) == (b if b not in ({}, []) else None)


def _start(old: File, new: File, since: str, tz: dt.tzinfo) -> Iterator[Finding]:
    """The start defaults to the first update; only a later start shortens the incident."""
    before = instant(old.get("started_at") or _first_at(old))
    after = instant(new.get("started_at") or _first_at(new))
    if before is None or after is None or after <= before:
        return
    line = new.key_lines.get("started_at") or (new.lines[0] if new.lines else 1)
    yield Finding(line, "fact-edited", f"the incident's start was moved later, from {local(before, tz)} to "
                  f"{local(after, tz)}, after it was published (in {since})", PROTECTED["incidents"][3][1])


def _first_at(file: File) -> Any:
    """Return the `at` of a file's first update: an incident's start when it gives no `started_at`."""
    return file.updates[0].get("at") if file.updates and isinstance(file.updates[0], dict) else None


# -- the policy ------------------------------------------------------------------------------------------

#: Customer-facing promises of the policy, and which way is weaker for customers (+1: longer is weaker).
WEAKER = {**{f"update_every.{name}": 1 for name in UPDATE_EVERY.fields}, "maintenance_notice": -1,
          "postmortem_within": 1, "refresh": 1}
_PROMISE = {
    "update_every": "an update at least every {old} on an open {impact} incident",
    "maintenance_notice": "at least {old} of notice before maintenance",
    "postmortem_within": "a postmortem within {old} of resolving a major or critical incident",
    "refresh": "a site rebuilt at least every {old}",
}


def policy_values(site: File | None) -> dict[str, dt.timedelta | None]:
    """Return the customer-facing policy of a site.yaml, defaults filled in (None: unreadable)."""
    policy = site.get("policy") if site is not None else None
    policy = policy if isinstance(policy, dict) else {}
    values: dict[str, dt.timedelta | None] = {}
    for path in WEAKER:
        parent, _, name = path.rpartition(".")
        spec = (UPDATE_EVERY if parent else POLICY).fields[name]
        written = (policy.get(parent) or {}).get(name) if parent else policy.get(name)
        try:
            values[path] = timeutil.parse_duration(written) if isinstance(written, str) else spec.default
        except timeutil.TimeFormatError:
            values[path] = None
    return values


def policy_findings(old: File | None, new: File | None, since: str, tz: dt.tzinfo) -> Iterator[Finding]:
    """Warn when the policy promises customers less than at ``since``, or changed without a new ``since``."""
    if old is None or new is None:
        return
    before, after = policy_values(old), policy_values(new)
    changed = False
    for path, weaker in WEAKER.items():
        a, b = before[path], after[path]
        if a is None or b is None or a == b:
            continue
        changed = True
        if (b - a) * weaker <= dt.timedelta(0):
            continue  # a stronger promise
        name = path.partition(".")[0]
        promise = _PROMISE[name].format(old=timeutil.humanize_duration(a), impact=path.rpartition(".")[2])
        yield Finding(new.line(f"policy.{path}"), "policy-weakened",
                      f"policy.{path} was {timeutil.format_duration(a)} in {since} and is now "
                      f"{timeutil.format_duration(b)}: customers were promised {promise}",
                      "if the team cannot keep the old promise, say so to customers (the /expect/ page shows the "
                      "policy) and set policy.since to when the new one applies; otherwise restore it",
                      Severity.WARNING)
    old_since, new_since = old.get("policy.since"), new.get("policy.since")
    if changed and old_since == new_since:
        shown = f"still says {show(new_since, tz)}" if new_since else "is not given"
        yield Finding(new.line("policy.since" if new_since else "policy"), "policy-since",
                      f"the policy changed since {since}, but policy.since {shown}",
                      "set policy.since to when the new policy applies: /expect/ tells customers since when it "
                      "holds", Severity.WARNING)
