"""``statusgen notify``: every post published since REF, delivered once to every matching channel.

The run reads like its steps: load the site and derive it as of now; find the posts
customers could not read at REF (:mod:`.history`); tell each as a :class:`~.events.Notice`;
then, channel by channel, oldest post first, send what the ``--state`` file does not list
as sent, and record each delivery the moment it is accepted.

A channel that fails (its retries exhausted, or a permanent error) stops for this run, so it
never gets a later post before an earlier one; its remaining posts are reported as not
attempted, and the other channels go on. The command exits 1 when anything failed, with a
summary, and a rerun with the same ``--since`` and ``--state`` sends exactly what is missing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.loader import load_site
from ..content.model import Channel, ChannelType, Site
from ..errors import StatusgenError
from ..outputs.context import RenderContext
from ..outputs.posts import published_posts
from ..outputs.statuspage import v2_objects
from ..outputs.theme import Theme
from ..outputs.words import Words
from ..view import IncidentView, MaintenanceView, StatusView, derive
from . import mail, payloads
from .events import Notice, matches, notices
from .history import published_at
from .state import State
from .transport import DeliveryError, Mailer, Retry, SmtpServer, check_url, post_json

log = logging.getLogger(__name__)


class NotifyFailed(StatusgenError):
    """At least one delivery failed; the message is the summary."""


@dataclass
class Options:
    since: str
    now: dt.datetime
    state: Path | None = None
    dry_run: bool = False
    timeout: float = 10.0
    retry: Retry = field(default_factory=Retry)
    env: Mapping[str, str] = field(default_factory=lambda: os.environ)
    #: Where --dry-run prints what would be sent.
    echo: Callable[[str], None] = print  # noqa: T202 - replaced by the command line


@dataclass
class Delivery:
    """One message to one receiver: its key in the state file, what it is, how to send it."""

    key: str
    what: str
    preview: Callable[[], str]
    send: Callable[[], Any]
    #: For e-mail: the post's key, recorded once every recipient has it.
    group: str = ""


@dataclass
class Outcome:
    channel: str
    sent: int = 0
    already: int = 0
    failed: list[str] = field(default_factory=list)
    not_attempted: int = 0

    def summary(self) -> str:
        parts = [f"{self.sent} sent"]
        if self.already:
            parts.append(f"{self.already} sent before")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        if self.not_attempted:
            parts.append(f"{self.not_attempted} not attempted")
        return f"{self.channel}: " + ", ".join(parts)


def notify(site_dir: Path, options: Options) -> list[Outcome]:
    """Deliver every post published since ``options.since``; return what happened on each channel.

    :raises NotifyFailed: when a delivery failed (after the others were made).
    """
    content = load_site(site_dir)
    site = content.site
    if not site.notify:
        log.info("site.yaml has no `notify:` channels: nothing to do")
        return []
    view = derive(content, options.now)
    posts = published_posts(view)
    before, commit = published_at(site_dir, options.since)
    new = [post for post in reversed(posts) if post.target not in before]  # oldest first
    log.info("%d post%s published since %s (%s)", len(new), "" if len(new) == 1 else "s", options.since, commit[:12])
    sender = _Sender(site, site_dir, view, options)
    told = notices(view, new, sender.words)
    state = State(options.state, options.now)
    if options.dry_run:
        state.path = None  # a dry run reads what was sent, and records nothing
    outcomes = [sender.run(channel, told, state) for channel in site.notify]
    for outcome in outcomes:
        log.info("%s", outcome.summary())
    failed = sum(len(o.failed) for o in outcomes)
    if failed:
        details = "\n".join(f"  {o.channel}: {reason}" for o in outcomes for reason in o.failed)
        raise NotifyFailed(f"{failed} deliver{'y' if failed == 1 else 'ies'} failed:\n{details}\n"
                           "Run the same command again to send what is missing.")
    return outcomes


class _Sender:
    """Makes the deliveries of each channel, and makes them."""

    def __init__(self, site: Site, site_dir: Path, view: StatusView, options: Options) -> None:
        self.site = site
        self.site_dir = site_dir
        self.view = view
        self.options = options
        self.words = Words(Theme.for_site(site).messages(site.language), site.timezone)
        self._v2: Any = None
        self._open: list[Mailer] = []

    def run(self, channel: Channel, told: list[Notice], state: State) -> Outcome:
        try:
            return self._run(channel, told, state)
        finally:
            while self._open:
                self._open.pop().close()

    def _run(self, channel: Channel, told: list[Notice], state: State) -> Outcome:
        outcome = Outcome(channel.name)
        # A webhook also gets component payloads for posts whose own event it does not want.
        events = () if channel.type is ChannelType.WEBHOOK else channel.events
        wanted = [n for n in told if matches(n, channel.components, events)]
        try:
            deliveries = list(self.deliveries(channel, wanted))
        except DeliveryError as exc:
            outcome.failed.append(str(exc))
            return outcome
        finished: dict[str, int] = {}
        groups: dict[str, list[str]] = {}
        for d in deliveries:
            if d.group:
                groups.setdefault(d.group, []).append(d.key)
        down = False
        for d in deliveries:
            if state.done(channel.name, d.key) or (d.group and state.done(channel.name, d.group)):
                outcome.already += 1
                continue
            if down:
                outcome.not_attempted += 1
                continue
            if self.options.dry_run:
                self.options.echo(f"--- {channel.name} ({channel.type.value}): {d.what}\n{d.preview()}")
                outcome.sent += 1
                continue
            try:
                _, attempts = self.options.retry.run(d.send)
            except DeliveryError as exc:
                outcome.failed.append(f"{d.what}: {exc}")
                # A refused address spoils only its own message; anything else stops the channel.
                down = not (d.group and not exc.transient)
                continue
            outcome.sent += 1
            log.debug("%s: %s delivered (%d attempt%s)", channel.name, d.what, attempts, "s" * (attempts > 1))
            if d.group:
                finished[d.group] = finished.get(d.group, 0) + 1
                members = groups[d.group]
                if all(state.done(channel.name, k) or k == d.key for k in members):
                    state.record(channel.name, d.group, replaces=tuple(members))
                    continue
            state.record(channel.name, d.key)
        return outcome

    # -- what each type of channel sends --------------------------------------------------------

    def deliveries(self, channel: Channel, told: list[Notice]) -> Iterator[Delivery]:
        if channel.type is ChannelType.EMAIL:
            yield from self._email(channel, told)
            return
        url = "" if self.options.dry_run else self._url(channel)
        secret = ""
        if channel.secret_env and not self.options.dry_run:
            secret = self._env(channel.secret_env, "secret_env")
        for notice in told:
            for key, what, body, event in self._bodies(channel, notice):
                yield Delivery(key, what, _pretty(body), self._post(url, body, secret, channel, key, event))

    def _bodies(self, channel: Channel, notice: Notice) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        what = f"{notice.event} {notice.post.target}"
        target = notice.post.target
        if channel.type is ChannelType.SLACK:
            yield target, what, payloads.slack(notice, self.words), notice.event
        elif channel.type is ChannelType.TEAMS:
            yield target, what, payloads.teams(notice, self.words), notice.event
        elif channel.type is ChannelType.DISCORD:
            yield target, what, payloads.discord(notice, self.words, self.site.title), notice.event
        elif isinstance(notice.item, IncidentView | MaintenanceView):
            yield from self._webhook(channel, notice)

    def _webhook(self, channel: Channel, notice: Notice) -> Iterator[tuple[str, str, dict[str, Any], str]]:
        """Statuspage's shapes: the incident (maintenance is an incident there), then each component it changed."""
        v2 = self._v2 or self._make_v2()
        item = notice.item
        full = v2.incident(item) if isinstance(item, IncidentView) else v2.maintenance(item)
        head = {"meta": payloads.webhook_meta(self.view, self.options.now),
                "page": payloads.webhook_page(self.view, v2.page_id)}
        target = notice.post.target
        if notice.event in channel.events or notice.event.partition(".")[0] in channel.events or not channel.events:
            yield target, f"{notice.event} {target}", {**head, "incident": payloads.as_of_update(full, notice)}, \
                notice.event
        if channel.events and not {"component", "component.updated"} & set(channel.events):
            return
        for change in payloads.component_changes(full, notice):
            component = v2.component_by_id.get(change["code"])
            if component is None:
                continue
            key = f"{target} component={change['code']}"
            body = {**head, **payloads.component_update(component, change, notice, self.site.timezone)}
            yield key, f"component.updated {key}", body, "component.updated"

    def _make_v2(self) -> Any:
        self._v2 = v2_objects(RenderContext.of(self.view, self.words.messages))
        return self._v2

    def _post(self, url: str, body: dict[str, Any], secret: str, channel: Channel, key: str,
              event: str) -> Callable[[], str]:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {}
        if channel.type is ChannelType.WEBHOOK:
            headers = {"X-Statusgen-Event": event,
                       "X-Statusgen-Delivery": hashlib.sha256(f"{channel.name}\n{key}".encode()).hexdigest()[:32]}
        timeout = self.options.timeout
        return lambda: post_json(url, data, timeout=timeout, headers=headers, secret=secret)

    def _email(self, channel: Channel, told: list[Notice]) -> Iterator[Delivery]:
        try:
            to = mail.recipients(channel, self.site_dir, self.options.env)
        except mail.RecipientError as exc:
            if self.options.dry_run:
                self.options.echo(f"--- {channel.name} (email): the subscribers cannot be read: {exc}")
                return
            raise DeliveryError(str(exc), transient=False) from None
        if not to:
            log.info("%s: the subscriber list is empty", channel.name)
            return
        now = self.options.now
        if self.options.dry_run:
            # One preview per post, to the first recipient; never the list (it is private).
            for notice in told:
                msg = mail.message(notice, self.words, self.site, channel, to[0], now)
                yield Delivery(notice.post.target, f"{notice.event} {notice.post.target}",
                               functools.partial(_mail_preview, msg, len(to)), lambda: None)
            return
        mailer = Mailer(self._smtp(channel))
        self._open.append(mailer)  # one connection for all of the channel's messages, closed by run()
        for notice in told:
            target = notice.post.target
            for address in to:
                msg = mail.message(notice, self.words, self.site, channel, address, now)
                key = f"{target} to={mail.recipient_key(address)}"

                def send(msg: Any = msg, address: str = address) -> None:
                    mailer.send(msg, channel.sender, address)

                yield Delivery(key, f"{notice.event} {target} to recipient {mail.recipient_key(address)}",
                               lambda: "", send, group=target)

    def _smtp(self, channel: Channel) -> SmtpServer:
        user = self._env(channel.username_env, "username_env") if channel.username_env else ""
        password = self._env(channel.password_env, "password_env") if channel.password_env else ""
        return SmtpServer(channel.host, channel.port, channel.tls, user, password, self.options.timeout)

    def _url(self, channel: Channel) -> str:
        if channel.url:
            return check_url(channel.url, f"{channel.name}: url")
        return check_url(self._env(channel.url_env, "url_env"), f"{channel.name}: ${channel.url_env}")

    def _env(self, name: str, key: str) -> str:
        value = self.options.env.get(name)
        if not value:
            raise DeliveryError(f"the environment variable {name} ({key}) is not set", transient=False)
        return value


def _pretty(body: dict[str, Any]) -> Callable[[], str]:
    return lambda: json.dumps(body, ensure_ascii=False, indent=2)


def _mail_preview(msg: Any, count: int) -> str:
    text = msg.get_body(("plain",)).get_content()
    return f"To: {count} recipient{'s' if count != 1 else ''}\nSubject: {msg['Subject']}\n\n{text}"
