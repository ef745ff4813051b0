"""E-mail notifications: the subscriber list, and one multipart message (text and HTML) per recipient.

Each recipient gets a message of their own: nobody sees who else subscribed, and one bad
address cannot make the server refuse the message for everyone. Each message carries
``List-Unsubscribe`` (RFC 2369), ``List-Id`` (RFC 2919) and ``Auto-Submitted`` (RFC 3834), so
mail clients offer an unsubscribe button and auto-responders stay quiet. Its Message-ID is
derived from the post and the recipient: if a message must be sent again after a crash,
mail clients can tell it is the same one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from ..content.model import Channel, Site
from ..outputs.words import Words
from . import text
from .events import Notice

_ADDRESS = re.compile(r"[^@\s<>\"(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z]{2,63}")
#: A subscriber list larger than this is refused: it is surely not one.
MAX_RECIPIENTS = 100_000


class RecipientError(Exception):
    """The subscriber list cannot be read; says where, never what the file holds."""


def recipients(channel: Channel, site_dir: Path, env: Mapping[str, str]) -> list[str]:
    """Return the subscriber addresses of an e-mail channel, each once, in the order given.

    :raises RecipientError: when the file or variable is missing, or holds something that is
        not an address (named by line number only: the list is private).
    """
    found: list[str] = []
    if channel.to_file is not None:
        root = site_dir.resolve()
        path = (root / channel.to_file).resolve()
        if not path.is_relative_to(root):
            raise RecipientError(f"to_file {channel.to_file.as_posix()!r} leads out of the site folder")
        try:
            content = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RecipientError(f"cannot read to_file {channel.to_file.as_posix()!r}: "
                                 f"{getattr(exc, 'strerror', None) or type(exc).__name__}") from None
        for number, line in enumerate(content.splitlines(), start=1):
            for word in line.split("#", 1)[0].replace(",", " ").split():
                if not _ADDRESS.fullmatch(word):
                    raise RecipientError(f"{channel.to_file.as_posix()} line {number}: not an e-mail address")
                found.append(word)
    if channel.to_env:
        value = env.get(channel.to_env)
        if value is None:
            raise RecipientError(f"the environment variable {channel.to_env} is not set")
        for position, word in enumerate(value.replace(",", " ").split(), start=1):
            if not _ADDRESS.fullmatch(word):
                raise RecipientError(f"${channel.to_env}: entry {position} is not an e-mail address")
            found.append(word)
    if len(found) > MAX_RECIPIENTS:
        raise RecipientError(f"more than {MAX_RECIPIENTS} subscribers: use a mailing service for a list this long")
    seen: set[str] = set()
    unique = []
    for address in found:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def recipient_key(address: str) -> str:
    """Return a short digest naming a recipient in the state file (which must not list addresses)."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()[:20]


def _one_line(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()


def message(notice: Notice, words: Words, site: Site, channel: Channel, to: str, now: dt.datetime) -> EmailMessage:
    """Return the e-mail telling ``to`` about ``notice``."""
    host = urlsplit(site.base_url).hostname or "statusgen.invalid"
    msg = EmailMessage()
    msg["Subject"] = _one_line(f"[{site.title}] {notice.title}")
    msg["From"] = formataddr((_one_line(site.title), channel.sender))
    msg["To"] = to
    msg["Date"] = format_datetime(now.astimezone(dt.UTC))
    digest = hashlib.sha256(f"{channel.name}\n{notice.post.target}\n{to.lower()}".encode()).hexdigest()[:32]
    msg["Message-ID"] = f"<{digest}@{host}>"
    msg["List-Id"] = f"{_one_line(site.title)} <status.{host}>"
    if channel.unsubscribe:
        msg["List-Unsubscribe"] = f"<{channel.unsubscribe}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["Content-Language"] = site.language
    msg.set_content(plain_text(notice, words, site, channel))
    msg.add_alternative(html_document(notice, words, site, channel), subtype="html")
    return msg


def plain_text(notice: Notice, words: Words, site: Site, channel: Channel) -> str:
    lines = [notice.title, "=" * min(len(notice.title), 72), ""]
    lines += [f"{name}: {value}" for name, value in [(words.text("notify.status"), notice.status), *notice.facts]]
    body = text.convert(notice.body, text.PLAIN)
    if body:
        lines += ["", body]
    if notice.workaround:
        lines += ["", notice.workaround_label, text.convert(notice.workaround, text.PLAIN)]
    if notice.next_update:
        lines += ["", notice.next_update]
    lines += ["", f"{words.text('notify.view')}: {notice.url}", "", "-- ",
              words.text("notify.email_footer", site=site.title)]
    if channel.unsubscribe:
        lines.append(f"{words.text('notify.unsubscribe')}: {channel.unsubscribe}")
    return "\n".join(lines) + "\n"


def html_document(notice: Notice, words: Words, site: Site, channel: Channel) -> str:
    """Return the HTML part: one column, inline styles only (mail clients drop style sheets)."""
    facts = Markup("").join(
        Markup('<tr><th style="text-align:left;padding:2px 12px 2px 0">{}</th><td>{}</td></tr>').format(name, value)
        for name, value in [(words.text("notify.status"), notice.status), *notice.facts])
    parts = [
        Markup('<h1 style="font-size:20px;margin:0 0 12px">{}</h1>').format(notice.title),
        Markup('<table style="border-collapse:collapse;margin:0 0 12px">{}</table>').format(facts),
        notice.body,
    ]
    if notice.workaround:
        parts.append(Markup('<h2 style="font-size:16px">{}</h2>{}').format(notice.workaround_label, notice.workaround))
    if notice.next_update:
        parts.append(Markup("<p><strong>{}</strong></p>").format(notice.next_update))
    parts.append(Markup('<p><a href="{}" style="color:#0550ae">{}</a></p>').format(notice.url,
                                                                                  words.text("notify.view")))
    footer = escape(words.text("notify.email_footer", site=site.title))
    if channel.unsubscribe:
        footer += Markup(' <a href="{}" style="color:#57606a">{}</a>').format(channel.unsubscribe,
                                                                           words.text("notify.unsubscribe"))
    parts.append(Markup('<hr style="border:0;border-top:1px solid #d0d7de"><p style="color:#57606a;'
                        'font-size:13px">{}</p>').format(footer))
    return str(Markup(
        '<!doctype html>\n<html lang="{}"><head><meta charset="utf-8"><title>{}</title></head>'
        '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:640px">'
        "{}</body></html>\n").format(site.language, notice.title, Markup("\n").join(parts)))
