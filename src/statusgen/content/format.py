"""The content format, declared once: site.yaml, incidents, maintenance and commitments.

Each declaration is an :class:`~.validation.Obj` of fields with a type, whether it is
required, its default and its documentation. The loader validates with these, `statusgen
schema` writes them as JSON Schema, and the documentation (docs/format.md) describes them: the
default of every setting is said here and nowhere else.
"""

from __future__ import annotations

from .. import timeutil
from ..resources import shipped_languages
from .model import (
    NOTIFY_EVENT_GROUPS,
    NOTIFY_EVENTS,
    ChannelType,
    CommitmentStatus,
    ComponentStatus,
    Impact,
    IncidentStatus,
    MaintenanceStatus,
    Scope,
)
from .validation import Field, ListOf, MapOf, MapOrList, Obj
from .values import (
    BaseUrl,
    Choice,
    Color,
    Duration,
    Email,
    EnvName,
    Host,
    Int,
    RelPath,
    Slug,
    Str,
    Time,
    TimeOrDate,
    Url,
    Zone,
)

_INCIDENT_COMPONENT_STATUS = Choice.of(ComponentStatus, exclude=[ComponentStatus.UNDER_MAINTENANCE])

COMPONENT = Obj(
    Field("id", Slug(), "Component id, used in incidents and in the URL /components/<id>/.", required=True),
    Field("name", Str(max_length=100), "Name customers see.", required=True),
    Field("group", Str(max_length=100), "Group heading; components without a group are listed on their own."),
    Field("description", Str(), "One line shown under the name."),
    doc="A part of the service customers know by name.",
)

UPDATE_EVERY = Obj(
    *(
        Field(impact.value, Duration, f"Longest silence on an open {impact.value} incident.",
              default=timeutil.parse_duration(default))
        for impact, default in zip(
            (Impact.CRITICAL, Impact.MAJOR, Impact.MINOR, Impact.NONE), ("30m", "1h", "4h", "24h"), strict=True
        )
    ),
    doc="Longest time between two updates of an open incident, by impact.",
)

POLICY = Obj(
    Field("update_every", UPDATE_EVERY, UPDATE_EVERY.doc),
    Field("maintenance_notice", Duration, "Minimum notice between announcing maintenance and its start.",
          default=timeutil.parse_duration("72h")),
    Field("postmortem_within", Duration, "How soon after a major or critical incident is resolved its "
          "postmortem is due.", default=timeutil.parse_duration("5d")),
    Field("refresh", Duration, "How often the site is rebuilt; a page older than this warns readers that it "
          "may be out of date.", default=timeutil.parse_duration("15m")),
    Field("backfill_tolerance", Duration, "`check --since` warns when an update is committed more than this "
          "long after the time it claims, unless it gives `posted_at`.", default=timeutil.parse_duration("30m")),
    Field("since", Time, "When this policy took effect; /expect/ says so. Set it to the time of the change "
          "whenever the policy changes."),
    doc="The promises the team makes about its own communication.",
)

COLORS = Obj(
    Field("accent", Color(), 'Accent colour for links, the focus ring and the header stripe, "#rrggbb" in quotes; '
          "it needs 4.5:1 contrast on the theme's light backgrounds.", required=True),
    Field("accent_dark", Color(), "Accent colour in the dark colour scheme (default: `accent`); it needs 4.5:1 "
          "contrast on the theme's dark backgrounds."),
    doc="The site's own colours; status colours stay the theme's, so every site reads the same.",
)

