"""site.yaml ``notify:`` and ``subscribe:`` -> channels and sign-up settings, checked like content.

The declaration (:data:`.format.CHANNEL`) checks each value; this module checks what depends
on the channel's type: which keys it takes and needs, component ids that exist, names that
are unique, and that a password never crosses the network in the clear. Problems point at
the offending key, so all of them are reported with everything else in site.yaml.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from ..errors import did_you_mean
from .model import Channel, ChannelType, Subscribe
from .validation import Context, Record

_COMMON = ("type", "name", "components", "events")
_CHAT = ("url_env",)
#: The keys each type of channel takes besides the common ones, and those it needs.
KEYS: dict[ChannelType, tuple[str, ...]] = {
    ChannelType.SLACK: _CHAT,
    ChannelType.TEAMS: _CHAT,
    ChannelType.DISCORD: _CHAT,
    ChannelType.WEBHOOK: ("url", "url_env", "secret_env"),
    ChannelType.EMAIL: ("host", "port", "tls", "username_env", "password_env", "from", "to_file", "to_env",
                        "unsubscribe"),
}
_DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def read_subscribe(rec: Record) -> Subscribe:
    given = rec.get("subscribe")
    if not isinstance(given, Record):
        return Subscribe()
    return Subscribe(given.get("email_url", ""), given.get("email_address", ""))


def read_channels(rec: Record, components: frozenset[str], ctx: Context) -> tuple[Channel, ...] | None:
    """Return the channels of site.yaml's record ``rec``; report what their types do not allow (then None)."""
    ok = True
    channels: list[Channel] = []
    names: dict[str, int] = {}
    for item, _ in rec.get("notify", []) or []:
        if not isinstance(item, Record) or not item.has("type"):
            continue
        channel = _channel(item, components, ctx)
        if channel is None:
            ok = False
            continue
        if channel.name in names:
            ctx.report(item.key_node("name") if item.has("name") else item.node,
                       f"two channels are called {channel.name!r}",
                       f"the first is on line {names[channel.name]}; give each channel of the same type its own "
                       "`name:` (the --state file tells channels apart by name)")
            ok = False
            continue
        names[channel.name] = item.line
        channels.append(channel)
    return tuple(channels) if ok else None


def _channel(item: Record, components: frozenset[str], ctx: Context) -> Channel | None:
    kind: ChannelType = item["type"]
    ok = item.ok
    allowed = _COMMON + KEYS[kind]
    for key in item.keys:
        if key not in allowed:
            ctx.report(item.key_node(key), f"{kind.value} channels have no key {key!r}",
                       _hint_for(kind, key, allowed))
            ok = False
    for cid in item.get("components", []) or []:
        if cid[0] and cid[0] not in components:
            ctx.report(cid[1], f"unknown component {cid[0]!r}", did_you_mean(cid[0], sorted(components)))
            ok = False
    events = tuple(value for value, _ in item.get("events", []) or [] if value)
    for value, node in item.get("events", []) or []:
        if value and value.partition(".")[0] == "component" and kind is not ChannelType.WEBHOOK:
            ctx.report(node, f"{value!r} is for webhook channels only",
                       "component updates are Statuspage's component payloads; chat and e-mail channels "
                       "hear about components in the posts themselves")
            ok = False
    ok = _required(item, kind, ctx) and ok
    if kind is ChannelType.EMAIL:
        ok = _email_rules(item, ctx) and ok
    if not ok:
        return None
    tls = item.get("tls", "starttls")
    to_file = item.get("to_file")
    return Channel(
        name=item.get("name", kind.value),
        type=kind,
        components=tuple(cid for cid, _ in item.get("components", []) or []),
        events=events,
        url=item.get("url", ""),
        url_env=item.get("url_env", ""),
        secret_env=item.get("secret_env", ""),
        host=item.get("host", ""),
        port=item.get("port") or (_DEFAULT_PORTS[tls] if kind is ChannelType.EMAIL else 0),
        tls=tls,
        username_env=item.get("username_env", ""),
        password_env=item.get("password_env", ""),
        sender=item.get("from", ""),
        to_file=Path(to_file) if to_file else None,
        to_env=item.get("to_env", ""),
        unsubscribe=_unsubscribe(item),
        line=item.line,
    )


