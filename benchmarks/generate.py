#!/usr/bin/env python3
"""Generate a synthetic statusgen site for benchmarks.

    python benchmarks/generate.py OUTDIR --incidents N [--bodies realistic|plain] [--components 12]
                                         [--updates 4] [--seed 1] [--force]

Writes OUTDIR/site.yaml, OUTDIR/incidents/<id>.yaml (N incidents, the newest one still open),
OUTDIR/maintenance/<id>.yaml (about N/100), OUTDIR/commitments/<id>.yaml (about N/100) and
OUTDIR/.benchmark-site.json (the arguments and the content's statistics; statusgen ignores it).

Update bodies are `realistic` by default: they read like the updates support teams post (links written
as Markdown and as bare URLs, **bold**, lists, `code`, parentheses, dashes, colons, times such as
"since 10:51 UTC"), from one-line "We are investigating" notes to several-paragraph resolutions.
`--bodies plain` writes the short template sentences the generator wrote before, to show the difference.
Both styles give the same incidents, times, impacts and components: only the texts differ.

The content follows the format in FORMAT.md and the loader's rules: every time has an offset, ids are
lowercase slugs, only documented keys, updates oldest first with `at` >= started_at, promises
(`next_update_in` / `next_update_by`) only on unresolved updates and always after the update, every
major or critical incident resolved more than 5 days before "now" has its postmortem, and no commitment
is broken at the benchmark's "now" (2026-11-25T12:00:00+01:00): `statusgen check` finds no errors.

Standard library only; the YAML is written by hand. Strings are quoted with json.dumps (a JSON string is
a valid YAML double-quoted scalar) or written as `|` block scalars when they span lines. Output is
byte-for-byte deterministic for a given set of arguments. To state how many bodies take statusgen's
plain-text shortcut, the generator asks statusgen's own `is_plain_prose` (found in
statusgen.outputs.markup or statusgen.markup); without statusgen the share is reported as unknown.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import random
import re
import shutil
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BODY_STYLES = ("realistic", "plain")
DEFAULT_COMPONENTS = 12
#: Written into every generated site: how it was generated and what its bodies are like.
STAMP = ".benchmark-site.json"
#: Where statusgen keeps `is_plain_prose`: the layout with subpackages first, then the flat one.
MARKUP_MODULES = ("statusgen.outputs.markup", "statusgen.markup")

# ---------------------------------------------------------------------------------------------------------
# Fixed points in time. Internally every time is a naive datetime in UTC.

NOW = datetime(2026, 11, 25, 11, 0)            # 2026-11-25T12:00:00+01:00, the benchmark's --now
OPEN_START = datetime(2026, 11, 25, 9, 0)      # 2026-11-25T10:00:00+01:00, the one open incident
HISTORY_START = datetime(2023, 11, 24, 23, 0)  # 2023-11-25T00:00:00+01:00, three years back
CLOSED_BEFORE = datetime(2026, 11, 25, 8, 0)   # every other incident is resolved before this

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")

# ---------------------------------------------------------------------------------------------------------
# Time formatting (Europe/Berlin, EU daylight-saving rule, computed here so tzdata is not needed).

_DST_CACHE: dict[int, tuple[datetime, datetime]] = {}


def _last_sunday(year: int, month: int) -> date:
    d = date(year, month, 31)  # March and October both have 31 days
    return d - timedelta(days=(d.weekday() + 1) % 7)


def berlin_offset_hours(utc: datetime) -> int:
    rng = _DST_CACHE.get(utc.year)
    if rng is None:
        start = datetime.combine(_last_sunday(utc.year, 3), datetime.min.time()) + timedelta(hours=1)
        end = datetime.combine(_last_sunday(utc.year, 10), datetime.min.time()) + timedelta(hours=1)
        rng = _DST_CACHE[utc.year] = (start, end)
    return 2 if rng[0] <= utc < rng[1] else 1


def berlin_local(utc: datetime) -> datetime:
    return utc + timedelta(hours=berlin_offset_hours(utc))


def fmt_time(utc: datetime, zulu: bool = False) -> str:
    """ISO 8601 with an offset: Berlin local time with +01:00/+02:00, or UTC with Z."""
    if zulu:
        return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
    off = berlin_offset_hours(utc)
    t = utc + timedelta(hours=off)
    return "%04d-%02d-%02dT%02d:%02d:%02d+%02d:00" % (t.year, t.month, t.day, t.hour, t.minute, t.second, off)


def fmt_clock(utc: datetime, zulu: bool = False) -> str:
    """A wall-clock time for use inside prose ("since 10:51")."""
    if zulu:
        return "%02d:%02d UTC" % (utc.hour, utc.minute)
    t = berlin_local(utc)
    return "%02d:%02d" % (t.hour, t.minute)


def fmt_duration(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        return "%dd" % (minutes // (24 * 60))
    h, m = divmod(minutes, 60)
    if h and m:
        return "%dh%dm" % (h, m)
    return "%dh" % h if h else "%dm" % m


def round_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


# ---------------------------------------------------------------------------------------------------------
# YAML writing helpers.

_BLOCK_SAFE = re.compile(r"^[^\t\r\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]*$")


def q(s: str) -> str:
    """A YAML double-quoted scalar. JSON escapes are a subset of YAML's; non-ASCII stays literal (UTF-8)."""
    for ch in "\x7f\x85\u2028\u2029\ufeff":  # line breaks / oddities in YAML that JSON leaves alone
        if ch in s:
            return json.dumps(s, ensure_ascii=True)  # only BMP characters are used, so \\uXXXX is fine
    return json.dumps(s, ensure_ascii=False)


def text(key: str, value: str, indent: str) -> str:
    """`key: value` for prose; multi-line Markdown becomes a literal block scalar."""
    if "\n" in value and _BLOCK_SAFE.match(value) and not value[:1].isspace() and not any(
            line != line.rstrip() for line in value.split("\n")):
        body = "\n".join((indent + "  " + line) if line else "" for line in value.rstrip("\n").split("\n"))
        return "%s%s: |\n%s\n" % (indent, key, body)
    return "%s%s: %s\n" % (indent, key, q(value))