#: The keys of a notification channel; which ones each type takes is checked in :mod:`.notify_settings`.
CHANNEL = Obj(
    Field("type", Choice.of(ChannelType), "slack, teams or discord (their incoming webhooks), webhook (JSON in "
          "Statuspage's webhook shape) or email (SMTP).", required=True),
    Field("name", Slug(), "The channel's name in the log and in the `--state` file (default: its type); give "
          "one to each of several channels of the same type. Renaming it sends its posts again."),
    Field("components", ListOf(Slug(), min_items=1, unique=True), "Only posts about these components "
          "(default: all posts, including commitments about no component)."),
    Field("events", ListOf(Choice(NOTIFY_EVENT_GROUPS + NOTIFY_EVENTS, noun="event"), min_items=1, unique=True),
          "Only these events (e.g. incident.created) or groups (incident, maintenance, commitment, component); "
          "default: all."),
    Field("url", Url(), "webhook: the receiver's URL, when it is not a secret (otherwise `url_env`)."),
    Field("url_env", EnvName, "slack, teams, discord, webhook: the environment variable holding the webhook URL "
          "(a CI secret: whoever has a chat webhook URL can post to the channel)."),
    Field("secret_env", EnvName, "webhook: the environment variable holding the key that signs every request "
          "(HMAC-SHA256, header X-Statusgen-Signature)."),
    Field("host", Host, "email: the SMTP server."),
    Field("port", Int(minimum=1, maximum=65535), "email: the SMTP port (default: 587 for starttls, 465 for ssl, "
          "25 for none)."),
    Field("tls", Choice(["starttls", "ssl", "none"], noun="TLS mode"), "email: starttls (upgrade a plain "
          "connection), ssl (TLS from the start) or none (only to a server on this machine).", default="starttls"),
    Field("username_env", EnvName, "email: the environment variable holding the SMTP user name."),
    Field("password_env", EnvName, "email: the environment variable holding the SMTP password."),
    Field("from", Email(), "email: the sender address."),
    Field("to_file", RelPath, "email: the subscriber list, one address a line (`#` starts a comment), relative "
          "to site.yaml inside the site folder; read by notify only, never published."),
    Field("to_env", EnvName, "email: the environment variable holding the subscriber addresses (separated by "
          "commas, spaces or new lines)."),
    Field("unsubscribe", Str(max_length=500), "email: how a recipient unsubscribes, an https URL or an address "
          "(the List-Unsubscribe header); default: a mail to `from`."),
    doc="A channel `statusgen notify` delivers new posts to.",
)

SUBSCRIBE = Obj(
    Field("email_url", Url(), "A page where customers sign up for e-mail updates."),
    Field("email_address", Email(), "An address customers write to to get e-mail updates."),
    doc="How customers sign up for e-mail, shown on the Subscribe page.",
)

SITE = Obj(
    Field("title", Str(max_length=200), "Title of the status site.", required=True),
    Field("base_url", BaseUrl(), "Absolute URL the site is published at; used in feeds, links and the API.",
          required=True),
    Field("description", Str(), "One sentence describing the site."),
    Field("timezone", Zone(), "IANA time zone in which pages show times, e.g. Europe/Berlin.", required=True),
    Field("language", Choice(shipped_languages(), noun="language"), "Language of the pages (a message catalog "
          "of the default theme).", default="en"),
    Field("contact", Obj(
        Field("email", Email(), "Support email address."),
        Field("url", Url(), "Support page."),
    ), "How customers reach support."),
    Field("feedback_url", Url(), "Optional survey link shown under updates (\"was this helpful?\")."),
    Field("feed_entries", Int(minimum=1), "How many entries each RSS and Atom feed holds, newest first.",
          default=50),
    Field("policy", POLICY, POLICY.doc),
    Field("theme", Str(), "The site's own theme folder, relative to site.yaml: its templates, static files and "
          "messages override the default theme's, one file (or message) at a time."),
    Field("logo", Str(), "Logo image (SVG, PNG, JPEG, WebP or GIF), relative to site.yaml; shown in the header "
          "in place of the title, with the title as its text alternative."),
    Field("logo_dark", Str(), "The logo for the dark colour scheme, when `logo` does not read well on a dark "
          "background."),
    Field("colors", COLORS, COLORS.doc),
    Field("components", ListOf(COMPONENT, min_items=1), "The components, in the order customers see them.",
          required=True),
    Field("subscribe", SUBSCRIBE, SUBSCRIBE.doc),
    Field("notify", ListOf(CHANNEL, min_items=1), "Where `statusgen notify` delivers every new post: chat "
          "channels, webhooks, e-mail. Secrets only by the name of the environment variable that holds them."),
    doc="Site settings, components and communication policy (site.yaml).",
)

INCIDENT_UPDATE = Obj(
    Field("at", Time, "When this update describes (time with offset).", required=True),
    Field("posted_at", Time, "When it was really posted, if later than `at` (a backfilled update)."),
    Field("status", Choice.of(IncidentStatus), "Status of the incident from this update on. A correction may "
          "leave it out to keep the previous status."),
    Field("body", Str(markdown=True), "What customers should know (Markdown).", required=True),
    Field("components", MapOf(Slug(), _INCIDENT_COMPONENT_STATUS, min_items=1),
          "Component statuses from this update on (only those that change)."),
    Field("next_update_in", Duration, "Promise: the next update comes within this long."),
    Field("next_update_by", Time, "Promise: the next update comes by this time."),
    Field("corrects", Int(minimum=1), "This update corrects update number N (1-based) of this incident."),
    Field("impact", Choice.of(Impact), "The impact from this update on; the page says when it was raised or "
          "lowered."),
    Field("title", Str(max_length=200), "The title from this update on; the page keeps the first one visible."),
    Field("workaround", Str(markdown=True), "What customers can do now (Markdown), from this update on."),
    doc="One published update; append-only.",
)

