"""site.yaml -> :class:`~.model.Site`: title, address, zone, language, policy, components and look.

Every default comes from the declaration in :mod:`.format`; an absent ``policy`` (or
``policy.update_every``) is read as an empty mapping, so its defaults apply exactly as they
would for each key left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .. import timeutil
from ..fsutil import RefusedFile, read_regular
from .appearance import read_appearance
from .format import POLICY, SITE, UPDATE_EVERY
from .limits import FILE_LIMIT
from .model import Component, Contact, Impact, Policy, Site, Source
from .notify_settings import read_channels, read_subscribe
from .validation import INVALID, Context, Record, line_of
from .yamlfile import compose, is_tree

_EMPTY = yaml.MappingNode("tag:yaml.org,2002:map", [])


@dataclass(frozen=True, slots=True)
class Settings:
    """What site.yaml says, as far as it could be read.

    ``zone`` and ``components`` are filled even when ``site`` is None (the file has errors),
    so the content files can still be checked against them and all problems found at once.
    """

    site: Site | None
    zone: dt.tzinfo
    components: frozenset[str]


def read_settings(root: Path, ctx: Context, node: yaml.Node) -> Settings:
    """Return the settings of the site folder ``root`` from site.yaml's ``node``, reporting problems to ``ctx``."""
    rec = SITE.convert(node, ctx)
    if rec is INVALID:
        return Settings(None, timeutil.UTC, frozenset())
    zone = rec.get("timezone") or timeutil.UTC
    components = _components(rec, ctx)
    ids = frozenset(c.id for c in components)
    channels = read_channels(rec, ids, ctx)
    policy = rec.get("policy") or POLICY.convert(_EMPTY, ctx)
    every = policy.get("update_every") or UPDATE_EVERY.convert(_EMPTY, ctx)
    if channels is None or not all(_valid(r) for r in (rec, policy, every)):
        return Settings(None, zone, ids)
    contact = rec.get("contact")
    base_url = rec["base_url"]
    look = read_appearance(root, rec, ctx)
    site = Site(
        title=rec["title"],
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        description=rec.get("description", ""),
        timezone=rec["timezone"],
        language=rec["language"],
        contact=Contact(contact.get("email", ""), contact.get("url", "")) if contact else Contact(),
        feedback_url=rec.get("feedback_url", ""),
        policy=Policy(
            update_every={impact: every[impact.value] for impact in Impact},
            maintenance_notice=policy["maintenance_notice"],
            postmortem_within=policy["postmortem_within"],
            refresh=policy["refresh"],
            backfill_tolerance=policy["backfill_tolerance"],
            since=policy.get("since"),
        ),
        components=tuple(components),
        source=Source(ctx.path, rec.lines()),
        feed_entries=rec["feed_entries"],
        theme=look.theme,
        colors=look.colors,
        logo=look.logo,
        logo_dark=look.logo_dark,
        notify=channels,
        subscribe=read_subscribe(rec),
    )
    return Settings(site, zone, ids)


def _components(rec: Record, ctx: Context) -> list[Component]:
    """Return the declared components in order; report an id given twice."""
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
            seen[cid] = line_of(item.key_node("id"))
            components.append(Component(cid, item.get("name", cid), item.get("group"), item.get("description", "")))
    return components


def _valid(value: Any) -> bool:
    """Return whether nothing in the record ``value``, however deep, failed validation."""
    return isinstance(value, Record) and value.ok


def site_zone(root: Path) -> dt.tzinfo | None:
    """Return the time zone site.yaml names, read on its own (for ``--now`` and messages), or None.

    Works when the rest of the site has errors: only the ``timezone`` key is looked at.
    """
    try:
        data = read_regular(root / "site.yaml", within=root, limit=FILE_LIMIT, folder="the site folder")
        node = compose(data.decode("utf-8-sig"))
    except (OSError, RefusedFile, UnicodeDecodeError, yaml.YAMLError):
        return None
    # Hostile input gets no further here than in the loader: no aliases, no cycles.
    if not isinstance(node, yaml.MappingNode) or not is_tree(node):
        return None
    for key, value in node.value:
        if getattr(key, "value", None) == "timezone" and isinstance(value, yaml.ScalarNode):
            try:
                return timeutil.load_zone(str(value.value))
            except timeutil.TimeFormatError:
                return None
    return None
