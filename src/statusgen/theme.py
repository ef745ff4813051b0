"""Theme folder -> Jinja environment (autoescape, strict undefined, filters) and static assets."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import markup, timeutil
from .model import Due


def default_theme_dir() -> Path:
    """Return the bundled default theme: inside the installed package, else the source checkout."""
    packaged = Path(__file__).parent / "themes" / "default"
    if packaged.is_dir():
        return packaged
    # Editable installs and source checkouts: themes/ sits at the top of the repository.
    return Path(__file__).resolve().parents[2] / "themes" / "default"


class Theme:
    """An ordered list of theme folders; the first folder that has a file wins."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    @classmethod
    def default(cls) -> Theme:
        return cls([default_theme_dir()])

    def environment(self, tz: dt.tzinfo) -> jinja2.Environment:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d / "templates") for d in self.dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(
            md=markup.render,
            time=lambda value, fmt=TIME_FORMAT: format_time(value, tz, fmt),
            # Plain-text variants, for attributes and <title>: no <time> element.
            time_text=lambda value, fmt=TIME_FORMAT: _strftime(value.astimezone(tz), fmt),
            date_text=lambda value, fmt=DATE_FORMAT: _strftime(value, fmt),
            date=format_date,
            day=functools.partial(local_date, tz=tz),
            due=functools.partial(format_due, tz=tz),
            duration=timeutil.humanize_duration,
            percent=format_percent,
            iso=lambda value: value.isoformat(),
        )
        return env

    def assets(self) -> Iterator[tuple[str, Path]]:
        """Yield (output path, file) for every static file, first folder winning, sorted."""
        found: dict[str, Path] = {}
        for folder in self.dirs:
            static = folder / "static"
            if not static.is_dir():
                continue
            for path in static.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    rel = "static/" + path.relative_to(static).as_posix()
                    found.setdefault(rel, path)
        yield from sorted(found.items())


def relative_url(target: str, current: str) -> str:
    """Return a link from the page at ``current`` to ``target`` (both site-relative paths).

    The link climbs to the site root and goes down again (``../../incidents/x/index.html``):
    one string concatenation per link, the same from every page of a folder. Folder paths
    link to their ``index.html``, so the built site works from a web server, a subfolder and
    straight from disk alike.
    """
    path, hash_, fragment = target.partition("#")
    if path == "" or path.endswith("/"):
        path += "index.html"
    return "../" * current.count("/") + path + hash_ + fragment


TIME_FORMAT = "%d %b %Y, %H:%M %Z"
DATE_FORMAT = "%d %b %Y"


def _strftime(value: dt.date, fmt: str) -> str:
    # %d without its leading zero ("5 Nov"), portably: %-d is not on every platform.
    return value.strftime(fmt.replace("%d", str(value.day)))


def format_time(value: dt.datetime, tz: dt.tzinfo, fmt: str = TIME_FORMAT) -> Markup:
    """Return a ``<time>`` element showing ``value`` in the site's zone, machine-readable in UTC."""
    local = value.astimezone(tz)
    text = _strftime(local, fmt)
    return Markup('<time datetime="{}">{}</time>').format(value.astimezone(timeutil.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"), text)


def local_date(value: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return value.astimezone(tz).date()


def format_date(value: dt.date, fmt: str = DATE_FORMAT) -> Markup:
    return Markup('<time datetime="{}">{}</time>').format(value.isoformat(), _strftime(value, fmt))


def format_due(value: Due, tz: dt.tzinfo) -> Markup:
    if value.is_date:
        assert isinstance(value.value, dt.date)
        return format_date(value.value)
    return format_time(value.deadline, tz)


def format_percent(value: float) -> str:
    """Return an uptime share for display: 100% only when it really is 100%."""
    percent = value * 100
    if percent >= 100:
        return "100%"
    return f"{min(percent, 99.99):.2f}%"