def _hint_for(kind: ChannelType, key: str, allowed: tuple[str, ...]) -> str:
    if key == "url" and kind in (ChannelType.SLACK, ChannelType.TEAMS, ChannelType.DISCORD):
        return (f"a {kind.value} webhook URL is a secret (whoever has it can post to the channel): keep it in a CI "
                "secret and give the variable's name with `url_env:`")
    return f"{kind.value} channels take " + ", ".join(f"`{k}`" for k in allowed)


def _required(item: Record, kind: ChannelType, ctx: Context) -> bool:
    table: dict[ChannelType, list[tuple[str, ...]]] = {
        ChannelType.WEBHOOK: [("url", "url_env")],
        ChannelType.EMAIL: [("host",), ("from",), ("to_file", "to_env")],
    }
    needs = table.get(kind, [("url_env",)])
    ok = True
    for keys in needs:
        if keys == ("url_env",) and "url" in item.keys:
            continue  # already told: a chat webhook URL goes in url_env
        given = [k for k in keys if k in item.keys]
        if not given:
            wanted = " or ".join(f"`{k}:`" for k in keys)
            ctx.report(item.node, f"this {kind.value} channel needs {wanted}", _need_hint(keys))
            ok = False
        elif keys == ("url", "url_env") and len(given) > 1:
            ctx.report(item.key_node("url"), "give `url` or `url_env`, not both",
                       "use `url_env` when the URL is a secret")
            ok = False
    return ok


def _need_hint(keys: tuple[str, ...]) -> str:
    if "url_env" in keys:
        return "e.g. `url_env: SLACK_WEBHOOK_URL`, the CI secret that holds the webhook URL"
    if "to_file" in keys:
        return "the subscribers: `to_file: subscribers.txt` (one address a line) or `to_env: SUBSCRIBERS`"
    return {"host": "e.g. `host: smtp.example.com`", "from": "e.g. `from: status@example.com`"}[keys[0]]


def _email_rules(item: Record, ctx: Context) -> bool:
    ok = True
    has_user, has_password = item.has("username_env"), item.has("password_env")
    if has_user != has_password:
        missing = "password_env" if has_user else "username_env"
        ctx.report(item.key_node("username_env" if has_user else "password_env"), f"`{missing}` is missing",
                   "SMTP login needs a user name and a password, each from its environment variable")
        ok = False
    if has_password and item.get("tls", "starttls") == "none" and not _loopback(item.get("host", "")):
        ctx.report(item.key_node("tls"), "`tls: none` would send the SMTP password unencrypted",
                   "use `tls: starttls` or `tls: ssl`; `none` with a login is only for a server on this machine")
        ok = False
    unsubscribe = item.get("unsubscribe", "")
    if unsubscribe and not (re.fullmatch(r"https://[^\s<>\"]+", unsubscribe)
                            or re.fullmatch(r"(?:mailto:)?[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", unsubscribe)):
        ctx.report(item.key_node("unsubscribe"), f"{unsubscribe!r} is neither an https URL nor an e-mail address",
                   "e.g. https://example.com/unsubscribe or status-unsubscribe@example.com")
        ok = False
    return ok


def _unsubscribe(item: Record) -> str:
    """Return the List-Unsubscribe target as a URL: ``https://...`` or ``mailto:...``."""
    given = item.get("unsubscribe", "")
    if given.startswith("https://") or given.startswith("mailto:"):
        return str(given)
    address = given or item.get("from", "")
    return f"mailto:{address}?subject=unsubscribe" if address else ""


def _loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
