"""The content model: what the YAML files say, validated and typed. No I/O, no clock.

Defaults live in the format declarations (:mod:`.format`), not here: the loader always
fills every field.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo


class _Ordered(enum.Enum):
    """An enum whose members carry a rank (their position) for "worst of" comparisons."""

    @property
    def rank(self) -> int:
        return _rank(self)

    def __str__(self) -> str:
        return str(self.value)

    @property
    def label(self) -> str:
        return _label(self)


# Computed once per member: "worst of" and labels run for every update of a big site.
@functools.cache
def _rank(member: _Ordered) -> int:
    return list(type(member)).index(member)


@functools.cache
def _label(member: _Ordered) -> str:
    return str(member.value).replace("_", " ").capitalize()


class Impact(_Ordered):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class ComponentStatus(_Ordered):
    """Statuspage's component statuses, ordered from best to worst for customers."""

    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"


class IncidentStatus(_Ordered):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class MaintenanceStatus(_Ordered):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class CommitmentStatus(_Ordered):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    AT_RISK = "at_risk"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


class Scope(_Ordered):
    """How an update changes what a commitment promises."""

    REDUCED = "reduced"
    EXTENDED = "extended"


@dataclass(frozen=True, slots=True)
class Source:
    """Where an item came from, for messages: the displayed path and the line of each key."""

    path: str
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def line(self, key: str = "") -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True, slots=True)
class Component:
    id: str
    name: str
    group: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Policy:
    update_every: dict[Impact, dt.timedelta]
    maintenance_notice: dt.timedelta
    postmortem_within: dt.timedelta
    #: How often the site is rebuilt; an older page warns readers that it may be stale.
    refresh: dt.timedelta
    #: How much later than the time it claims an update may be committed before `check --since` warns.
    backfill_tolerance: dt.timedelta
    #: When this policy took effect (``policy.since``), shown on /expect/; None when not said.
    since: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    email: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class Colors:
    """``#rrggbb`` colours: the accent (links, focus ring, header stripe) in the light and dark scheme."""

    accent: str
    accent_dark: str


class ChannelType(enum.Enum):
    """Where ``statusgen notify`` delivers (site.yaml ``notify[].type``)."""

    SLACK = "slack"
    TEAMS = "teams"
    DISCORD = "discord"
    WEBHOOK = "webhook"
    EMAIL = "email"


#: What a notification can be about (site.yaml ``notify[].events``), grouped by the part before the dot.
#: Every post is one of these; ``component.updated`` is the Statuspage component payload that
#: ``webhook`` channels also get for each component whose status a post changes.
NOTIFY_EVENTS = (
    "incident.created", "incident.updated", "incident.corrected", "incident.impact_changed",
    "incident.resolved", "incident.postmortem",
    "maintenance.scheduled", "maintenance.rescheduled", "maintenance.started", "maintenance.updated",
    "maintenance.completed", "maintenance.cancelled",
    "commitment.made", "commitment.updated", "commitment.delivered", "commitment.withdrawn",
    "component.updated",
)
NOTIFY_EVENT_GROUPS = tuple(dict.fromkeys(event.partition(".")[0] for event in NOTIFY_EVENTS))


@dataclass(frozen=True, slots=True)
class Channel:
    """One place ``statusgen notify`` delivers new posts to (site.yaml ``notify:``).

    Secrets are never here: only the names of the environment variables that hold them.
    """

    name: str
    type: ChannelType
    #: Only posts about these components (empty: all).
    components: tuple[str, ...] = ()
    #: Only these events or event groups (empty: all), see :mod:`statusgen.notify.events`.
    events: tuple[str, ...] = ()
    url: str = ""
    url_env: str = ""
    secret_env: str = ""
    host: str = ""
    port: int = 0
    tls: str = "starttls"
    username_env: str = ""
    password_env: str = ""
    sender: str = ""
    #: The subscriber list: a file in the site folder (one address a line), or a variable.
    to_file: Path | None = None
    to_env: str = ""
    #: Where a recipient unsubscribes: a URL or an address (List-Unsubscribe).
    unsubscribe: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Subscribe:
    """How customers sign up for e-mail, shown on the Subscribe page (site.yaml ``subscribe:``)."""

    email_url: str = ""
    email_address: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    title: str
    base_url: str
    description: str
    timezone: ZoneInfo
    language: str
    contact: Contact
    feedback_url: str
    policy: Policy
    components: tuple[Component, ...]
    source: Source
    #: Entries per feed (RSS and Atom), newest first.
    feed_entries: int
    #: The site's own theme folder (``theme:``), searched before the default theme.
    theme: Path | None = None
    #: The site's accent colour in each scheme (``colors:``), contrast-checked.
    colors: Colors | None = None
    #: The site's logo file (``logo:``), shown in place of the title, and its dark-scheme variant.
    logo: Path | None = None
    logo_dark: Path | None = None
    #: Where ``statusgen notify`` delivers new posts (``notify:``); never read by the build.
    notify: tuple[Channel, ...] = ()
    #: How customers sign up for e-mail (``subscribe:``), for the Subscribe page.
    subscribe: Subscribe = field(default_factory=Subscribe)


