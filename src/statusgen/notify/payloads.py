"""A notice -> the JSON body each chat service and webhook receiver expects.

The shapes follow each service's documentation (cited at each function) and stay inside its
documented limits; tests check them against those documents. Titles and names are escaped
for the target's markup, bodies converted by :mod:`.text`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from .. import timeutil, urls
from ..outputs.statuspage import api_time, stable_id
from ..outputs.words import Words
from ..view import IncidentView, MaintenanceView, StatusView
from . import text
from .events import Notice

Json = dict[str, Any]

# Slack: a header block's text is at most 150 characters, a section's 3000, a field's 2000
# (Block Kit reference: "Blocks"; "Formatting message text" for the markup).
_SLACK_HEADER, _SLACK_SECTION, _SLACK_FIELD = 150, 3000, 2000
# Discord embeds: title 256, description 4096, field value 1024, footer 2048, 6000 in all
# (Discord developer documentation, "Embed Limits"); the body stays well below the total.
_DISCORD_TITLE, _DISCORD_BODY, _DISCORD_FIELD, _DISCORD_FOOTER = 256, 3000, 1024, 2048
# Teams cards have a size limit of about 28 KB for the whole message.
_TEAMS_BODY = 8000


def _more(words: Words, link: Callable[[str], str], d: text.Dialect) -> str:
    return link(d.escape(words.text("notify.more")))


def _facts(notice: Notice, words: Words) -> list[tuple[str, str]]:
    return [(words.text("notify.status"), notice.status), *notice.facts]


def slack(notice: Notice, words: Words) -> Json:
    """Return a Slack incoming-webhook message: a plain ``text`` fallback and Block Kit blocks.

    Shape: Slack's "Sending messages using incoming webhooks" (``text`` plus ``blocks``:
    header, section with ``fields``, section, context).
    """
    d = text.SLACK
    def link(label: str) -> str:
        return d.link(notice.url, label)

    body = text.convert(notice.body, d)
    blocks: list[Json] = [
        {"type": "header", "text": {"type": "plain_text", "text": text.shorten(notice.title, _SLACK_HEADER, "")}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": text.shorten(f"*{d.escape(name)}*\n{d.escape(value)}", _SLACK_FIELD, "")}
            for name, value in _facts(notice, words)
        ]},
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": text.shorten(body, _SLACK_SECTION, _more(words, link, d))}})
    if notice.workaround:
        workaround = f"*{d.escape(notice.workaround_label)}*\n{text.convert(notice.workaround, d)}"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text.shorten(
            workaround, _SLACK_SECTION, _more(words, link, d))}})
    if notice.next_update:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": d.escape(notice.next_update)}]})
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": link(
        d.escape(words.text("notify.view")))}})
    return {"text": d.escape(f"{notice.title} ({notice.status})"), "blocks": blocks, "unfurl_links": False}


def teams(notice: Notice, words: Words) -> Json:
    """Return a Teams incoming-webhook message carrying one Adaptive Card.

    Shape: Microsoft's "Send Adaptive Cards using an Incoming Webhook" (``type: message``,
    ``attachments`` with ``contentType: application/vnd.microsoft.card.adaptive``), card
    version 1.2 with TextBlock, FactSet and Action.OpenUrl.
    """
    d = text.TEAMS
    def link(label: str) -> str:
        return d.link(notice.url, label)

    card_body: list[Json] = [
        {"type": "TextBlock", "text": d.escape(notice.title), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "FactSet", "facts": [{"title": name, "value": value} for name, value in _facts(notice, words)]},
    ]
    body = text.convert(notice.body, d)
    if body:
        card_body.append({"type": "TextBlock", "text": text.shorten(body, _TEAMS_BODY, _more(words, link, d)),
                          "wrap": True})
    if notice.workaround:
        card_body += [
            {"type": "TextBlock", "text": d.escape(notice.workaround_label), "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": text.shorten(text.convert(notice.workaround, d), _TEAMS_BODY,
                                                       _more(words, link, d)), "wrap": True},
        ]
    if notice.next_update:
        card_body.append({"type": "TextBlock", "text": d.escape(notice.next_update), "isSubtle": True,
                          "wrap": True})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.2",
        "body": card_body,
        "actions": [{"type": "Action.OpenUrl", "title": words.text("notify.view"), "url": notice.url}],
    }
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def discord(notice: Notice, words: Words, site_title: str) -> Json:
    """Return a Discord "Execute Webhook" body with one embed; mentions are switched off.

    Shape: Discord's "Execute Webhook" (``embeds``, ``allowed_mentions``) and "Embed Object"
    (title, url, description, color, timestamp, fields, footer).
    """
    d = text.DISCORD
    def link(label: str) -> str:
        return d.link(notice.url, label)

    fields = [{"name": name, "value": text.shorten(d.escape(value), _DISCORD_FIELD, ""), "inline": True}
              for name, value in _facts(notice, words)]
    if notice.workaround:
        fields.append({"name": notice.workaround_label, "value": text.shorten(
            text.convert(notice.workaround, d), _DISCORD_FIELD, _more(words, link, d)), "inline": False})
    if notice.next_update:
        fields.append({"name": words.text("notify.next"), "value": d.escape(notice.next_update), "inline": False})
    embed: Json = {
        "title": text.shorten(notice.title, _DISCORD_TITLE, ""),
        "url": notice.url,
        "description": text.shorten(text.convert(notice.body, d), _DISCORD_BODY, _more(words, link, d)),
        "color": int(notice.colour[1:], 16),
        "timestamp": notice.post.published.astimezone(timeutil.UTC).isoformat(timespec="seconds"),
        "fields": fields,
        "footer": {"text": text.shorten(site_title, _DISCORD_FOOTER, "")},
    }
    if not embed["description"]:
        del embed["description"]
    # Nothing in a status update may ping @everyone, a role or a person.
    return {"embeds": [embed], "allowed_mentions": {"parse": []}}


# -- Statuspage's webhook shape -------------------------------------------------------------------


def webhook_meta(view: StatusView, now: dt.datetime) -> Json:
    """Return the ``meta`` object: where to unsubscribe and read about the payloads, and when it was made."""
    base = view.site.base_url
    return {
        "unsubscribe": base + urls.SUBSCRIBE,
        "documentation": base + urls.anchored(urls.SUBSCRIBE, "webhooks"),
        "generated_at": api_time(now, timeutil.UTC),
    }


def webhook_page(view: StatusView, page_id: str) -> Json:
    return {"id": page_id, "status_indicator": view.indicator.key, "status_description": view.indicator.description}


def update_id(notice: Notice) -> str:
    """Return the v2 id of the update this notice is (as in api/v2/incidents.json)."""
    item = notice.item
    if isinstance(item, IncidentView):
        return stable_id("incident-update", f"{item.id}:{notice.number}")
    key = "announcement" if notice.number == 0 else str(notice.number)
    return stable_id("maintenance-update", f"{item.id}:{key}")


def as_of_update(incident: Json, notice: Notice) -> Json:
    """Return the v2 incident or maintenance object as it stood right after the notice's update.

    Statuspage sends the incident with its updates newest first, the new one at the top, and
    integrations read ``incident_updates[0]``; a notice delivered late (several in one run)
    must still put its own update there.
    """
    if notice.event == "incident.postmortem":
        return incident
    wanted = update_id(notice)
    updates = incident["incident_updates"]
    at = next((n for n, u in enumerate(updates) if u["id"] == wanted), 0)
    shown = dict(incident)
    shown["incident_updates"] = updates[at:]
    current = updates[at]
    shown["status"] = current["status"]
    shown["updated_at"] = current["created_at"]
    if current["status"] not in ("resolved", "completed"):
        shown["resolved_at"] = None
    return shown


def component_changes(incident: Json, notice: Notice) -> list[Json]:
    """Return the components whose status the notice's update changed (``affected_components`` entries)."""
    if notice.event == "incident.postmortem" or not isinstance(notice.item, IncidentView | MaintenanceView):
        return []
    wanted = update_id(notice)
    for update in incident["incident_updates"]:
        if update["id"] == wanted:
            return [c for c in update["affected_components"] or [] if c["old_status"] != c["new_status"]]
    return []


def component_update(component: Json, change: Json, notice: Notice, tz: dt.tzinfo) -> Json:
    """Return Statuspage's ``component`` and ``component_update`` objects for one change."""
    at = api_time(notice.post.published, tz)
    shown = dict(component)
    shown["status"] = change["new_status"]
    shown["updated_at"] = at
    return {
        "component": shown,
        "component_update": {
            "old_status": change["old_status"],
            "new_status": change["new_status"],
            "created_at": at,
            "component_type": "Component",
            "id": stable_id("component-update", f"{notice.post.target}:{change['code']}"),
            "component_id": change["code"],
        },
    }
