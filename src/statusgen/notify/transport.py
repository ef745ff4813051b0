"""Getting a message there: HTTP POSTs and SMTP, each bounded by a timeout and retried with backoff.

A failure is *transient* (a timeout, a dropped connection, HTTP 429 or 5xx, an SMTP 4xx reply)
or *permanent* (any other HTTP 4xx: the URL is wrong or revoked, the payload refused; an SMTP
5xx reply; a server that offers no TLS when TLS was asked for). Transient failures are tried
again after a growing pause (and at least as long as a 429's ``Retry-After`` asks, up to a
minute); permanent ones are not, because sending the same request again cannot help.

Redirects are not followed: Statuspage's receivers must answer 2xx, and following a 3xx would
send the body, and its signature, to a place the channel did not name.
"""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .. import __version__

T = TypeVar("T")

#: Longest pause a receiver may ask for with Retry-After before we give up on this run.
MAX_RETRY_AFTER = 60.0
#: Of a response body only this much is read (enough for an error message).
_BODY_LIMIT = 64 * 1024


class DeliveryError(Exception):
    """A message could not be delivered; ``transient`` says whether trying again may help."""

    def __init__(self, message: str, *, transient: bool, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


@dataclass
class Retry:
    """How often and how patiently to try: ``attempts`` in all, pauses of delay, delay×4, ..."""

    attempts: int = 4
    delay: float = 2.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def run(self, send: Callable[[], T]) -> tuple[T, int]:
        """Return what ``send`` returned and how many attempts it took; raise its last error."""
        attempt = 1
        while True:
            try:
                return send(), attempt
            except DeliveryError as exc:
                if not exc.transient or attempt >= self.attempts:
                    exc.args = (f"{exc.args[0]} (after {attempt} attempt{'s' if attempt > 1 else ''})",)
                    raise
                self.sleep(max(self.delay * 4 ** (attempt - 1), min(exc.retry_after, MAX_RETRY_AFTER)))
                attempt += 1


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


_opener = urllib.request.build_opener(_NoRedirects)


def check_url(url: str, where: str) -> str:
    """Return ``url`` if it is an https URL (or http to this machine); raise a permanent error otherwise.

    The message never quotes the URL: chat webhook URLs are secrets.
    """
    parts = urlsplit(url.strip()) if url.isprintable() else None
    host = (parts.hostname or "") if parts else ""
    local = host in ("localhost", "127.0.0.1", "::1")
    if not parts or not host or parts.scheme not in ("https", "http") or (parts.scheme == "http" and not local):
        raise DeliveryError(f"{where} is not an https URL", transient=False)
    return url.strip()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """Return the signature header value: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.

    Signing the time with the body lets a receiver refuse a replay of an old request (it
    checks that ``t`` is recent); see docs/notifications.md for how to verify.
    """
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def post_json(url: str, body: bytes, *, timeout: float, headers: Mapping[str, str] | None = None,
              secret: str = "", clock: Callable[[], float] = time.time) -> str:
    """POST ``body`` (JSON) to ``url``; return the response's start (for services that answer errors with 200).

    :raises DeliveryError: when the receiver did not answer 2xx in time.
    """
    sent = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"statusgen/{__version__}",
            **dict(headers or {})}
    if secret:
        sent["X-Statusgen-Signature"] = sign(secret, body, int(clock()))
    request = urllib.request.Request(url, data=body, headers=sent, method="POST")
    deadline = time.monotonic() + timeout
    try:
        with _opener.open(request, timeout=timeout) as response:
            answer = _read(response, deadline)
    except urllib.error.HTTPError as exc:
        status = exc.code
        retry_after = _seconds(exc.headers.get("Retry-After") if exc.headers else None)
        exc.close()
        transient = status == 429 or status >= 500 or status == 408
        raise DeliveryError(f"HTTP {status}", transient=transient, retry_after=retry_after) from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"no answer ({_describe(reason)})", transient=True) from None
    # Teams' webhooks have answered throttling with 200 and this text ("Sending messages to
    # connectors and webhooks", rate limiting).
    if "HTTP error 429" in answer:
        raise DeliveryError("throttled (HTTP 429 in the answer)", transient=True)
    return answer


def _read(response: Any, deadline: float) -> str:
    chunks = []
    size = 0
    while size < _BODY_LIMIT:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer took too long")
        chunk = response.read(min(8192, _BODY_LIMIT - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def _seconds(value: str | None) -> float:
    try:
        return max(float(value or 0), 0.0)
    except ValueError:
        return 0.0


def _describe(reason: object) -> str:
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLError):
        return f"TLS: {reason.reason or reason}"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


# -- SMTP ------------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    """Where and how to send mail; the credentials come from the environment when sending."""

    host: str
    port: int
    tls: str  # starttls, ssl, none
    username: str = ""
    password: str = ""
    timeout: float = 10.0


class Mailer:
    """One SMTP connection, opened on first use and again after it broke."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.server
        context = ssl.create_default_context()
        try:
            smtp: smtplib.SMTP
            if s.tls == "ssl":
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.tls == "starttls":
                    # Never fall back to plain text: a server without STARTTLS is an error.
                    smtp.starttls(context=context)
                if s.username:
                    smtp.login(s.username, s.password)
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError("the SMTP server offers no STARTTLS", transient=False) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP login refused ({exc.smtp_code})", transient=False) from None
        except (smtplib.SMTPException, OSError) as exc:
            raise _smtp_error(exc) from None
        return smtp

    def send(self, msg: EmailMessage, sender: str, to: str) -> None:
        """Send ``msg`` to ``to`` over the open connection (opened first if need be)."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(msg, from_addr=sender, to_addrs=[to])
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0] if exc.recipients else 550
            raise DeliveryError(f"the server refused a recipient ({code})", transient=400 <= code < 500) from None
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the connection may be unusable; the next attempt opens a new one
            raise _smtp_error(exc) from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


def _smtp_error(exc: BaseException) -> DeliveryError:
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return DeliveryError(f"SMTP {code}", transient=400 <= code < 500)
    return DeliveryError(f"SMTP: {_describe(exc)}", transient=True)
