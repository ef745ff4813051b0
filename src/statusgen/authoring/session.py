"""What every authoring command stands on: the site and its clock, ids, options, safe writes.

The commands (:mod:`entries`) all work the same way: load the site (it must be valid),
check the options against it, get the text, compose the new file text, validate the
*whole site* with that text in place (:func:`commit`), and only then write it, atomically
(:func:`write_atomic`). A command that fails changes nothing. Existing files are appended
to textually (:mod:`yamledit`): comments, key order, quoting and blank lines stay as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import timeutil
from ..content.cache import SiteCache, digest
from ..content.kinds import BY_FOLDER, FOLDERS
from ..content.loader import load_site
from ..content.model import ComponentStatus, Content
from ..content.validation import CONTROL, describe_character
from ..content.values import SLUG_HINT, SLUG_RE
from ..content.yamlfile import RAW_FORBIDDEN
from ..errors import StatusgenError, UsageProblem, did_you_mean, display_path
from ..fsutil import write_atomic
from ..timeutil import parse_when
from . import editor
from .editor import Body
from .lock import Refused, SiteLock
from .yamledit import Pairs, Raw, append_item

log = logging.getLogger(__name__)

__all__ = ["Refused", "Session", "Written", "parse_due", "parse_when"]

#: Longest title part of a generated id; ids stay readable in URLs (the limit is 100).
SLUG_TITLE_LENGTH = 60
#: Letters that Unicode does not decompose into a base letter and an accent.
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d",
                       "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"})
INCIDENT_COMPONENT_STATUSES = [s for s in ComponentStatus if s is not ComponentStatus.UNDER_MAINTENANCE]
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True, slots=True)
class Written:
    """What a command wrote: the file, the item's id, and a sentence for the person at the keyboard."""

    path: Path
    item_id: str
    message: str


# -- the session: one site, one instant ------------------------------------------------------


@dataclass
class Session:
    """A loaded, valid site and the instant "now" in its time zone, as every command needs them.

    The site is loaded under its :class:`SiteLock`, which is held until :meth:`close` (but not
    while the editor is open, see :meth:`obtain_body`).
    """

    site_dir: Path
    now: dt.datetime
    content: Content = field(init=False)
    #: What loading found per file: validating the edited site then re-reads only the edited file.
    cache: SiteCache = field(init=False, repr=False)
    lock: SiteLock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.lock = SiteLock(self.site_dir)
        self.lock.acquire()
        try:
            self.cache = SiteCache()
            self.content = load_site(self.site_dir, cache=self.cache)
        except BaseException:
            self.lock.release()
            raise
        self.now = self.now.astimezone(self.tz).replace(microsecond=0)

    def close(self) -> None:
        """Release the site for other commands."""
        self.lock.release()

    def obtain_body(self, body: str | None, *, help_lines: list[str], option: str = "--body") -> Body:
        """Return the text of ``--body`` (see :func:`editor.obtain_body`), checked for control characters.

        Typing in the editor, or a slow standard input, must not keep other commands waiting, so
        the lock is released meanwhile; whether the file changed meanwhile is checked when it
        is written (:func:`append_update`).
        """
        if body is not None and body != "-":
            text = editor.obtain_body(body, help_lines=help_lines, option=option)
        else:
            self.lock.release()
            try:
                text = editor.obtain_body(body, help_lines=help_lines, option=option)
            finally:
                self.lock.acquire()
        if not text.edited:
            check_text(text.text, option)
        return text

    @property
    def tz(self) -> dt.tzinfo:
        return self.content.site.timezone

    def stamp(self, when: dt.datetime) -> Raw:
        """Return ``when`` as written in files: ISO 8601 in the site's zone, to the second."""
        return Raw(when.astimezone(self.tz).replace(microsecond=0).isoformat(timespec="seconds"))

    def when(self, text: str, option: str) -> dt.datetime:
        """Return the time written on the command line for ``option`` (see :func:`parse_when`)."""
        try:
            return parse_when(text, self.tz, self.now)
        except timeutil.TimeFormatError as exc:
            raise UsageProblem(f"{option}: {exc.message}; {exc.hint}") from None

    def local(self, when: dt.datetime) -> str:
        """Return ``when`` for messages: ``2026-11-25 12:35`` in the site's zone (time only if today)."""
        return timeutil.format_short(when, self.tz, self.now)


