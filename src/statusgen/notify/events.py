"""A published post -> a :class:`Notice`: what happened, in the site's language, ready for any channel.

Every post is exactly one event (``incident.created``, ``maintenance.started``, ...; the list
is :data:`~statusgen.content.model.NOTIFY_EVENTS`), which channels filter on. A notice says
it the way every channel needs it: a title and the status after the post in the site's
language (the theme's message catalog, keys under ``notify.``), the post's own words as
sanitised HTML, the facts (impact, components, window, due date), and for an incident that
is still open its current workaround and when the next update is due.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..content.model import (
    CommitmentStatus,
    Component,
    IncidentStatus,
    MaintenanceStatus,
)
from ..outputs import markup
from ..outputs.posts import Post, PostKind
from ..outputs.words import Words
from ..view import CommitmentView, IncidentView, MaintenanceView, StatusView

Item = IncidentView | MaintenanceView | CommitmentView


@dataclass(frozen=True, slots=True)
class Notice:
    """One post as every channel tells it."""

    post: Post
    #: One of NOTIFY_EVENTS, e.g. ``incident.resolved``.
    event: str
    item: Item
    #: The update of the item this post is (1-based); 0 for an announcement, promise or postmortem.
    number: int
    #: "Resolved: Elevated API latency", in the site's language.
    title: str
    #: The item's title alone.
    subject: str
    #: The status after this post ("Resolved"), in the site's language.
    status: str
    #: The absolute permalink of the post.
    url: str
    #: The post's own words, Markdown rendered and sanitised.
    body: Markup
    #: Labelled facts in the site's language: (label, text), e.g. ("Impact", "Major impact").
    facts: tuple[tuple[str, str], ...] = ()
    #: The current workaround of an incident that is still open (Markdown rendered), else empty.
    workaround: Markup = field(default_factory=Markup)
    #: "What you can do now", in the site's language.
    workaround_label: str = ""
    #: The next update of an item still open, as a sentence in the site's language.
    next_update: str = ""
    #: A colour for chat cards: the status's severity ("#cf222e" ...).
    colour: str = "#0969da"

    @property
    def components(self) -> tuple[Component, ...]:
        return self.post.components


# The theme's status colours (themes/default/static/style.css), for chat cards.
_RED, _ORANGE, _YELLOW, _GREEN, _BLUE, _GREY = "#cf222e", "#e16f24", "#d4a72c", "#1a7f37", "#0969da", "#6e7781"


def notices(view: StatusView, posts: Iterable[Post], words: Words) -> list[Notice]:
    """Return a notice for each of ``posts`` (posts of ``view``), in the order given."""
    items: dict[tuple[PostKind, str], Item] = {}
    for incident in view.incidents:
        items[PostKind.INCIDENT, incident.id] = items[PostKind.POSTMORTEM, incident.id] = incident
    for maintenance in view.maintenance:
        items[PostKind.MAINTENANCE, maintenance.id] = maintenance
    for commitment in view.commitments:
        items[PostKind.COMMITMENT, commitment.id] = commitment
    base = view.site.base_url
    return [_notice(post, items[post.kind, post.item_id], base, words) for post in posts]


def _notice(post: Post, item: Item, base: str, words: Words) -> Notice:
    url = base + post.target
    if isinstance(item, IncidentView):
        return _incident(post, item, url, words)
    if isinstance(item, MaintenanceView):
        return _maintenance(post, item, url, words)
    return _commitment(post, item, url, words)


def _titled(event: str, subject: str, words: Words) -> str:
    return words.text(f"notify.event.{event.replace('.', '_')}", title=subject)


def _incident(post: Post, item: IncidentView, url: str, words: Words) -> Notice:
    incident = item.incident
    # The impact as it was right after this post (a later update may have changed it).
    impact = item.impacts[post.seq - 1] if post.kind is PostKind.INCIDENT else item.impact
    facts = [(words.text("notify.impact"), words.label(impact))]
    if item.affected:
        facts.append((words.text("notify.affects"), words.names(item.affected)))
    open_now: dict[str, Any] = {}
    if item.is_open:
        if item.workaround:
            open_now["workaround"] = markup.render(item.workaround)
            open_now["workaround_label"] = words.text("notify.workaround")
        if item.next_update_by:
            open_now["next_update"] = words.text("notify.next_update", time=words.time(item.next_update_by))
    if post.kind is PostKind.POSTMORTEM:
        assert incident.postmortem is not None
        # The postmortem, or a later revision of it (its own words).
        revision = post.seq - len(incident.updates) - 1
        body = incident.postmortem.revisions[revision - 1].body if revision > 0 else incident.postmortem.body
        return Notice(post, "incident.postmortem", item, 0, _titled("incident.postmortem", item.title, words),
                      item.title, words.text("notify.postmortem"), url, markup.render(body),
                      tuple(facts), colour=_GREY)
    update = incident.updates[post.seq - 1]
    previous = incident.updates[post.seq - 2] if post.seq > 1 else None
    if update.corrects:
        event = "incident.corrected"
    elif previous is None:
        event = "incident.created"
    elif update.status is IncidentStatus.RESOLVED and previous.status is not IncidentStatus.RESOLVED:
        event = "incident.resolved"
    elif item.impacts[update.number - 1] is not item.impacts[update.number - 2]:
        event = "incident.impact_changed"
    else:
        event = "incident.updated"
    resolved = update.status is IncidentStatus.RESOLVED
    colour = _GREEN if resolved else {"critical": _RED, "major": _ORANGE, "minor": _YELLOW}.get(
        impact.value, _GREY)
    return Notice(post, event, item, update.number, _titled(event, item.title, words), item.title,
                  words.label(update.status), url, markup.render(update.body), tuple(facts), colour=colour,
                  **open_now)


def _maintenance(post: Post, item: MaintenanceView, url: str, words: Words) -> Notice:
    m = item.maintenance
    facts = [(words.text("notify.window"), words.text("notify.window_text", start=words.time(item.starts_at),
                                                      end=words.time(item.ends_at)))]
    if item.affected:
        facts.append((words.text("notify.affects"), words.names(item.affected)))
    if post.seq == 0:
        event, status, body = "maintenance.scheduled", MaintenanceStatus.SCHEDULED, m.body
    else:
        update = m.updates[post.seq - 1]
        status, body = update.status, update.body
        event = {
            MaintenanceStatus.IN_PROGRESS: "maintenance.started",
            MaintenanceStatus.COMPLETED: "maintenance.completed",
            MaintenanceStatus.CANCELLED: "maintenance.cancelled",
        }.get(status, "maintenance.updated")
        if update.starts_at is not None or update.ends_at is not None:  # an update that moves the window
            event = "maintenance.rescheduled"
    colour = {MaintenanceStatus.COMPLETED: _GREEN, MaintenanceStatus.CANCELLED: _GREY}.get(status, _BLUE)
    return Notice(post, event, item, post.seq, _titled(event, item.title, words), item.title, words.label(status),
                  url, markup.render(body), tuple(facts), colour=colour)


def _commitment(post: Post, item: CommitmentView, url: str, words: Words) -> Notice:
    c = item.commitment
    due = item.current_due
    due_text = words.date(due.value) if due.is_date else words.time(due.deadline)
    facts = [(words.text("notify.due"), due_text)]
    if item.components:
        facts.append((words.text("notify.affects"), words.names(item.components)))
    if post.seq == 0:
        event, status, body = "commitment.made", CommitmentStatus.PLANNED, c.body
    else:
        update = c.updates[post.seq - 1]
        status, body = update.status, update.body
        event = {CommitmentStatus.DELIVERED: "commitment.delivered",
                 CommitmentStatus.WITHDRAWN: "commitment.withdrawn"}.get(status, "commitment.updated")
    next_update = ""
    if item.state.is_open and item.next_update_by:
        next_update = words.text("notify.next_update", time=words.time(item.next_update_by))
    colour = {CommitmentStatus.DELIVERED: _GREEN, CommitmentStatus.AT_RISK: _ORANGE,
              CommitmentStatus.WITHDRAWN: _GREY}.get(status, _BLUE)
    return Notice(post, event, item, post.seq, _titled(event, item.title, words), item.title, words.label(status),
                  url, markup.render(body or ""), tuple(facts), next_update=next_update, colour=colour)


def matches(notice: Notice, components: tuple[str, ...], events: tuple[str, ...]) -> bool:
    """Return whether a channel with these filters wants ``notice`` (empty filters want everything)."""
    if components and not any(c.id in components for c in notice.components):
        return False
    return not events or notice.event in events or notice.event.partition(".")[0] in events