def slug(s: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", s.lower())).strip("-")


class Ids:
    """Unique lowercase slugs per kind; a collision gets -2, -3, ..."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, base: str) -> str:
        base = slug(base)[:90].rstrip("-")
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = "%s-%d" % (base, n)
        assert SLUG_RE.match(ident), ident
        self.used.add(ident)
        return ident



MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


class Clock:
    """How one incident's texts write times: in UTC ("10:51 UTC") or in Berlin time ("11:51 CET")."""

    def __init__(self, utc: bool) -> None:
        self.utc = utc

    def local(self, t: datetime) -> datetime:
        return t if self.utc else berlin_local(t)

    def zone(self, t: datetime) -> str:
        return "UTC" if self.utc else ("CEST" if berlin_offset_hours(t) == 2 else "CET")

    def hm(self, t: datetime) -> str:
        t = self.local(t)
        return "%02d:%02d" % (t.hour, t.minute)

    def at(self, t: datetime) -> str:
        return "%s %s" % (self.hm(t), self.zone(t))

    def day(self, t: datetime) -> str:
        t = self.local(t)
        return "%s %d, %d" % (MONTHS[t.month - 1], t.day, t.year)


def duration_text(minutes: int) -> str:
    """1 hour 34 minutes, 2 hours, 45 minutes."""
    h, m = divmod(max(1, minutes), 60)
    parts = []
    if h:
        parts.append("%d hour%s" % (h, "" if h == 1 else "s"))
    if m or not h:
        parts.append("%d minute%s" % (m, "" if m == 1 else "s"))
    return " ".join(parts)

# ---------------------------------------------------------------------------------------------------------
# Vocabulary.

GROUPS = [
    ("Platform", [
        ("api", "Public API", "REST and GraphQL endpoints"),
        ("dashboard", "Dashboard", "Web console at app.acme.example"),
        ("auth", "Authentication", "Sign-in, SSO and API tokens"),
        ("webhooks", "Webhooks", "Outgoing event notifications"),
        ("cdn", "CDN", "Static assets and edge caching"),
    ]),
    ("Compute", [
        ("virtual-machines", "Virtual machines", "Provisioning and running instances"),
        ("kubernetes", "Managed Kubernetes", "Control plane and node pools"),
        ("functions", "Functions", "Serverless function runtime"),
        ("batch-jobs", "Batch jobs", "Scheduled and queued workloads"),
        ("load-balancers", "Load balancers", "Layer 4 and layer 7 load balancing"),
    ]),
    ("Data", [
        ("databases", "Managed databases", "PostgreSQL and MySQL clusters"),
        ("object-storage", "Object storage", "S3-compatible buckets"),
        ("block-storage", "Block storage", "Volumes and snapshots"),
        ("backups", "Backups", "Scheduled backups and restores"),
        ("search", "Search", "Hosted search indexes"),
    ]),
    ("Communications", [
        ("email", "Email delivery", "Transactional email sending"),
        ("sms", "SMS", "Text messages in 140 countries"),
        ("push", "Push notifications", "iOS and Android push"),
        ("voice", "Voice calls", "Programmable voice"),
        ("chat-widget", "Chat widget", "Embeddable support chat"),
    ]),
]

REGIONS = ["eu-west", "eu-central", "us-east", "us-west", "ap-south", "ap-northeast"]

# (slug, title template, symptom, state)
PROBLEMS = [
    ("latency", "Elevated latency on {c}", "elevated latency", "slow to respond"),
    ("errors", "Increased error rates on {c}", "increased error rates", "returning errors"),
    ("outage", "{c} unavailable", "failed requests", "unavailable"),
    ("timeouts", "Timeouts when using {c}", "timeouts", "timing out"),
    ("degraded", "Degraded performance of {c}", "degraded performance", "slower than usual"),
    ("delays", "Delays in {c}", "delays", "processing with a delay"),
    ("intermittent-failures", "Intermittent failures in {c}", "intermittent 502 and 503 responses",
     "failing intermittently"),
    ("partial-outage", "Partial outage of {c}", "failures for some accounts", "partly unavailable"),
    ("login-problems", "Sign-in problems affecting {c}", "failed sign-ins", "rejecting some sign-ins"),
    ("stale-data", "Stale data shown in {c}", "outdated data", "showing outdated data"),
]

# Each cause with the fixes that go with it (gerunds: "we are {fix}", "mitigated by {fix}").
CAUSES = [
    ("a faulty load-balancer node", ["removing it from service", "rerouting traffic away from {region}"]),
    ("a misconfigured deploy of version {ver}", ["rolling back the change", "rolling back to the previous version"]),
    ("an expired TLS certificate on an internal endpoint", ["rotating the certificate"]),
    ("connection-pool exhaustion on a database replica", ["failing over to a healthy replica", "adding capacity"]),
    ("a failing storage volume in {region}", ["failing over to a healthy replica",
                                              "rerouting traffic away from {region}"]),
    ("an outage at one of our upstream providers", ["working with the provider on a fix",
                                                    "rerouting traffic away from {region}"]),
    ("a DNS resolution problem in {region}", ["rerouting traffic away from {region}", "restarting the resolvers"]),
    ("a memory leak in the {c} workers", ["restarting the affected workers", "rolling back the change"]),
    ("a faulty network switch in one of our {region} data centres", ["rerouting traffic away from {region}",
                                                                     "removing it from service"]),
    ("a traffic spike that exceeded our internal rate limits", ["adding capacity", "raising the limits"]),
    ("a stuck replication job", ["restarting the replication", "failing over to a healthy replica"]),
    ("a certificate rotation that did not complete", ["rotating the certificate"]),
    ("a schema migration that locked a busy table", ["stopping the migration", "rolling back the change"]),
    ("a full disk on a message-queue broker", ["draining the affected queue", "adding capacity"]),
]

MAINTENANCE = [
    ("database-upgrade", "Database engine upgrade", "{c} will be read-only for up to {h} hours."),
    ("network-maintenance", "Network maintenance in {region}",
     "Brief connection drops of a few seconds are possible for {c}."),
    ("upgrade", "Scheduled upgrade of {c}", "{c} may respond more slowly during the upgrade."),
    ("certificate-rotation", "Certificate rotation for {c}",
     "We rotate certificates. Clients that pin certificates must update them; see "
     "[the announcement](https://docs.acme.example/changes/certificates)."),
    ("storage-migration", "Storage migration for {c}",
     "Data moves to new hardware. **No action is needed.** Writes may be delayed by a few seconds."),
]

COMMITMENTS = [
    ("health-checks", "Active health checks for {c}",
     "We will add active health checks so a failing node leaves the pool within 10 seconds."),
    ("staged-rollouts", "Staged rollouts for {c}",
     "Every change to {c} will reach 1% of traffic first, with automatic rollback on errors."),
    ("certificate-monitoring", "Monitoring of internal certificates",
     "We will alert 30 days before any internal certificate expires."),
    ("capacity-alerts", "Capacity alerts for {c}",
     "We will alert when {c} passes 70% of its capacity, well before customers notice."),
    ("failover-drills", "Quarterly failover drills",
     "We will rehearse a regional failover of {c} every quarter and publish the results."),
    ("runbook", "Runbook for {c} incidents",
     "We will write and test a runbook so the first update is posted within 10 minutes."),
]

# Most incidents are minor; one in five is major or critical, and each of those gets a postmortem.
IMPACTS = ["none"] * 10 + ["minor"] * 70 + ["major"] * 16 + ["critical"] * 4
PROMISE_MINUTES = {"critical": [30], "major": [30, 60], "minor": [60, 120], "none": [120, 240]}
STATUS_ORDER = ["operational", "degraded_performance", "partial_outage", "major_outage"]


# -- `--bodies plain`: the short template sentences the generator wrote before ------------------------------

INVESTIGATING = [
    "We are investigating reports of {symptom} on {c}.",
    "Some customers see {symptom} when using {c} in {region}.",
    "Our monitoring detected {symptom} for {c} at {clock}. We are looking into it.",
    "We have received reports that {c} is {state}. Our engineers are investigating.",
    "{c} is {state} for a subset of customers. We are investigating the cause.",
]

INVESTIGATING_EXTRA = [
    "Other services are not affected.",
    "We will share more as soon as we know more.",
    "Requests to {c2} may also be slower than usual.",
    "Customers outside {region} do not appear to be affected.",
    "",
    "",
]

IDENTIFIED = [
    "The cause is {cause}. We are {fix}.",
    "We have identified {cause} as the cause and are {fix}.",
    "We found the problem: {cause}. Our team is {fix}.",
    "We traced the {symptom} to {cause}. We are {fix}.",
]

PROGRESS = [
    "The fix is about {pct}% rolled out.",
    "Error rates are falling; about {pct}% of requests succeed again.",
    "We are still {fix}; this is taking longer than we hoped.",
    "Recovery is progressing in {region}; other regions follow.",
]

MONITORING = [
    "A fix has been deployed and {c} is recovering. We are monitoring the results.",
    "Error rates are back to normal since {clock} — we continue to watch closely.",
    "{c} is working again. We are monitoring to make sure it stays that way.",
    "The change has been rolled back and {c} responds normally. We keep monitoring.",
]

MONITORING_EXTRA = [
    "Queued work is being processed; this may take up to {n} minutes.",
    "",
    "",
    "Requests that failed during the incident can be retried safely.",
]

RESOLVED = [
    "This incident is resolved. {c} has been operating normally since {clock}.",
    "All requests are served normally since {clock}.",
    "The incident is resolved; {c} has been stable since {clock}.",
    "Everything is back to normal since {clock}. We are sorry for the disruption.",
]

BOLD_SENTENCES = [
    "**No data was lost.**",
    "**Existing resources keep running**; only changes are affected.",
    "Please **do not retry** failed requests in a tight loop.",
    "**Customers in {region} are most affected.**",
]

LINK_SENTENCES = [
    "See [our retry guidance](https://docs.acme.example/api/retries) for how to handle failed requests.",
    "You can [subscribe to updates](https://status.acme.example/feed.xml) for this page.",
    "Follow [our engineering blog](https://blog.acme.example/) for details later.",
]

LIST_BLOCKS = [
    "Affected regions:\n\n- {region}\n- {region2}",
    "What you can do now:\n\n- Retry with exponential backoff\n- Use the {region2} endpoint\n"
    "- Contact support if it is urgent",
    "Affected features:\n\n- Creating new resources\n- Changing settings\n- Exporting reports",
]

WORKAROUNDS = [
    "Retry with backoff; the {region2} endpoint is unaffected.",
    "Use the API directly while {c} is unavailable.",
    "Requests can be retried safely; they are idempotent.",
    "While we work on this:\n\n- Use the {region2} endpoint\n- Retry failed requests after a few minutes",
]

# -- `--bodies realistic` (the default) ------------------------------------------------------------------
#
# Modelled on public status histories (GitHub's among them): the first update is often one plain line, the
# later ones name the cause, times and error codes, link to documentation, a provider's status page or a
# tracking issue, and the resolution often sums the incident up in a paragraph or three. Teams write
# **bold** for what matters most, lists for affected regions and workarounds, and `code` for error codes,
# endpoints and settings.

#: What customers do with each component, for "about 12% of {what} failed".
WHAT = {
    "api": "API requests", "dashboard": "page loads in the Dashboard", "auth": "sign-ins",
    "webhooks": "webhook deliveries", "cdn": "asset requests", "virtual-machines": "instance launches",
    "kubernetes": "cluster operations", "functions": "function invocations", "batch-jobs": "job runs",
    "load-balancers": "new connections", "databases": "database queries", "object-storage": "uploads and downloads",
    "block-storage": "volume operations", "backups": "backup runs", "search": "search queries",
    "email": "emails", "sms": "text messages", "push": "push notifications", "voice": "calls",
    "chat-widget": "chat sessions",
}

#: How the problem shows, in the past tense: "about 12% of sign-ins {effect}".
EFFECTS = {
    "latency": "were slow", "errors": "failed", "outage": "failed", "timeouts": "timed out",
    "degraded": "took longer than usual", "delays": "were delayed", "intermittent-failures": "failed intermittently",
    "partial-outage": "failed", "login-problems": "failed", "stale-data": "showed outdated data",
}

ERROR_CODES = ["503 Service Unavailable", "502 Bad Gateway", "504 Gateway Timeout", "500 Internal Server Error",
               "429 Too Many Requests", "ECONNRESET", "ETIMEDOUT", "connection refused", "SSL_ERROR_SYSCALL",
               "InternalError: upstream request timeout"]

PROVIDERS = [
    ("Northwind Cloud", "https://status.northwind-cloud.example/incidents/"),
    ("Fabrikam DNS", "https://www.fabrikamstatus.example/incidents/"),
    ("Contoso Transit", "https://status.contoso-transit.example/incidents/"),
    ("Tailspin Messaging", "https://status.tailspin.example/incidents/"),
]

DOC_LINKS = [
    ("our retry guidance", "https://docs.acme.example/api/retries#exponential-backoff"),
    ("the regional endpoints", "https://docs.acme.example/regions/endpoints"),
    ("how to fail over a database", "https://docs.acme.example/databases/failover"),
    ("the API rate limits", "https://docs.acme.example/api/rate-limits"),
    ("redelivering webhooks", "https://docs.acme.example/webhooks/redeliver"),
    ("our certificate chain", "https://docs.acme.example/security/certificates"),
    ("the status API", "https://status.acme.example/api/v2/summary.json"),
    ("this page's feed", "https://status.acme.example/feed.xml"),
    ("the troubleshooting guide", "https://docs.acme.example/troubleshooting/connectivity"),
]

METRICS = ["connection-pool saturation", "queue depth", "certificate expiry", "disk usage on brokers",
           "p99 latency per region", "5xx rates per region", "replication lag"]

PREVENTION = [
    "adding alerts on {metric}, so we notice this kind of problem before customers do",
    "changing our deploy pipeline so every change reaches 1% of traffic in {region} first",
    "reviewing the capacity of {c} in every region",
    "making the failover to a healthy replica automatic",
    "adding a second provider, so one provider's outage cannot take {c} down",
    "improving our runbooks to reduce our time to detection and mitigation",
    "load-testing {c} at twice today's peak before each release",
]

SETTINGS = ["max_connections", "pool_size", "read_timeout", "worker_concurrency", "retry_budget",
            "keepalive_timeout", "shard_count"]

INVESTIGATING_R = [
    (6, "We are investigating reports of {symptom} for {c}."),
    (5, "We are investigating reports of degraded performance for {c}."),
    (3, "We are investigating reports of issues with {c}. We will continue to keep customers updated on "
        "progress towards mitigation."),
    (3, "We're seeing {symptom} for {c} and are investigating."),
    (3, "Since {t0}, {c} has been {state} for some customers in {region}. We are investigating."),
    (3, "Our monitoring detected {symptom} on {c} at {t0}. Engineers are investigating; other services are "
        "not affected."),
    (3, "Some {what} fail with `{err}`. We are looking into it and will post an update within {promise}."),
    (2, "{c} is {state} for a subset of customers (mainly in {region}). We are investigating the cause."),
    (2, "We are aware of **{symptom}** affecting {c} and are investigating."),
    (2, "Customers may see {symptom} when using {c}. We're investigating and will share more as soon as we "
        "know more."),
]

INVESTIGATING_EXTRA_R = [
    "Running workloads are not affected.",
    "Customers outside {region} do not appear to be affected.",
    "If you are affected, reply to your open ticket or contact us at https://acme.example/support.",
    "You can [subscribe to updates]({feed}) for this incident.",
    "Requests to {c2} may also be slower than usual.",
    "We have paged the on-call engineers for {c} and the network team.",
    "Details of the affected endpoints are in [{doc}]({doc_url}).",
]

IDENTIFIED_R = [
    (4, "We have identified the cause: {cause}. We are {fix}."),
    (3, "We found the cause of the {symptom}: {cause}. Mitigation is under way (we are {fix}) and we expect "
        "recovery over the next {eta} minutes."),
    (3, "We've identified the issue ({cause}) and are {fix}. Customers may continue to see {symptom} until "
        "this is complete."),
    (2, "We traced the problem to {cause}. Since {t1} we have been {fix}; error rates have started to drop."),
    (2, "Root cause identified: {cause}. A fix is being deployed to `{region}` first, then to the remaining "
        "regions."),
    (2, "The issue is caused by an incident at {provider}, one of our upstream providers: see [their status "
        "page]({provider_url}) for details. We are {fix} in the meantime."),
]

IDENTIFIED_EXTRA_R = [
    "Affected requests return `{err}`; retrying after a few seconds usually succeeds.",
    "See [{doc}]({doc_url}) for how to handle these errors.",
    "Affected regions:\n\n- `{region}` (most requests)\n- `{region2}` (a small share of requests)",
    "While we work on this:\n\n- Retry failed requests with exponential backoff.\n- Point clients at the "
    "`{region2}` endpoint: `https://{region2}.api.acme.example`.\n- Contact support if you need help moving "
    "traffic.",
    "**Existing resources keep running**; only creating and changing them is affected.",
    "We are tracking this in https://github.com/acme/platform-status/issues/{issue}.",
    "No data has been lost.",
]

PROGRESS_R = [
    "The fix is about {pct}% rolled out; {c} in `{region}` has recovered and other regions follow.",
    "We are still {fix}. This is taking longer than we hoped; the next update comes within {promise}.",
    "Error rates keep falling: about {pct}% of {what} succeed again since {t1}.",
    "We are working with {provider} on a fix ([their incident]({provider_url})). {c} remains {state} for some "
    "customers.",
]

MONITORING_R = [
    (3, "A fix was deployed at {t1} and {c} is recovering. We are monitoring the results."),
    (3, "The degradation has been mitigated. We are monitoring to ensure stability."),
    (2, "Error rates are back to normal since {t1} - we continue to watch closely."),
    (2, "{c} is working again since {t1}. Queued {what} are being processed; this may take up to {n} minutes."),
    (2, "We rolled back version {ver} at {t1} and {c} responds normally. **Requests that failed during the "
        "incident can be retried safely.**"),
    (2, "Mitigation is complete in all regions. We are monitoring for the next {n} minutes before we resolve "
        "this incident."),
    (1, "{provider} reports their incident as mitigated ([details]({provider_url})) and {c} has recovered since "
        "{t1}. We keep monitoring."),
]

RESOLVED_SHORT_R = [
    "This incident has been resolved. {c} has been operating normally since {t_end}.",
    "This incident has been resolved. Between {t_start} and {t_end}, some {what} {effect}.",
    "Resolved: {c} was {state} from {t_start} to {t_end} ({dur}). We are sorry for the disruption.",
    "All {what} are handled normally since {t_end}. From {t_start}, about {pct}% of them {effect}.",
]

RESOLVED_CLOSING_R = [
    "We are {prevention} to reduce the chance of this happening again.",
    "We are {prevention}.",
    "We will publish a postmortem on this page within 5 days.",
    "We are sorry for the disruption this caused.",
]

RESOLVED_LINKS_R = [
    "The full postmortem will follow on [this page]({feed}) within 5 days.",
    "If you still see `{err}` responses, see [{doc}]({doc_url}) or contact support at https://acme.example/support.",
    "Customers who rely on {c2} can find how to retry in [{doc}]({doc_url}).",
    "Follow https://status.acme.example/feed.xml to hear about incidents like this one as they happen.",
]

WORKAROUNDS_R = [
    "Retry with exponential backoff; the `{region2}` endpoint is not affected.",
    "Use the API directly (see [the API reference](https://docs.acme.example/api/)) while {c} is {state}.",
    "While we work on this:\n\n- Use the `{region2}` endpoint\n- Retry failed requests after a few minutes\n"
    "- Follow https://status.acme.example/ for updates",
    "Requests are idempotent and can be retried safely; see [{doc}]({doc_url}).",
]


# ---------------------------------------------------------------------------------------------------------
# Writers: the texts of one incident. They draw from their own random stream, so both styles give the same
# incidents, times and components, and only the texts differ.


def weighted(rng: random.Random, pool: list[tuple[int, str]]) -> str:
    return rng.choices([t for _, t in pool], weights=[w for w, _ in pool])[0]


class PlainWriter:
    """`--bodies plain`: short sentences from a few templates, about a fifth with a little Markdown."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self, pool: list[str], ctx: dict) -> str:
        return self.rng.choice(pool).format(**ctx)

    def decorate(self, body: str, ctx: dict) -> str:
        """Add simple Markdown to some bodies: bold (~12%), a link (~5%), a list (~5%)."""
        r = self.rng.random()
        if r < 0.12:
            body += " " + self.sentence(BOLD_SENTENCES, ctx)
        elif r < 0.17:
            body += " " + self.sentence(LINK_SENTENCES, ctx)
        elif r < 0.22:
            body += "\n\n" + self.sentence(LIST_BLOCKS, ctx)
        return body

    def update(self, inc: dict, i: int) -> str:
        status, at = inc["statuses"][i], inc["times"][i]
        ctx = dict(inc["ctx"], clock=fmt_clock(at - timedelta(minutes=self.rng.randint(2, 12)), inc["zulu"]))
        if status == "investigating":
            body = self.sentence(INVESTIGATING, ctx)
            extra = self.sentence(INVESTIGATING_EXTRA, ctx)
            body = body + " " + extra if extra else body
        elif status == "identified":
            first = inc["statuses"].index("identified") == i
            body = self.sentence(IDENTIFIED if first else PROGRESS, ctx)
        elif status == "monitoring":
            body = self.sentence(MONITORING, ctx)
            extra = self.sentence(MONITORING_EXTRA, ctx)
            body = body + " " + extra if extra else body
        else:
            body = self.sentence(RESOLVED, ctx)
        return self.decorate(body, ctx)

    def workaround(self, inc: dict) -> str:
        return self.sentence(WORKAROUNDS, inc["ctx"])

    def postmortem(self, inc: dict) -> str:
        ctx = inc["ctx"]
        start = fmt_clock(inc["started_at"], inc["zulu"])
        end = fmt_clock(inc["resolved_at"], inc["zulu"])
        return (
            "## What happened\n\n"
            "Between %s and %s, customers saw %s on %s.\n\n"
            "## Why it happened\n\n"
            "The cause was %s. Our alerting noticed it, but **only after customers did**.\n\n"
            "## What we are changing\n\n"
            "- Better alerting for %s\n"
            "- A review of how we roll out changes\n"
            "- See the [commitments ledger](https://status.acme.example/commitments/) for progress\n"
            % (start, end, ctx["symptom"], ctx["c"], ctx["cause"], ctx["c"])
        )


class RealisticWriter:
    """`--bodies realistic`: updates as support teams write them (see README.md for the shares)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # -- facts of one incident, drawn once ---------------------------------------------------------------
    def facts(self, inc: dict) -> dict:
        if "text" in inc:
            return inc["text"]
        rng = self.rng
        ctx = inc["ctx"]
        clock = Clock(utc=inc["zulu"] or rng.random() < 0.6)
        provider, provider_base = rng.choice(PROVIDERS)
        doc, doc_url = rng.choice(DOC_LINKS)
        started = inc["started_at"]
        f = dict(ctx)
        f.update({
            "clock": clock,
            "what": WHAT.get(inc["primary"], "requests to %s" % ctx["c"]),
            "effect": EFFECTS[inc["problem"]],
            "err": rng.choice(ERROR_CODES),
            "provider": provider,
            "provider_url": provider_base + "".join(rng.choice("abcdefghjkmnpqrstvwxyz0123456789")
                                                    for _ in range(12)),
            "doc": doc, "doc_url": doc_url,
            "issue": rng.randint(1200, 9800),
            "ticket": "INC-%d" % rng.randint(10000, 99999),
            "eta": rng.choice([10, 15, 20, 30, 45]),
            "feed": "https://status.acme.example/incidents/%s/" % inc["id"],
            "metric": rng.choice(METRICS),
            "setting": rng.choice(SETTINGS),
            "t0": clock.at(started),
            "t_start": clock.at(started),
            "day": clock.day(started),
        })
        f["prevention"] = rng.choice(PREVENTION).format(**f)
        inc["text"] = f
        return f

    def fill(self, template: str, f: dict) -> str:
        return template.format(**f)

    def update(self, inc: dict, i: int) -> str:
        rng = self.rng
        f = self.facts(inc)
        status, at = inc["statuses"][i], inc["times"][i]
        clock: Clock = f["clock"]
        f["t1"] = clock.at(max(inc["started_at"], at - timedelta(minutes=rng.randint(2, 12))))
        f["promise"] = duration_text(inc["promises"][i]) if i < len(inc["promises"]) else "an hour"
        if status == "investigating":
            body = self.fill(weighted(rng, INVESTIGATING_R), f)
            if rng.random() < 0.35:
                body += " " + self.fill(rng.choice(INVESTIGATING_EXTRA_R), f)
            return body
        if status == "identified":
            first = inc["statuses"].index("identified") == i
            body = self.fill(weighted(rng, IDENTIFIED_R) if first else rng.choice(PROGRESS_R), f)
            if rng.random() < 0.55:
                extra = self.fill(rng.choice(IDENTIFIED_EXTRA_R), f)
                body += ("\n\n" if "\n" in extra or rng.random() < 0.3 else " ") + extra
            return body
        if status == "monitoring":
            body = self.fill(weighted(rng, MONITORING_R), f)
            if rng.random() < 0.25:
                body += " See [%s](%s) if you still see errors." % (f["doc"], f["doc_url"])
            return body
        return self.resolved(inc, f, at)

    def resolved(self, inc: dict, f: dict, at: datetime) -> str:
        rng = self.rng
        clock: Clock = f["clock"]
        end = max(inc["started_at"] + timedelta(minutes=1), at - timedelta(minutes=rng.randint(2, 15)))
        mitigated = inc["started_at"] + (end - inc["started_at"]) * rng.uniform(0.5, 0.9)
        f = dict(f, t_end=clock.at(end), t_mit=clock.at(mitigated),
                 dur=duration_text(int((end - inc["started_at"]).total_seconds() // 60)))
        cause = f["cause"][0].upper() + f["cause"][1:]
        fix = f["fix"][0].upper() + f["fix"][1:]
        kind = rng.choices(["bare", "short", "summary", "list", "report"], weights=[8, 32, 40, 14, 6])[0]
        if kind == "bare":
            return "This incident has been resolved."
        if kind == "short":
            return self.fill(rng.choice(RESOLVED_SHORT_R), f)
        if kind == "report":  # the whole story at once: impact, cause, changes, links
            changes = rng.sample(PREVENTION, rng.randint(2, 4))
            return (
                "On %s, from %s to %s (%s), %s was %s for customers in `%s` and, to a lesser degree, in `%s`. "
                "At the peak about %d%% of %s %s; most clients saw `%s`. %s was affected too, because it "
                "depends on %s.\n\n"
                "The cause was %s. Our alerts on %s fired at %s, and the first update on this page followed "
                "%d minutes later. We mitigated the incident by %s, starting at %s; recovery was gradual because "
                "clients retried all at once, and the last errors were seen at %s.\n\n"
                "What we are changing:\n\n%s\n\n"
                "We know how much you rely on %s and we are sorry. The postmortem will follow on "
                "[this page](%s); questions go to https://acme.example/support (please quote `%s`)."
                % (f["day"], f["t_start"], f["t_end"], f["dur"], f["c"], f["state"], f["region"], f["region2"],
                   f["pct"], f["what"], f["effect"], f["err"], f["c2"], f["c"], f["cause"], f["metric"],
                   f["t_start"], rng.randint(4, 25), f["fix"], f["t_mit"], f["t_end"],
                   "\n".join("- " + c.format(**f)[0].upper() + c.format(**f)[1:] for c in changes),
                   f["c"], f["feed"], f["ticket"])
            )
        if kind == "summary":  # one to four paragraphs, as in many public status histories
            where = " in `%s`" % f["region"] if rng.random() < 0.4 else ""
            codes = " (most with `%s`)" % f["err"] if rng.random() < 0.3 else ""
            impact = ("On %s, between %s and %s, %s was %s%s. During this time, about %d%% of %s %s%s."
                      % (f["day"], f["t_start"], f["t_end"], f["c"], f["state"], where, f["pct"], f["what"],
                         f["effect"], codes))
            if rng.random() < 0.4:
                impact += rng.choice([
                    " Customers outside `%s` were not affected." % f["region"],
                    " Requests that were retried generally succeeded.",
                    " %s was not affected, but its dashboards showed gaps for the same period." % f["c2"],
                ])
            cause = "The cause was %s. We mitigated the incident by %s at %s." % (f["cause"], f["fix"], f["t_mit"])
            if rng.random() < 0.35:
                cause += (" The `%s` setting of the affected pool was too low for the traffic at the time; we have "
                          "raised it and added an alert on %s." % (f["setting"], f["metric"]))
            if rng.random() < 0.3:
                cause += " The backlog of queued %s was processed by %s." % (f["what"], f["t_end"])
            paragraphs = [impact, cause]
            if rng.random() < 0.75:
                paragraphs.append(self.fill(rng.choice(RESOLVED_CLOSING_R), f))
            if rng.random() < 0.35:
                paragraphs.append(self.fill(rng.choice(RESOLVED_LINKS_R), f))
            if rng.random() < 0.5:
                return "\n\n".join(paragraphs)
            return " ".join(paragraphs)
        c2 = "; %s was not affected" % f["c2"] if f["c2"] != f["c"] and rng.random() < 0.5 else ""
        workaround = ("- **Workaround:** the `%s` endpoint was not affected; see [%s](%s).\n"
                      % (f["region2"], f["doc"], f["doc_url"]) if rng.random() < 0.4 else "")
        nxt = rng.choice([
            "we will publish a postmortem on this page within 5 days.",
            "follow [the incident page](%s) or [the feed](https://status.acme.example/feed.xml) for the "
            "postmortem." % f["feed"],
            "we are %s." % f["prevention"],
        ])
        return (
            "**Resolved.** %s has been stable since %s.\n\n"
            "- **What happened:** %s.\n"
            "- **Impact:** from %s to %s (%s) about %d%% of %s %s%s.\n"
            "- **What we did:** %s from %s, then checked every region.\n%s"
            "- **Next:** %s\n\n"
            "We are sorry for the disruption. If you still see errors, contact support at "
            "https://acme.example/support and quote `%s`."
            % (f["c"], f["t_end"], cause, f["t_start"], f["t_end"], f["dur"], f["pct"], f["what"], f["effect"],
               c2, fix, f["t_mit"], workaround, nxt, f["ticket"])
        )

    def workaround(self, inc: dict) -> str:
        return self.fill(self.rng.choice(WORKAROUNDS_R), self.facts(inc))

    def postmortem(self, inc: dict) -> str:
        rng = self.rng
        f = self.facts(inc)
        clock: Clock = f["clock"]
        started, resolved = inc["started_at"], inc["resolved_at"]
        minutes = int((resolved - started).total_seconds() // 60)
        cause = f["cause"][0].upper() + f["cause"][1:]
        out = [
            "## Summary\n\n"
            "On %s, from %s to %s (%s), %s was %s for customers in `%s`%s. About %d%% of %s %s.%s\n"
            % (f["day"], f["t_start"], clock.at(resolved), duration_text(minutes), f["c"], f["state"], f["region"],
               " and `%s`" % f["region2"] if rng.random() < 0.4 else "", f["pct"], f["what"], f["effect"],
               " **No data was lost.**" if rng.random() < 0.5 else ""),
        ]
        if rng.random() < 0.7:
            steps = ["- **%s** our monitoring alerted on %s" % (clock.hm(started), f["metric"])]
            labels = {"investigating": "first update on this page", "identified": "cause identified: %s" % f["cause"],
                      "monitoring": "fix deployed; error rates back to normal", "resolved": "incident resolved"}
            for status, at in zip(inc["statuses"], inc["times"]):
                steps.append("- **%s** %s" % (clock.hm(at), labels[status]))
            out.append("## Timeline (%s)\n\n%s\n" % (clock.zone(started), "\n".join(steps)))
        root = ["## Root cause\n\n%s. %s" % (
            cause, rng.choice([
                "A health check that only tested the process, not its dependencies, kept the faulty part in "
                "service for %d minutes." % rng.randint(5, 40),
                "The `%s` limit was set for last year's traffic; at the peak we needed about %d%% more."
                % (f["setting"], rng.randint(20, 150)),
                "Version %s changed a default (`%s`) that our staging traffic never exercised." % (f["ver"],
                                                                                                 f["setting"]),
                "Our alert on %s fired, but it was routed to a team that was not on call." % f["metric"],
            ]))]
        if rng.random() < 0.5:
            root.append("Requests failed with `%s` (see [%s](%s) for how clients should retry)."
                        % (f["err"], f["doc"], f["doc_url"]))
        out.append(" ".join(root) + "\n")
        changes = rng.sample(PREVENTION, rng.randint(2, 4))
        out.append("## What we are changing\n\n" + "\n".join(
            "- " + (c.format(**f)[0].upper() + c.format(**f)[1:]) for c in changes)
            + "\n- Progress is tracked on [the commitments page](https://status.acme.example/commitments/)\n")
        out.append("Questions? Contact [support](https://acme.example/support) and mention `%s`.\n" % f["ticket"])
        return "\n".join(out)


WRITERS = {"realistic": RealisticWriter, "plain": PlainWriter}


# ---------------------------------------------------------------------------------------------------------
# Generation.

def make_components(n: int) -> list[dict]:
    comps = []
    for i in range(n):
        g, j = i % len(GROUPS), i // len(GROUPS)
        group, pool = GROUPS[g]
        if j < len(pool):
            cid, name, desc = pool[j]
        else:
            cid, name, desc = "%s-service-%d" % (slug(group), j + 1), "%s service %d" % (group, j + 1), ""
        comps.append({"id": cid, "name": name, "group": group, "description": desc, "g": g})
    comps.sort(key=lambda c: c["g"])  # stable: keeps the pool order within a group
    return comps


def site_yaml(components: list[dict]) -> str:
    out = [
        'title: "Acme Cloud Status"\n',
        "base_url: https://status.acme.example/\n",
        'description: "Live status of Acme Cloud (synthetic benchmark site)."\n',
        "timezone: Europe/Berlin\n",
        "language: en\n",
        "contact: {email: support@acme.example, url: \"https://acme.example/support\"}\n",
        "feedback_url: https://acme.example/survey\n",
        "policy:\n",
        "  update_every: {critical: 30m, major: 1h, minor: 4h, none: 24h}\n",
        "  maintenance_notice: 72h\n",
        "  postmortem_within: 5d\n",
        "components:\n",
    ]
    for c in components:
        line = "  - {id: %s, name: %s, group: %s" % (c["id"], q(c["name"]), q(c["group"]))
        if c["description"]:
            line += ", description: %s" % q(c["description"])
        out.append(line + "}\n")
    return "".join(out)


def closed_statuses(k: int) -> list[str]:
    if k == 1:
        return ["resolved"]
    if k == 2:
        return ["investigating", "resolved"]
    if k == 3:
        return ["investigating", "identified", "resolved"]
    return ["investigating"] + ["identified"] * (k - 3) + ["monitoring", "resolved"]


def open_statuses(k: int) -> list[str]:
    if k == 1:
        return ["investigating"]
    return ["investigating"] + ["identified"] * (k - 2) + ["monitoring"]


class Generator:
    def __init__(self, n_incidents: int, n_components: int, n_updates: int, seed: int,
                 bodies: str = "realistic") -> None:
        if n_incidents < 1 or n_components < 1 or n_updates < 1:
            raise ValueError("--incidents, --components and --updates must be at least 1")
        if bodies not in WRITERS:
            raise ValueError("--bodies must be one of %s" % ", ".join(BODY_STYLES))
        self.n = n_incidents
        self.k = n_updates
        self.rng = random.Random(seed)  # what happened: times, impacts, components, ids
        self.writer = WRITERS[bodies](random.Random("bodies-%d" % seed))  # how it is told
        self.components = make_components(n_components)
        self.incident_ids = Ids()
        self.maintenance_ids = Ids()
        self.commitment_ids = Ids()
        self.files: dict[str, str] = {}  # relative path -> text
        #: Every Markdown text written, by kind ("update", "workaround", "postmortem", ...), for the statistics.
        self.texts: dict[str, list[str]] = {}

    def fill(self, template: str, ctx: dict) -> str:
        return template.format(**ctx)

    def markdown(self, kind: str, value: str) -> str:
        self.texts.setdefault(kind, []).append(value)
        return value

    # -- incidents ---------------------------------------------------------------------------------------
    def incident_start_times(self) -> list[datetime]:
        span = int((CLOSED_BEFORE - timedelta(hours=30) - HISTORY_START).total_seconds() // 60)
        rand = self.rng.randrange
        starts = sorted(HISTORY_START + timedelta(minutes=rand(span)) for _ in range(self.n - 1))
        starts.append(OPEN_START)
        return starts

    def pick_components(self, impact: str) -> dict[str, str]:
        rng = self.rng
        count = min(len(self.components), rng.choice([1, 1, 1, 2, 2, 3]))
        chosen = rng.sample(self.components, count)
        if impact == "none":
            top = rng.choice(["operational", "degraded_performance"])
        elif impact == "minor":
            top = "degraded_performance" if rng.random() < 0.8 else "partial_outage"
        elif impact == "major":
            top = rng.choice(["partial_outage"] * 3 + ["degraded_performance", "major_outage"])
        else:
            top = "major_outage"
        top_i = STATUS_ORDER.index(top)
        result = {chosen[0]["id"]: top}
        for c in chosen[1:]:
            result[c["id"]] = STATUS_ORDER[rng.randint(min(1, top_i), top_i)]
        return result

    def incident(self, started: datetime, is_open: bool) -> dict:
        rng = self.rng
        impact = "major" if is_open else rng.choice(IMPACTS)
        comps = self.pick_components(impact)
        primary = next(c for c in self.components if c["id"] == next(iter(comps)))
        other = rng.choice(self.components)
        region, region2 = rng.sample(REGIONS, 2)
        prob_slug, title_t, symptom, state = rng.choice(PROBLEMS)
        zulu = (not is_open) and rng.random() < 0.15
        ctx = {
            "c": primary["name"], "c2": other["name"], "region": region, "region2": region2,
            "symptom": symptom, "state": state, "ver": "%d.%d.%d" % (rng.randint(3, 9), rng.randint(0, 30),
                                                                      rng.randint(0, 9)),
            "pct": rng.choice([2, 5, 12, 20, 35, 50, 60, 75, 80, 90]), "n": rng.choice([15, 30, 45, 60]),
        }
        cause, fixes = rng.choice(CAUSES)
        ctx["cause"] = self.fill(cause, ctx)
        ctx["fix"] = self.fill(rng.choice(fixes), ctx)
        title = self.fill(title_t, ctx)
        if rng.random() < 0.3:
            title += " in " + region
        ident = self.incident_ids.make("%s-%s-%s" % (berlin_local(started).strftime("%Y-%m-%d"),
                                                     primary["id"], prob_slug))

        # Update times and promises.
        statuses = open_statuses(self.k) if is_open else closed_statuses(self.k)
        promises = PROMISE_MINUTES[impact]
        if is_open:
            first = started + timedelta(minutes=7)
            last = started + timedelta(minutes=100)
            step = (last - first) / max(1, len(statuses) - 1)
            times = [round_minute(first + step * i) for i in range(len(statuses))]
            times[-1] = last
            if len(statuses) == 1:
                times = [started + timedelta(minutes=75)]
            # 30m after the first update, then 1h; the last one (next_update_in: 1h) runs past --now
            promise_list = [30] + [60] * (len(statuses) - 1) if len(statuses) > 1 else [60]
        else:
            t = started + timedelta(minutes=rng.randint(3, 25))
            times, promise_list = [], []
            for i, _ in enumerate(statuses):
                times.append(t)
                p = rng.choice(promises)
                promise_list.append(p)
                if rng.random() < 0.05:  # a promise that was missed
                    gap = int(p * rng.uniform(1.05, 1.6))
                else:
                    gap = max(5, int(p * rng.uniform(0.3, 1.0)))
                t = t + timedelta(minutes=gap)
            # Keep the whole history before the open incident (only matters for huge --updates).
            overshoot = times[-1] - CLOSED_BEFORE
            if overshoot > timedelta(0):
                started -= overshoot
                times = [x - overshoot for x in times]

        component_change = None
        if "identified" in statuses and rng.random() < 0.25:
            pid = next(iter(comps))
            i = STATUS_ORDER.index(comps[pid])
            j = max(1, min(3, i + rng.choice([-1, 1])))
            if j != i:
                component_change = {pid: STATUS_ORDER[j]}

        inc = {
            "id": ident, "title": title, "impact": impact, "components": comps, "started_at": started,
            "zulu": zulu, "resolved_at": None if is_open else times[-1], "ctx": ctx, "postmortem": None,
            "primary": primary["id"], "problem": prob_slug, "statuses": statuses, "times": times,
            "promises": promise_list,
        }
        updates = []
        for i, (status, at) in enumerate(zip(statuses, times)):
            body = self.markdown("update", self.writer.update(inc, i))
            self.texts.setdefault("update:" + status, []).append(body)
            u = {"at": at, "status": status, "body": body}
            if status != "resolved":
                p = promise_list[i]
                if status == "identified" or is_open or rng.random() < 0.8:
                    u["next_update_in"] = fmt_duration(p)
                else:
                    u["next_update_by"] = at + timedelta(minutes=p)
            if component_change and status == "identified" and i == statuses.index("identified"):
                u["components"] = component_change  # the impact changes once the cause is known
            updates.append(u)
        inc["updates"] = updates
        if not is_open and rng.random() < 0.02:
            updates[-1]["posted_at"] = times[-1] + timedelta(minutes=rng.randint(10, 90))
        if rng.random() < 0.15:
            inc["workaround"] = self.markdown("workaround", self.writer.workaround(inc))
        return inc

    def render_incident(self, inc: dict) -> str:
        z = inc["zulu"]
        out = ["title: %s\n" % q(inc["title"]), "impact: %s\n" % inc["impact"], "components:\n"]
        for cid, st in inc["components"].items():
            out.append("  %s: %s\n" % (cid, st))
        out.append("started_at: %s\n" % fmt_time(inc["started_at"], z))
        if "workaround" in inc:
            out.append(text("workaround", inc["workaround"], ""))
        out.append("updates:\n")
        for u in inc["updates"]:
            out.append("  - at: %s\n" % fmt_time(u["at"], z))
            if "posted_at" in u:
                out.append("    posted_at: %s\n" % fmt_time(u["posted_at"], z))
            out.append("    status: %s\n" % u["status"])
            if "components" in u:
                out.append("    components:\n")
                for cid, st in u["components"].items():
                    out.append("      %s: %s\n" % (cid, st))
            out.append(text("body", u["body"], "    "))
            if "next_update_in" in u:
                out.append("    next_update_in: %s\n" % u["next_update_in"])
            if "next_update_by" in u:
                out.append("    next_update_by: %s\n" % fmt_time(u["next_update_by"], z))
        pm = inc["postmortem"]
        if pm:
            out.append("postmortem:\n")
            out.append("  published_at: %s\n" % fmt_time(pm["published_at"], z))
            out.append(text("body", pm["body"], "  "))
            if pm["actions"]:
                out.append("  actions: [%s]\n" % ", ".join(pm["actions"]))
        return "".join(out)

    def postmortems(self, incidents: list[dict]) -> list[dict]:
        """Give every resolved major or critical incident its postmortem, as the policy (5 days) promises.

        Published 20 to 110 hours after the resolution; an incident resolved so recently that its
        postmortem would be dated after --now gets none yet (it is not due yet).
        """
        rng = self.rng
        done = []
        latest = NOW - timedelta(hours=1)
        for inc in incidents:
            if inc["resolved_at"] is None or inc["impact"] not in ("major", "critical"):
                continue
            resolved = inc["resolved_at"]
            published = round_minute(resolved + timedelta(hours=rng.randint(20, 110)))
            if published > latest:
                if resolved + timedelta(days=5) > NOW:
                    continue  # not due yet
                published = round_minute(resolved + (latest - resolved) * rng.uniform(0.3, 0.9))
            inc["postmortem"] = {"published_at": published, "actions": [],
                                 "body": self.markdown("postmortem", self.writer.postmortem(inc))}
            done.append(inc)
        return done

    # -- maintenance -------------------------------------------------------------------------------------
    def maintenance(self, count: int) -> None:
        rng = self.rng
        span_end = NOW - timedelta(days=10)
        span = int((span_end - HISTORY_START).total_seconds() // 86400)
        days = sorted(rng.randrange(span) for _ in range(max(0, count - 1)))
        plans = [(HISTORY_START + timedelta(days=d), False) for d in days]
        plans.append((datetime(2026, 12, 2, 1, 0), True))  # one upcoming: 2026-12-02T02:00+01:00
        for day, upcoming in plans:
            if upcoming:
                starts = day
            else:
                local_day = berlin_local(day).date()
                # 01:00-04:00 local: subtract the offset of that moment to get UTC
                local_start = datetime.combine(local_day, datetime.min.time()) + timedelta(
                    hours=rng.randint(1, 4))
                starts = local_start - timedelta(hours=berlin_offset_hours(local_start - timedelta(hours=1)))
            hours = rng.randint(1, 4)
            ends = starts + timedelta(hours=hours)
            announced = starts - timedelta(days=rng.randint(4, 14), hours=rng.randint(0, 10))
            if upcoming:
                announced = datetime(2026, 11, 20, 9, 0)
            comps = rng.sample(self.components, min(len(self.components), rng.randint(1, 3)))
            kind, title_t, body_t = rng.choice(MAINTENANCE)
            ctx = {"c": comps[0]["name"], "region": rng.choice(REGIONS), "h": hours}
            zulu = rng.random() < 0.5
            ident = self.maintenance_ids.make("%s-%s-%s" % (berlin_local(starts).strftime("%Y-%m-%d"),
                                                            comps[0]["id"], kind))
            out = [
                "title: %s\n" % q(self.fill(title_t, ctx)),
                "components:\n",
                *("  %s: under_maintenance\n" % c["id"] for c in comps),
                "announced_at: %s\n" % fmt_time(announced, zulu),
                "starts_at: %s\n" % fmt_time(starts, zulu),
                "ends_at: %s\n" % fmt_time(ends, zulu),
                text("body", self.markdown("maintenance", self.fill(body_t, ctx)), ""),
            ]
            if not upcoming:
                if rng.random() < 0.1:
                    ups = [(announced + (starts - announced) / 2, "cancelled",
                            "This maintenance is cancelled; we will announce a new date.")]
                else:
                    ups = [(starts + timedelta(minutes=rng.randint(0, 3)), "in_progress", "Work has started.")]
                    if rng.random() < 0.3:
                        ups.append((ends - timedelta(minutes=rng.randint(15, 30)), "verifying",
                                    "The work is done; we are verifying that everything works."))
                    ups.append((ends - timedelta(minutes=rng.randint(0, 10)), "completed",
                                "The maintenance is complete."))
                out.append("updates:\n")
                for at, status, body in ups:
                    out.append("  - {at: %s, status: %s, body: %s}\n" % (fmt_time(round_minute(at), zulu),
                                                                        status, q(self.markdown("maintenance", body))))
            self.files["maintenance/%s.yaml" % ident] = "".join(out)


    # -- commitments -------------------------------------------------------------------------------------
    def commitments(self, with_postmortem: list[dict], count: int) -> None:
        """About N/100 commitments, each listed in the actions of a postmortem, newest postmortems first."""
        rng = self.rng
        linked = [inc for inc in with_postmortem if inc["postmortem"]["published_at"] + timedelta(hours=2) < NOW]
        linked = linked[::-1]
        if not linked:
            return
        for n in range(count):
            if count <= len(linked):  # spread over the postmortems, newest first
                inc = linked[n * len(linked) // count]
            else:
                inc = linked[n % len(linked)]
            pm = inc["postmortem"]
            made = pm["published_at"]
            kind, title_t, body_t = rng.choice(COMMITMENTS)
            ctx = {"c": inc["ctx"]["c"]}
            due = berlin_local(made).date() + timedelta(days=rng.randint(30, 150))
            if n == 0:
                due = max(due, date(2026, 12, 15))  # at least one still open at --now
            ident = self.commitment_ids.make("%s-%s" % (berlin_local(made).strftime("%Y-%m"), kind))
            pm["actions"].append(ident)
            zulu = inc["zulu"]
            out = [
                "title: %s\n" % q(self.fill(title_t, ctx)),
                "made_at: %s\n" % fmt_time(made, zulu),
                "due: %s\n" % due.isoformat(),
                "components: [%s]\n" % ", ".join(inc["components"]),
                "incident: %s\n" % inc["id"],
                text("body", self.markdown("commitment", self.fill(body_t, ctx)), ""),
            ]
            # Delivery must land on or before the due date (end of that day in Berlin) and before --now.
            due_end = datetime.combine(due, datetime.min.time()) + timedelta(hours=23)  # ~end of day, UTC
            due_end -= timedelta(hours=berlin_offset_hours(due_end))
            ups = []
            if due_end > NOW + timedelta(days=1):  # planned: due in the future
                if rng.random() < 0.5 and made + timedelta(days=3) < NOW:
                    ups.append((made + (NOW - made) * rng.uniform(0.3, 0.9), "in_progress",
                                "Work has started."))
            else:
                limit = min(due_end, NOW - timedelta(hours=2))
                delivered = made + (limit - made) * rng.uniform(0.4, 0.98)
                if rng.random() < 0.5:
                    ups.append((made + (delivered - made) * rng.uniform(0.2, 0.6), "in_progress",
                                "Work has started."))
                ups.append((delivered, "delivered",
                            "Delivered and running in production for %s." % ctx["c"]))
            if ups:
                out.append("updates:\n")
                for at, status, body in ups:
                    out.append("  - at: %s\n    status: %s\n" % (fmt_time(round_minute(at), zulu), status))
                    out.append(text("body", self.markdown("commitment", body), "    "))
            self.files["commitments/%s.yaml" % ident] = "".join(out)

    # -- all ---------------------------------------------------------------------------------------------
    def run(self) -> dict[str, str]:
        self.files["site.yaml"] = site_yaml(self.components)
        incidents = []
        starts = self.incident_start_times()
        for i, started in enumerate(starts):
            incidents.append(self.incident(started, is_open=(i == len(starts) - 1)))
        extra = max(1, round(self.n / 100))
        self.maintenance(extra)
        self.commitments(self.postmortems(incidents), extra)
        for inc in incidents:
            self.files["incidents/%s.yaml" % inc["id"]] = self.render_incident(inc)
        return self.files


# ---------------------------------------------------------------------------------------------------------
# What the bodies are like: statusgen's own plain-text test, Markdown features, lengths.

def find_is_plain_prose():
    """Return (statusgen's ``is_plain_prose``, the module it came from), or (None, reason).

    Looks in the layout with subpackages first (statusgen.outputs.markup), then in the flat one
    (statusgen.markup). When statusgen is not importable here, the checkout this file belongs to
    (ROOT/src) is tried, so the share describes the statusgen next to the benchmark.
    """
    def lookup():
        for name in MARKUP_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            check = getattr(module, "is_plain_prose", None)
            if callable(check):
                return check, name
        return None, None

    check, name = lookup()
    if check is None and (ROOT / "src" / "statusgen").is_dir() and "statusgen" not in sys.modules:
        sys.path.insert(0, str(ROOT / "src"))
        try:
            check, name = lookup()
        finally:
            sys.path.remove(str(ROOT / "src"))
    if check is None:
        return None, "statusgen (or its dependencies) not importable: no is_plain_prose in %s" % (
            " or ".join(MARKUP_MODULES))
    return check, name


FEATURES = {
    "links": re.compile(r"\[[^\]\n]+\]\([^)\s]+\)"),
    "bare_urls": re.compile(r"(?<![(<])\bhttps?://"),
    "bold": re.compile(r"\*\*[^*\n]+\*\*"),
    "lists": re.compile(r"^- ", re.MULTILINE),
    "code": re.compile(r"`[^`\n]+`"),
    "times": re.compile(r"\b\d{1,2}:\d{2}\b"),
    "paragraphs": re.compile(r"\n\n"),
}


def text_stats(texts: list[str], is_plain) -> dict:
    """Counts and shares for a list of Markdown texts, as the loader reads them."""
    texts = [t.strip("\n") for t in texts]
    n = len(texts)
    lengths = sorted(len(t) for t in texts)
    out = {"count": n, "distinct": len(set(texts))}
    if n:
        out["length"] = {
            "mean": round(statistics.fmean(lengths)),
            "p10": lengths[n // 10], "p50": lengths[n // 2], "p90": lengths[min(n - 1, n * 9 // 10)],
            "max": lengths[-1],
        }
        out["with"] = {name: round(sum(1 for t in texts if rx.search(t)) / n, 3) for name, rx in FEATURES.items()}
    out["plain_fast_path"] = None if is_plain is None or not n else sum(1 for t in texts if is_plain(t))
    out["plain_share"] = None if out["plain_fast_path"] is None else round(out["plain_fast_path"] / n, 4)
    return out


def content_stats(texts: dict[str, list[str]]) -> dict:
    is_plain, source = find_is_plain_prose()
    everything = [t for kind in sorted(texts) if ":" not in kind for t in texts[kind]]
    return {
        "plain_fast_path_from": source,
        "updates": text_stats(texts.get("update", []), is_plain),
        "all_markdown": text_stats(everything, is_plain),
        "by_kind": {kind: text_stats(texts[kind], is_plain) for kind in sorted(texts)},
    }


def describe(stats: dict) -> str:
    """Two lines for humans: the plain-path share and what the update bodies are like."""
    u, a = stats["updates"], stats["all_markdown"]
    if u["plain_share"] is None:
        share = "plain fast path: unknown (%s)" % stats["plain_fast_path_from"]
    else:
        share = "%.1f%% take the plain fast path (%d; %s.is_plain_prose), all Markdown fields %.1f%%" % (
            100 * u["plain_share"], u["plain_fast_path"], stats["plain_fast_path_from"], 100 * a["plain_share"])
    lines = ["update bodies: %d, %s" % (u["count"], share)]
    if u["count"]:
        w, ln = u["with"], u["length"]
        lines.append(
            "  %.0f%% distinct; length p10/p50/p90/max %d/%d/%d/%d chars (mean %d); with links %.0f%%, "
            "bare URLs %.0f%%, bold %.0f%%, lists %.0f%%, code %.0f%%, clock times %.0f%%, several paragraphs %.0f%%"
            % (100 * u["distinct"] / u["count"], ln["p10"], ln["p50"], ln["p90"], ln["max"], ln["mean"],
               100 * w["links"], 100 * w["bare_urls"], 100 * w["bold"], 100 * w["lists"], 100 * w["code"],
               100 * w["times"], 100 * w["paragraphs"]))
    return "\n".join(lines)


def generator_digest() -> str:
    """A short hash of this file: a kept site made by another version of the generator can differ."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def generate(outdir: str, incidents: int, components: int = DEFAULT_COMPONENTS, updates: int = 4, seed: int = 1,
             force: bool = False, bodies: str = "realistic") -> dict:
    """Write a site into outdir; returns counts and the content's statistics ("stats").

    Refuses a non-empty outdir unless force. The statistics are also written to OUTDIR/.benchmark-site.json.
    """
    gen = Generator(incidents, components, updates, seed, bodies)
    files = gen.run()
    if os.path.isdir(outdir) and os.listdir(outdir):
        if not force:
            raise FileExistsError("%s is not empty (use --force to replace a generated site)" % outdir)
        for sub in ("incidents", "maintenance", "commitments"):
            shutil.rmtree(os.path.join(outdir, sub), ignore_errors=True)
    for sub in ("incidents", "maintenance", "commitments"):
        os.makedirs(os.path.join(outdir, sub), exist_ok=True)
    for rel, content in files.items():
        with open(os.path.join(outdir, rel), "w", encoding="utf-8", newline="\n") as f:
            f.write(content)
    counts = {"incidents": 0, "maintenance": 0, "commitments": 0}
    for rel in files:
        kind = rel.split("/", 1)[0]
        if kind in counts:
            counts[kind] += 1
    counts["files"] = len(files)
    stats = content_stats(gen.texts)
    stamp = {
        "arguments": site_arguments(incidents, components, updates, seed, bodies),
        "generator": generator_digest(),
        "counts": counts,
        "postmortems": len(gen.texts.get("postmortem", [])),
        "stats": stats,
    }
    with open(os.path.join(outdir, STAMP), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(stamp, indent=2, sort_keys=True) + "\n")
    return dict(counts, stats=stats, postmortems=stamp["postmortems"])


def site_arguments(incidents: int, components: int, updates: int, seed: int, bodies: str) -> dict:
    return {"incidents": incidents, "components": components, "updates": updates, "seed": seed, "bodies": bodies}


def read_stamp(site: str | os.PathLike) -> dict | None:
    """Return what generate() wrote into a site's .benchmark-site.json, or None."""
    try:
        return json.loads(Path(site, STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic statusgen site for benchmarks.")
    ap.add_argument("outdir", help="folder to write the site into (created; must be empty unless --force)")
    ap.add_argument("--incidents", type=int, required=True, help="number of incidents (the newest stays open)")
    ap.add_argument("--bodies", choices=BODY_STYLES, default="realistic",
                    help="update texts: realistic (default: links, URLs, bold, lists, code, real lengths) or "
                    "plain (the short template sentences of the earlier generator)")
    ap.add_argument("--components", type=int, default=DEFAULT_COMPONENTS,
                    help="number of components, in 4 groups (%d)" % DEFAULT_COMPONENTS)
    ap.add_argument("--updates", type=int, default=4, help="updates per incident (4)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (1)")
    ap.add_argument("--force", action="store_true",
                    help="replace site.yaml, incidents/, maintenance/ and commitments/ in a non-empty outdir")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        counts = generate(args.outdir, args.incidents, args.components, args.updates, args.seed, args.force,
                          args.bodies)
    except (ValueError, FileExistsError) as e:
        print("generate.py: error: %s" % e, file=sys.stderr)
        return 2
    print("wrote %(incidents)d incidents (%(postmortems)d with a postmortem), %(maintenance)d maintenance, "
          "%(commitments)d commitments" % counts + " to %s in %.2fs" % (args.outdir, time.perf_counter() - t0))
    print(describe(counts["stats"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
