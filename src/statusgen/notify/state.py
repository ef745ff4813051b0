"""``--state FILE``: what was delivered, so a rerun sends nothing twice.

The file is JSON: per channel, the key of every delivery (the post's permalink, with the
recipient's digest for e-mail or the component for a webhook's component payload) and when
it was sent. It is rewritten after every delivery, atomically (a temporary file, flushed to
disk, then renamed over the old one), so it is always either the old or the new record,
never half of one.

Delivery is *at least once*: a message is recorded after the receiver accepted it. If the
process dies between the two (a crash, a cancelled CI job), the rerun sends that one message
again. The other order (record, then send) would lose it for good instead, and a customer
who misses "we are down" is worse off than one who reads it twice; receivers can tell a
repeat by its delivery id (``X-Statusgen-Delivery``) or Message-ID.

Entries older than :data:`KEEP` are dropped: GitHub lets a workflow run be re-run for 30
days, and only a re-run can ask for the same posts again.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..errors import StatusgenError, display_path
from ..fsutil import write_atomic

KEEP = dt.timedelta(days=35)
VERSION = 1


class StateError(StatusgenError):
    """The state file cannot be read or written (nothing is sent without knowing what was)."""


class State:
    """The deliveries made so far; without a file, remembered for this run only."""

    def __init__(self, path: Path | None, now: dt.datetime) -> None:
        self.path = path
        self.now = now
        self.sent: dict[str, dict[str, str]] = {}
        if path is not None and path.exists():
            self.sent = _read(path)
        cutoff = now - KEEP
        for channel in self.sent.values():
            for key in [k for k, at in channel.items() if _time(at) < cutoff]:
                del channel[key]

    def done(self, channel: str, key: str) -> bool:
        return key in self.sent.get(channel, {})

    def record(self, channel: str, key: str, *, replaces: tuple[str, ...] = ()) -> None:
        """Remember that ``key`` was delivered on ``channel`` (instead of ``replaces``), and save."""
        entries = self.sent.setdefault(channel, {})
        for old in replaces:
            entries.pop(old, None)
        entries[key] = self.now.astimezone(dt.UTC).isoformat(timespec="seconds")
        self.save()

    def save(self) -> None:
        if self.path is None:
            return
        doc = {"version": VERSION, "sent": {c: dict(sorted(e.items())) for c, e in sorted(self.sent.items())}}
        try:
            write_atomic(self.path, (json.dumps(doc, indent=1) + "\n").encode("utf-8"))
        except OSError as exc:
            raise StateError(f"cannot write the state file {display_path(self.path)}: {exc.strerror}") from None


def _read(path: Path) -> dict[str, dict[str, str]]:
    shown = display_path(path)
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StateError(f"cannot read the state file {shown} ({exc}); without it every post since --since would "
                         "be sent again: fix it, or delete it if that is what you want") from None
    sent = doc.get("sent") if isinstance(doc, dict) and doc.get("version") == VERSION else None
    if not isinstance(sent, dict) or not all(
            isinstance(c, dict) and all(isinstance(v, str) and _valid_time(v) for v in c.values())
            for c in sent.values()):
        raise StateError(f"{shown} is not a statusgen notify state file (version {VERSION})")
    return {str(name): {str(k): v for k, v in entries.items()} for name, entries in sent.items()}


def _valid_time(text: str) -> bool:
    try:
        return dt.datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