def check_text(text: str, option: str) -> str:
    """Return ``text`` given on the command line, refusing the characters no content file may hold.

    :raises UsageProblem: naming ``option`` and the character (escaped), for a control character
        or a byte the terminal's encoding did not decode.
    """
    bad = CONTROL.search(text) or RAW_FORBIDDEN.search(text)
    if bad is not None:
        raise UsageProblem(f"{option}: the text contains the character {describe_character(bad.group())}; "
                           "remove it: it shows as nothing in a page, and garbles feeds and terminals")
    return text


def parse_due(text: str, tz: dt.tzinfo, now: dt.datetime) -> dt.date | dt.datetime:
    """Return a due date (``2026-12-15``, the end of that day) or a due time (see :func:`parse_when`)."""
    value = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return timeutil.parse_date(value)
    return parse_when(value, tz, now)


# -- ids -------------------------------------------------------------------------------------


def slugify(title: str, max_length: int = SLUG_TITLE_LENGTH) -> str:
    """Return ``title`` as lowercase ASCII words joined by dashes: "Café übers Netz" -> "cafe-ubers-netz".

    Accents are dropped, apostrophes too ("can't" -> "cant"); a long result is cut at a dash.
    """
    text = unicodedata.normalize("NFKD", title.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"['’`]", "", text)
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:max_length]
    return slug


