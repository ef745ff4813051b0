"""How each post reads in a feed, in the site's language: its title and its HTML.

A :class:`~.posts.Post` knows what it is (an update, an announcement, a postmortem) and which
method of :class:`PostText` tells it; a feed asks only for the posts it shows, with the words
of the site's language and zone (:class:`~.words.Words`). The post's own words come first,
as written; then the facts the update set (component statuses, the next update promised, a
new window or due date), each sentence from the theme's catalog (keys under ``feed.``, and
the pages' own sentences where they say the same).

An open incident's workaround is a standing fact, not part of any update: the entry of the
update that published it says so ("What you can do now, from this update on"), and the
newest entry of an open incident repeats the workaround in force, after a rule, while it is
the newest (docs/feeds-and-api.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from .. import urls
from ..content.model import (
    CommitmentUpdate,
    ComponentStatus,
    Due,
    IncidentStatus,
    IncidentUpdate,
    MaintenanceStatus,
    MaintenanceUpdate,
    PostmortemRevision,
    Scope,
    Site,
)
from ..view import CommitmentView, IncidentView, MaintenanceView
from . import markup
from .words import Words


class PostText:
    """The titles and HTML of posts, in the words given (a feed makes one per render)."""

    def __init__(self, site: Site, words: Words) -> None:
        self.site = site
        self.w = words
        self.names = {c.id: c.name for c in site.components}

    # -- small pieces of HTML -----------------------------------------------------------------

    def link(self, target: str, text: str) -> Markup:
        return Markup('<a href="{}">{}</a>').format(self.site.base_url + target, text)

    def para(self, key: str, **variables: Any) -> Markup:
        return Markup("<p>{}</p>").format(self.w.html(key, **variables))

    def statuses(self, key: str, components: dict[str, ComponentStatus]) -> Markup:
        listed = self.w.text("list.separator").join(
            self.w.text("feed.component", name=self.names.get(cid, cid), status=self.w.label(status))
            for cid, status in components.items())
        return self.para(key, components=listed)

    def window(self, starts: dt.datetime, ends: dt.datetime) -> str:
        return self.w.text("feed.window_length", window=self.w.window(starts, ends),
                           duration=self.w.duration(ends - starts))

    def workaround(self, key: str, text: str) -> Markup:
        return Markup("<p><strong>{}</strong></p>\n{}").format(self.w.html(key), markup.render(text))

    # -- incidents ----------------------------------------------------------------------------

    def incident_title(self, view: IncidentView, update: IncidentUpdate) -> str:
        status = self.w.label(update.status)
        if update.corrects:
            return self.w.text("feed.correction", status=status, title=view.title, n=update.corrects)
        return self.w.text("feed.update", status=status, title=view.title)

    def incident_update(self, view: IncidentView, update: IncidentUpdate) -> Markup:
        w = self.w
        parts: list[Markup] = []
        if update.corrects:
            corrected = self.link(urls.anchored(view.path, urls.update(update.corrects)),
                                  w.text("update.number_lower", n=update.corrects))
            parts.append(self.para("feed.correction_of", update=corrected))
        for change in view.impact_changes:
            if change.number == update.number:
                key = "feed.impact_raised" if change.new.rank > change.old.rank else "feed.impact_lowered"
                parts.append(self.para(key, old=w.text(f"incident.impact_level.{change.old.value}"),
                                       new=w.text(f"incident.impact_level.{change.new.value}")))
        for change in view.title_changes:
            if change.number == update.number:
                parts.append(self.para("feed.renamed", old=change.old))
        parts.append(markup.render(update.body))
        components = dict(view.incident.components) if update.number == 1 else {}
        components.update(update.components or {})
        if components and update.status is not IncidentStatus.RESOLVED:
            parts.append(self.statuses("feed.component_status", components))
        published = view.workaround_of(update)
        if published:
            parts.append(self.workaround("update.workaround_now", published))
        if update.posted_at:
            parts.append(self.para("update.added_later", posted=w.time(update.posted_at), at=w.time(update.at)))
        if update.next_update_by:
            parts.append(self.para("update.next_promised", time=w.time(update.next_update_by)))
        # The workaround in force, with the newest update of an open incident (unless it just said so).
        if view.is_open and update is view.latest and view.workaround and view.workaround != published:
            parts.append(Markup("<hr>"))
            parts.append(self.workaround("incident.workaround", view.workaround))
        return Markup("\n").join(parts)

    def postmortem_title(self, view: IncidentView) -> str:
        return self.w.text("feed.postmortem", title=view.title)

    def postmortem(self, view: IncidentView) -> Markup:
        assert view.incident.postmortem is not None
        parts = [markup.render(view.incident.postmortem.body)]
        if view.actions:
            items = Markup("").join(
                Markup("<li>{}</li>").format(self.w.html("feed.action", commitment=self.link(c.path, c.title),
                                                         due=self.w.due(c.current_due)))
                for c in view.actions)
            parts.append(Markup("{}<ul>{}</ul>").format(self.para("feed.actions"), items))
        return Markup("\n").join(parts)

    def revision_title(self, view: IncidentView, revision: PostmortemRevision) -> str:
        return self.w.text("feed.postmortem_revised", title=view.title)

    def revision(self, view: IncidentView, revision: PostmortemRevision) -> Markup:
        postmortem = self.link(urls.anchored(view.path, urls.POSTMORTEM), self.w.text("feed.postmortem_link"))
        lead = self.para("feed.revision", n=revision.number, postmortem=postmortem, time=self.w.time(revision.at))
        return Markup("\n").join([lead, markup.render(revision.body)])

    # -- maintenance --------------------------------------------------------------------------

    def announcement_title(self, view: MaintenanceView) -> str:
        return self.w.text("feed.maintenance.scheduled", title=view.title)

    def announcement(self, view: MaintenanceView) -> Markup:
        m = view.maintenance
        return Markup("\n").join([self.para("feed.window", window=self.window(m.starts_at, m.ends_at)),
                                  self.statuses("feed.affects", m.components), markup.render(m.body)])

    def maintenance_title(self, view: MaintenanceView, update: MaintenanceUpdate, moved: bool) -> str:
        rescheduled = moved and update.status is MaintenanceStatus.SCHEDULED
        return self.w.text(f"feed.maintenance.{'rescheduled' if rescheduled else update.status.value}",
                           title=view.title)

    def maintenance_update(self, update: MaintenanceUpdate, move: Any) -> Markup:
        parts: list[Markup] = []
        if move is not None:
            parts.append(self.para("feed.new_window", window=self.window(*move.new), old=self.window(*move.old)))
        if update.components:
            parts.append(self.statuses("maintenance.affects_now", update.components))
        parts.append(markup.render(update.body))
        return Markup("\n").join(parts)

    # -- commitments --------------------------------------------------------------------------

    def promise_title(self, view: CommitmentView) -> str:
        return self.w.text("feed.commitment.planned", title=view.title)

    def promise(self, view: CommitmentView) -> Markup:
        parts = [markup.render(view.commitment.body), self.para("feed.due", due=self.w.due(view.original_due))]
        if view.incident:
            parts.append(self.para("feed.after_incident",
                                   incident=self.link(view.incident.path, view.incident.title)))
        return Markup("\n").join(parts)

    def commitment_title(self, view: CommitmentView, update: CommitmentUpdate) -> str:
        title = self.w.text(f"feed.commitment.{update.status.value}", title=view.title)
        if update.due is not None:
            title = self.w.text("feed.new_due_date", title=title, due=self.w.due(update.due))
        return title

    def commitment_update(self, update: CommitmentUpdate, previous: Due) -> Markup:
        w = self.w
        parts: list[Markup] = []
        if update.scope is Scope.REDUCED:
            parts.append(self.para("feed.scope_reduced"))
        elif update.scope is Scope.EXTENDED:
            parts.append(self.para("feed.scope_extended"))
        if update.title:
            parts.append(self.para("feed.now_reads", title=update.title))
        if update.due is not None:
            parts.append(self.para("feed.new_due", due=w.due(update.due), old=w.due(previous)))
        if update.body:
            parts.append(markup.render(update.body))
        if update.next_update_by:
            parts.append(self.para("update.next_promised", time=w.time(update.next_update_by)))
        return Markup("\n").join(parts) or self.para("feed.status", status=w.label(update.status))