POSTMORTEM_REVISION = Obj(
    Field("at", Time, "When this revision was published.", required=True),
    Field("body", Str(markdown=True), "What changed in the postmortem, or what it adds (Markdown).",
          required=True),
    Field("actions", ListOf(Slug(), unique=True), "Ids of further commitments that prevent a repeat.",
          default=list),
    doc="A later revision of a published postmortem; append-only.",
)

POSTMORTEM = Obj(
    Field("published_at", Time, "When the postmortem was published.", required=True),
    Field("body", Str(markdown=True), "What happened, why, and what changes (Markdown).", required=True),
    Field("actions", ListOf(Slug(), unique=True), "Ids of the commitments that prevent a repeat.", default=list),
    Field("revisions", ListOf(POSTMORTEM_REVISION), "Later revisions, oldest first; the published postmortem "
          "stays as it was.", default=list),
    doc="The postmortem of an incident.",
)

INCIDENT = Obj(
    Field("title", Str(max_length=200), "Short title customers recognise.", required=True),
    Field("impact", Choice.of(Impact), "none, minor, major or critical.", required=True),
    Field("components", MapOf(Slug(), _INCIDENT_COMPONENT_STATUS), "Affected components and their status "
          "while the incident is open.", default=dict),
    Field("started_at", Time, "When customers were first affected (default: the first update)."),
    Field("workaround", Str(markdown=True), "What customers can do now (Markdown), shown while open."),
    Field("updates", ListOf(INCIDENT_UPDATE, min_items=1), "Updates, oldest first.", required=True),
    Field("postmortem", POSTMORTEM, POSTMORTEM.doc),
    doc="An incident (incidents/<id>.yaml).",
)

_MAINTENANCE_COMPONENTS = MapOrList(Slug(), Choice.of(ComponentStatus), ComponentStatus.UNDER_MAINTENANCE,
                                    min_items=1)

MAINTENANCE_UPDATE = Obj(
    Field("at", Time, "When this update was posted.", required=True),
    Field("status", Choice.of(MaintenanceStatus), "Status from this update on.", required=True),
    Field("body", Str(markdown=True), "What customers should know (Markdown).", required=True),
    Field("starts_at", Time, "A new planned start (a reschedule); the page keeps the original window visible."),
    Field("ends_at", Time, "A new planned end (a reschedule or an extension)."),
    Field("components", _MAINTENANCE_COMPONENTS, "The affected components from this update on, as `components`."),
    doc="One update of a maintenance.",
)

MAINTENANCE = Obj(
    Field("title", Str(max_length=200), "Short title.", required=True),
    Field("components", _MAINTENANCE_COMPONENTS,
          "Affected components: a list (under maintenance) or a mapping id: status.", required=True),
    Field("announced_at", Time, "When customers were told.", required=True),
    Field("starts_at", Time, "Planned start.", required=True),
    Field("ends_at", Time, "Planned end.", required=True),
    Field("body", Str(markdown=True), "What customers should expect (Markdown).", required=True),
    Field("updates", ListOf(MAINTENANCE_UPDATE), "Updates, oldest first.", default=list),
    doc="A scheduled maintenance (maintenance/<id>.yaml).",
)

COMMITMENT_UPDATE = Obj(
    Field("at", Time, "When this update was posted.", required=True),
    Field("status", Choice.of(CommitmentStatus), "Status from this update on.", required=True),
    Field("due", TimeOrDate, "A new due date or time; the page keeps showing the original one."),
    Field("body", Str(markdown=True), "What changed and why (Markdown); required to move the date or "
          "withdraw."),
    Field("next_update_by", Time, "Promise: the next word on this commitment comes by this time."),
    Field("scope", Choice.of(Scope), "reduced or extended: this update changes what is promised; `body` says "
          "how. The ledger judges the commitment against what was first promised."),
    Field("title", Str(max_length=200), "The promise in a few words, from this update on; the page keeps the "
          "first wording visible."),
    doc="One update of a commitment.",
)

COMMITMENT = Obj(
    Field("title", Str(max_length=200), "The promise, in a few words.", required=True),
    Field("made_at", Time, "When the promise was made public.", required=True),
    Field("due", TimeOrDate, "Due date (end of that day in the site's zone) or time.", required=True),
    Field("components", ListOf(Slug(), unique=True), "Components it concerns.", default=list),
    Field("incident", Slug(), "The incident that led to it."),
    Field("body", Str(markdown=True), "The promise in full (Markdown).", required=True),
    Field("updates", ListOf(COMMITMENT_UPDATE), "Updates, oldest first.", default=list),
    doc="A promise to customers (commitments/<id>.yaml).",
)