@dataclass(frozen=True, slots=True)
class IncidentUpdate:
    number: int  # 1-based, the anchor #update-<number>
    at: dt.datetime
    status: IncidentStatus
    body: str
    posted_at: dt.datetime | None = None
    components: dict[str, ComponentStatus] | None = None
    next_update_by: dt.datetime | None = None
    corrects: int | None = None
    line: int = 0
    #: What this update changes about the incident from now on (None: unchanged).
    impact: Impact | None = None
    title: str | None = None
    workaround: str | None = None

    @property
    def published(self) -> dt.datetime:
        """When customers could read it: ``posted_at`` for a backfilled update, else ``at``."""
        return self.posted_at or self.at


@dataclass(frozen=True, slots=True)
class PostmortemRevision:
    """A later addition to a published postmortem: what changed or what is added, and more actions."""

    number: int  # 1-based, the anchor #postmortem-revision-<number>
    at: dt.datetime
    body: str
    actions: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class Postmortem:
    published_at: dt.datetime
    body: str
    actions: tuple[str, ...] = ()
    revisions: tuple[PostmortemRevision, ...] = ()

    @property
    def all_actions(self) -> tuple[str, ...]:
        """The commitments of the postmortem and of its revisions, each once, in order."""
        found = list(self.actions)
        for revision in self.revisions:
            found.extend(a for a in revision.actions if a not in found)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class Incident:
    id: str
    title: str
    impact: Impact
    components: dict[str, ComponentStatus]
    started_at: dt.datetime
    updates: tuple[IncidentUpdate, ...]
    source: Source
    workaround: str = ""
    postmortem: Postmortem | None = None


@dataclass(frozen=True, slots=True)
class MaintenanceUpdate:
    number: int
    at: dt.datetime
    status: MaintenanceStatus
    body: str
    line: int = 0
    #: A new window or new affected components from this update on (None: unchanged).
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    components: dict[str, ComponentStatus] | None = None


@dataclass(frozen=True, slots=True)
class Maintenance:
    id: str
    title: str
    components: dict[str, ComponentStatus]
    announced_at: dt.datetime
    starts_at: dt.datetime
    ends_at: dt.datetime
    body: str
    updates: tuple[MaintenanceUpdate, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Due:
    """A due date or time. A date means the end of that day in the site's zone."""

    value: dt.date | dt.datetime
    deadline: dt.datetime

    @property
    def is_date(self) -> bool:
        return not isinstance(self.value, dt.datetime)


@dataclass(frozen=True, slots=True)
class CommitmentUpdate:
    number: int
    at: dt.datetime
    status: CommitmentStatus
    body: str = ""
    due: Due | None = None
    next_update_by: dt.datetime | None = None
    line: int = 0
    #: A change of what is promised (with the reason in ``body``), and the promise's new wording.
    scope: Scope | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    id: str
    title: str
    made_at: dt.datetime
    due: Due
    components: tuple[str, ...]
    body: str
    updates: tuple[CommitmentUpdate, ...]
    source: Source
    incident: str | None = None


@dataclass(frozen=True, slots=True)
class Content:
    """Everything in a site folder, validated."""

    site: Site
    incidents: tuple[Incident, ...]
    maintenance: tuple[Maintenance, ...]
    commitments: tuple[Commitment, ...]

    def items(self, folder: str) -> tuple[Incident, ...] | tuple[Maintenance, ...] | tuple[Commitment, ...]:
        """Return the items of the kind stored in ``folder`` (``incidents``, ``maintenance``, ``commitments``)."""
        found: tuple[Incident, ...] | tuple[Maintenance, ...] | tuple[Commitment, ...] = getattr(self, folder)
        return found