def new_id(folder: Path, day: dt.date, title: str, kind: str) -> str:
    """Return a free id ``YYYY-MM-DD-title-words`` in ``folder``, adding -2, -3… on a clash."""
    base = f"{day.isoformat()}-{slugify(title) or BY_FOLDER[kind].singular}"
    candidate, number = base, 1
    while _taken(folder, candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _taken(folder: Path, item_id: str) -> bool:
    return any((folder / f"{item_id}{suffix}").exists() for suffix in (".yaml", ".yml"))


def _check_id(item_id: str) -> str:
    if not SLUG_RE.fullmatch(item_id):
        raise UsageProblem(f"--id: {item_id!r} is not a valid id; {SLUG_HINT}")
    return item_id


# -- finding items and checking options ------------------------------------------------------


def find_item(session: Session, ref: str, kinds: Sequence[str] = FOLDERS) -> tuple[str, Any]:
    """Return ``(kind, item)`` named by ``ref``: an id, ``kind/id``, or the path of its file.

    The id without its date works too when only one item has it (``sso-sign-in-failures``
    for ``2026-11-25-sso-sign-in-failures``).

    :raises UsageProblem: when nothing or more than one item matches.
    """
    kind_hint, item_id = _split_ref(ref)
    candidates = _items(session.content, kinds)
    found = _matching(candidates, item_id, kind_hint)
    if len(found) == 1:
        return found[0]
    what = " or ".join(BY_FOLDER[k].singular for k in kinds)
    if found:
        options = ", ".join(f"{k}/{i.id}" for k, i in found)
        raise UsageProblem(f"{ref!r} names more than one item: {options}; give the one you mean")
    others = _items(session.content, [k for k in FOLDERS if k not in kinds])
    wrong_kind = _matching(others, item_id, kind_hint)
    if wrong_kind:
        kind, item = wrong_kind[0]
        hint = f"{item.id} is {_a(BY_FOLDER[kind].singular)}; this command works on {_a(what)}"
    else:
        hint = did_you_mean(item_id, [i.id for _, i in candidates], most=3, cutoff=0.5,
                            otherwise=f"`statusgen list` shows the open items of {display_path(session.site_dir)}")
    raise UsageProblem(f"no {what} {ref!r} in {display_path(session.site_dir)}; {hint}")


def _a(noun: str) -> str:
    return f"{'an' if noun[0] in 'aeiou' else 'a'} {noun}"


def _matching(items: list[tuple[str, Any]], item_id: str, kind: str | None) -> list[tuple[str, Any]]:
    """Return the items whose id is ``item_id``, else those whose id without its date is."""
    items = [(k, i) for k, i in items if kind in (None, k)]
    exact = [(k, i) for k, i in items if i.id == item_id]
    return exact or [(k, i) for k, i in items if _DATE_PREFIX.sub("", i.id) == item_id]


def _items(content: Content, kinds: Sequence[str]) -> list[tuple[str, Any]]:
    return [(kind, item) for kind in kinds for item in content.items(kind)]


def _split_ref(ref: str) -> tuple[str | None, str]:
    """Return (kind or None, id) from ``id``, ``kind/id``, ``kind/id.yaml`` or a path to the file."""
    text = ref.strip().replace("\\", "/")
    if text.endswith((".yaml", ".yml")):
        path = Path(text)
        kind = path.parent.name if path.parent.name in FOLDERS else None
        return kind, path.stem
    if "/" in text:
        kind, _, item_id = text.rstrip("/").rpartition("/")
        kind = kind.rpartition("/")[2]
        return (kind if kind in FOLDERS else None), item_id
    return None, text


def choose(value: str, choices: Sequence[Any], option: str) -> Any:
    """Return the member of ``choices`` (enums) named ``value``.

    Case and dashes are forgiven, and so is a shortened name when only one choice starts
    with it (``major`` for ``major_outage``); the file always gets the full name.
    """
    name = value.strip().lower().replace("-", "_").replace(" ", "_")
    names = [c.value for c in choices]
    starting = [c for c in choices if c.value.startswith(name)] if name else []
    for choice in choices:
        if choice.value == name:
            return choice
    if len(starting) == 1:
        return starting[0]
    hint = did_you_mean(name, names, otherwise="one of " + ", ".join(names))
    raise UsageProblem(f"{option}: {value!r} is not valid here; {hint}")


def component_statuses(session: Session, values: Sequence[str], allowed: Sequence[ComponentStatus],
                       default: ComponentStatus | None = None) -> dict[str, ComponentStatus]:
    """Return ``--component id=status`` options as a mapping; ids must be components of the site.

    Several may be given in one option, separated by commas. ``default`` is the status of an
    id given without ``=status``; without a default the status is required.
    """
    result: dict[str, ComponentStatus] = {}
    for value in _split_commas(values):
        cid, sep, status_text = value.partition("=")
        cid = _known_component(session, cid.strip())
        if sep:
            result[cid] = choose(status_text, allowed, f"--component {cid}")
        elif default is not None:
            result[cid] = default
        else:
            raise UsageProblem(f"--component {cid}: give its status too, e.g. {cid}=partial_outage; one of "
                               + ", ".join(s.value for s in allowed))
    return result


def component_ids(session: Session, values: Sequence[str]) -> list[str]:
    """Return ``--component id`` options as a list of known component ids, without repeats."""
    ids: list[str] = []
    for value in _split_commas(values):
        if "=" in value:
            raise UsageProblem(f"--component {value}: a commitment lists components without a status")
        cid = _known_component(session, value.strip())
        if cid not in ids:
            ids.append(cid)
    return ids


def _split_commas(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _known_component(session: Session, cid: str) -> str:
    known = [c.id for c in session.content.site.components]
    if cid in known:
        return cid
    hint = did_you_mean(cid, known, otherwise="components in site.yaml: " + ", ".join(known))
    raise UsageProblem(f"--component: unknown component {cid!r}; {hint}")


def duration(text: str, option: str) -> dt.timedelta:
    try:
        return timeutil.parse_duration(text)
    except timeutil.TimeFormatError as exc:
        raise UsageProblem(f"{option}: {exc.message}; {exc.hint}") from None


def not_for(kind: str, **options: Any) -> None:
    """Refuse options that a kind of item does not have."""
    given = [name for name, value in options.items() if value not in (None, (), [], False)]
    if given:
        names = ", ".join("--" + name.replace("_", "-") for name in given)
        raise UsageProblem(f"{names}: not available for {kind}")


# -- writing ---------------------------------------------------------------------------------


def commit(session: Session, rel: str, text: str, body: Body | None, *, create: bool,
           original: bytes | None = None) -> Content:
    """Validate the site with ``text`` as ``rel``, then write it atomically; return the new content.

    :param create: the file must not exist yet (it is never overwritten).
    :param original: the bytes the edit started from; the file must still hold them.
    :raises ContentError: when the site would be invalid (nothing is written).
    """
    path = session.site_dir / rel
    try:
        content = load_site(session.site_dir, {rel: text}, cache=session.cache)
        data = _encode(text, original)
        if original is not None and path.read_bytes() != original:
            raise Refused(f"{display_path(path)} changed while statusgen was working on it; nothing was "
                          "written. Run the command again.")
        write_atomic(path, data, create=create)
    except FileExistsError:
        raise  # a new file's id was taken meanwhile: the caller picks another
    except OSError as exc:
        _keep_draft(body)
        raise StatusgenError(f"cannot write {display_path(path)}: {exc.strerror or exc}; nothing was "
                             "changed") from exc
    except StatusgenError:
        _keep_draft(body)
        raise
    return content


def _keep_draft(body: Body | None) -> None:
    """Save text typed in the editor when the command fails after all, so it is not lost."""
    if body is not None and body.edited:
        log.warning("your text is not lost: it is saved in %s", editor.save_draft(body.text))


def _encode(text: str, original: bytes | None) -> bytes:
    """Return ``text`` as UTF-8, with a byte order mark when the original file had one."""
    data = text.encode("utf-8")
    if original is not None and original.startswith(b"\xef\xbb\xbf"):
        data = b"\xef\xbb\xbf" + data
    return data


def append_update(session: Session, kind: str, item_id: str, pairs: Pairs,
                  body: Body | None) -> tuple[Path, Content]:
    """Append the update ``pairs`` to the item's file; return its path and the new content."""
    return edit_item(session, kind, item_id, lambda text: append_item(text, "updates", pairs), body)


def edit_item(session: Session, kind: str, item_id: str, change: Callable[[str], str],
              body: Body | None) -> tuple[Path, Content]:
    """Write the item's file as ``change`` makes it from its text; return its path and the new content."""
    rel = f"{kind}/{item_id}.yaml"
    path = session.site_dir / rel
    original = path.read_bytes()
    loaded = session.cache.get((kind, f"{item_id}.yaml"))
    if loaded is not None and loaded.digest != digest(original):
        # Changed since the command read it (while the editor was open): what it computed is stale.
        _keep_draft(body)
        raise Refused(f"{display_path(path)} changed while statusgen was working on it; nothing was written. "
                      "Run the command again.")
    text = original.decode("utf-8-sig")
    content = commit(session, rel, change(text), body, create=False, original=original)
    return path, content


def free_id(session: Session, kind: str, item_id: str | None) -> str | None:
    """Check an id given with --id before anything else happens: valid, and not taken."""
    if item_id is None:
        return None
    chosen = _check_id(item_id.strip())
    if _taken(session.site_dir / kind, chosen):
        shown = display_path(session.site_dir / kind / f"{chosen}.yaml")
        raise Refused(f"{shown} already exists; statusgen never overwrites a file. Choose another --id, or "
                      "leave --id out to get a free one.")
    return chosen


def create_item(session: Session, kind: str, item_id: str | None, day: dt.date, title: str, text: str,
                body: Body) -> tuple[Path, str, Content]:
    """Create a file of ``kind`` holding ``text``, named ``item_id`` or a new id for ``day`` and ``title``.

    Return its path, its id and the content with it.
    """
    folder = session.site_dir / kind
    for _ in range(100):
        chosen = item_id if item_id is not None else new_id(folder, day, title, kind)
        rel = f"{kind}/{chosen}.yaml"
        try:
            content = commit(session, rel, text, body, create=True)
        except FileExistsError:
            if item_id is not None:
                _keep_draft(body)
                raise Refused(f"{display_path(session.site_dir / rel)} was created meanwhile; statusgen "
                              "never overwrites a file.") from None
            continue  # someone took this id a moment ago: take the next one
        return session.site_dir / rel, chosen, content
    raise Refused("could not find a free id")  # pragma: no cover - 100 files created meanwhile
