"""Theme folders -> Jinja environment (search path, ``default/`` prefix, messages, filters) and static assets.

A theme is an ordered list of folders, most specific first: the site's own ``theme:`` folder,
then the bundled default theme. Each may hold ``templates/``, ``static/`` and ``messages/``;
for every file the first folder that has it wins (MkDocs' ``custom_dir``). Templates can also
be named ``default/<name>``, which always means the bundled one, so an override can extend
the very template it replaces and change single blocks (Pelican's ``!theme`` prefix).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import logging
import os
import re
import stat
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .. import timeutil
from ..content.limits import FILE_LIMIT
from ..content.model import Due
from ..errors import StatusgenError, display_path
from ..fsutil import RefusedFile, read_regular
from ..resources import default_theme_dir
from ..view import ItemLink
from . import markup
from .assets import StaticFiles
from .i18n import CatalogError, Messages, fill

if TYPE_CHECKING:
    from ..content.model import Site

__all__ = ["Theme", "ThemeError", "ThemeLoader", "relative_url"]

log = logging.getLogger(__name__)

#: The prefix that names a template of the bundled default theme.
DEFAULT_PREFIX = "default/"
#: A site theme's stylesheet, linked after the default one when present.
CUSTOM_CSS = "static/custom.css"
#: The largest template read, in bytes.
TEMPLATE_LIMIT = FILE_LIMIT
#: The largest static file (or logo) published, in bytes: fonts and images fit, a runaway file does not.
STATIC_LIMIT = 64 << 20


class Theme:
    """An ordered list of theme folders; the first folder that has a file wins."""

    def __init__(self, dirs: list[Path], *, logo: Path | None = None, logo_dark: Path | None = None) -> None:
        self.dirs = dirs
        #: The site's logo files (light and dark scheme), copied to ``static/logo.<ext>``, ``static/logo-dark.<ext>``.
        self.logos = {name: path for name, path in (("logo", logo), ("logo-dark", logo_dark)) if path}

    @classmethod
    def default(cls) -> Theme:
        return cls([default_theme_dir()])

    @classmethod
    def for_site(cls, site: Site) -> Theme:
        """Return the theme a site asks for: its ``theme:`` folder (if any) over the default theme."""
        dirs = [site.theme] if site.theme else []
        return cls([*dirs, default_theme_dir()], logo=site.logo, logo_dark=site.logo_dark)

    def _logo_outputs(self) -> dict[str, Path]:
        """Return ``{output path: file}`` for the logos: ``static/logo.svg``, ``static/logo-dark.svg``."""
        return {_logo_path(name, path): path for name, path in self.logos.items()}

    def _logo_output(self, name: str) -> str | None:
        path = self.logos.get(name)
        return _logo_path(name, path) if path else None

    def messages(self, language: str) -> Messages:
        return Messages.load(self.dirs, language)

    def environment(self, tz: dt.tzinfo, language: str = "en") -> jinja2.Environment:
        """Return the Jinja environment for pages shown in zone ``tz`` and in ``language``.

        :raises CatalogError: when a catalog of the language cannot be read.
        """
        # The site's own templates run in Jinja's sandbox: no attribute starting with _, no unsafe
        # callable, so a template cannot reach os.popen through a global's __globals__. One
        # environment for every template (the default ones a site template extends, includes
        # or imports macros from are compiled in it too), so nothing the site writes ever runs
        # outside the sandbox. The bundled default theme alone is trusted and runs unsandboxed.
        environment_class = Sandbox if self.has_own_templates() else jinja2.Environment
        env = environment_class(
            loader=ThemeLoader([d / "templates" for d in self.dirs], default_theme_dir() / "templates"),
            autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        messages = self.messages(language)
        when = _in_template(functools.partial(_when, messages=messages, tz=tz))
        env.filters.update(
            md=markup.render,
            # <time> elements, machine-readable in UTC (times) or ISO dates; styles in i18n.DATE_STYLES.
            time=lambda value, style="datetime": _time_element(value, when(value, style)),
            date=lambda value, style="date": _time_element(value, when(value, style)),
            # Plain-text variants, for attributes and <title>: no <time> element.
            time_text=lambda value, style="datetime": when(value, style),
            date_text=lambda value, style="date": when(value, style),
            day=functools.partial(local_date, tz=tz),
            due=lambda value: _due(value, when),
            duration=_in_template(messages.format_duration),
            minutes=_in_template(messages.format_duration),
            percent=_in_template(messages.format_percent),
            label=_in_template(functools.partial(label, messages)),
            iso=lambda value: value.isoformat(),
            source_titles=source_titles,
        )
        env.globals.update(
            _=_gettext(messages),
            language=language,
            script_messages=_script_json(messages),
            # Output paths of the logo and its dark variant (or None), for <img> and <picture>.
            logo=self._logo_output("logo"),
            logo_dark=self._logo_output("logo-dark"),
            extra_css=[CUSTOM_CSS] if self._has_custom_css() else [],
        )
        return env

    def has_own_templates(self) -> bool:
        """Return whether a theme folder besides the bundled default theme has templates (run sandboxed)."""
        return any((d / "templates").is_dir() for d in self.dirs if d != default_theme_dir())

    def _has_custom_css(self) -> bool:
        # The default theme never ships custom.css: it is the site's own.
        return any((d / CUSTOM_CSS).is_file() for d in self.dirs if d != default_theme_dir())

    def assets(self) -> Iterator[tuple[str, Path]]:
        """Yield (path, file) for every static file, first folder winning, and the logo; sorted.

        The paths are the names templates use (``static/style.css``); each is published under
        a fingerprinted name (:meth:`static_files`).

        :raises ThemeError: for a symlink in a ``static/`` folder that leads out of its theme folder
            (or nowhere), and for anything there that is not a regular file or a folder: nothing
            outside the theme is ever published.
        """
        found: dict[str, Path] = self._logo_outputs()
        for folder in self.dirs:
            static = folder / "static"
            if not static.is_dir():
                continue
            for rel, path in _static_files(folder, static):
                found.setdefault(rel, path)
        yield from sorted(found.items())

    def static_files(self) -> StaticFiles:
        """Return the static files (and the logo) read, under their fingerprinted names."""
        return StaticFiles.of({path: read_static(source) for path, source in self.assets()})


def read_static(source: Path) -> bytes:
    """Return a static file's bytes (a checked regular file, see :func:`_static_files`), at most STATIC_LIMIT."""
    try:
        return read_regular(source, within=source.parent, limit=STATIC_LIMIT)
    except RefusedFile as exc:
        raise ThemeError(f"{display_path(source)}: not published: {exc.reason}") from None
    except OSError as exc:
        raise ThemeError(f"{display_path(source)}: cannot read it: {exc.strerror}") from None


def _static_files(theme: Path, static: Path) -> Iterator[tuple[str, Path]]:
    """Yield (``static/<path>``, the file to copy) for the static files of one theme folder, checked.

    Hidden names are skipped. A symlink is followed only to a regular file inside ``theme`` (and
    then the file it leads to is copied); symlinked folders are not followed.
    """
    inside = theme.resolve()
    for top, folders, files in os.walk(static):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files) + [f for f in folders if os.path.islink(os.path.join(top, f))]:
            if name.startswith("."):
                continue
            path = Path(top, name)
            rel = "static/" + path.relative_to(static).as_posix()
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                try:
                    target = Path(os.path.realpath(path, strict=True))
                except (OSError, RuntimeError):
                    raise ThemeError(f"{display_path(path)}: a symlink that leads nowhere (or in a loop); refusing "
                                     "to publish it") from None
                if not target.is_relative_to(inside):
                    raise ThemeError(f"{display_path(path)}: a symlink that leaves the theme folder; refusing to "
                                     f"publish {rel} (copy the file into the theme instead)")
                if target.is_dir():
                    log.warning("%s: a symlinked folder in the theme is not followed", display_path(path))
                    continue
                info = os.stat(target)
                path = target
            if not stat.S_ISREG(info.st_mode):
                raise ThemeError(f"{display_path(path)}: not a regular file; refusing to publish {rel}")
            yield rel, path


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, its attribute check remembered per (type of object, attribute name).

    Jinja's check (no name starting with _, nothing internal to functions, methods, types,
    frames, code or generators) depends only on the name and on what *type* the object is, so
    the same answers come from a dictionary instead of a dozen isinstance calls per ``a.b``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = bool(super().is_safe_attribute(obj, attr, value))
        return safe


class ThemeLoader(jinja2.BaseLoader):
    """Templates from ``folders`` in order; ``default/<name>`` from the default theme only.

    A missing template names every folder searched, so a typo in an override is found at once.
    A template is read only when it is a regular file inside its theme folder: a symlink out of
    the theme (to /proc/self/environ, say) or a FIFO is refused, never rendered.
    """

    def __init__(self, folders: list[Path], default: Path) -> None:
        self.folders = folders
        self.default = default
        self._search = jinja2.FileSystemLoader([str(f) for f in folders])
        self._default = jinja2.FileSystemLoader(str(default))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        if template.startswith(DEFAULT_PREFIX):
            name, looked = template[len(DEFAULT_PREFIX):], [self.default]
        else:
            name, looked = template, self.folders
        parts = jinja2.loaders.split_template_path(name)  # refuses `..`
        for folder in looked:
            path = folder.joinpath(*parts)
            if not os.path.lexists(path):
                continue
            try:
                data = read_regular(path, within=folder.parent, limit=TEMPLATE_LIMIT, folder="the theme")
            except RefusedFile as exc:
                raise ThemeError(f"{display_path(path)}: not used: {exc.reason}; {exc.hint}") from None
            except OSError as exc:
                raise ThemeError(f"{display_path(path)}: cannot read the template: {exc.strerror}") from None
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ThemeError(f"{display_path(path)}: the template is not UTF-8 text (byte {exc.start})") from None
            mtime = os.path.getmtime(path)
            return source, os.path.normpath(path), lambda path=path, mtime=mtime: _unchanged(path, mtime)
        where = ", ".join(display_path(f) for f in looked)
        raise jinja2.TemplateNotFound(template, f"{template} (looked in {where})")

    def list_templates(self) -> list[str]:
        names = set(self._search.list_templates())
        names.update(DEFAULT_PREFIX + name for name in self._default.list_templates())
        return sorted(names)


def _unchanged(path: Path, mtime: float) -> bool:
    try:
        return os.path.getmtime(path) == mtime
    except OSError:
        return False


class ThemeError(StatusgenError):
    """A theme cannot be used: a template is missing, broken or unsafe, or a theme file leaves the theme."""

    @classmethod
    def from_jinja(cls, exc: Exception, output: str) -> ThemeError:
        """Return the error of rendering ``output``, naming the template and line where it failed."""
        where = ""
        if isinstance(exc, jinja2.TemplateSyntaxError):
            where = f"{exc.filename or exc.name}:{exc.lineno}: "
        else:
            # The innermost template frame of the traceback says where rendering failed.
            for frame in reversed(traceback.extract_tb(exc.__traceback__)):
                if frame.filename.endswith((".html", ".xml", ".txt", ".svg")):
                    where = f"{frame.filename}:{frame.lineno}: "
                    break
        if isinstance(exc, jinja2.TemplateNotFound):
            message = f"template not found: {exc.message}"
        elif isinstance(exc, SecurityError):
            message = f"not allowed in a theme template: {exc.message}"
        elif isinstance(exc, jinja2.TemplateError):
            message = exc.message or type(exc).__name__
        else:  # an error of the template's own making (1/0, a range too big for the sandbox)
            message = f"{type(exc).__name__}: {exc}"
        return cls(f"{where}theme error while rendering {output}: {message}")


def _logo_path(name: str, file: Path) -> str:
    return f"static/{name}{file.suffix.lower()}"


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


def _when(value: dt.date, style: str, *, messages: Messages, tz: dt.tzinfo) -> str:
    """Return a date, or a time in the site's zone, as text in the catalog's ``style``."""
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz)
    return messages.format_date(value, style)


def _time_element(value: dt.date, text: str) -> Markup:
    """Return ``text`` in a ``<time>`` element: times machine-readable in UTC, dates as ISO dates."""
    if isinstance(value, dt.datetime):
        machine = value.astimezone(timeutil.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        machine = value.isoformat()
    return Markup('<time datetime="{}">{}</time>').format(machine, text)


def local_date(value: dt.datetime, tz: dt.tzinfo) -> dt.date:
    return value.astimezone(tz).date()


def _due(value: Due, when: Callable[[dt.date, str], str]) -> Markup:
    if value.is_date:
        assert isinstance(value.value, dt.date)
        return _time_element(value.value, when(value.value, "date"))
    return _time_element(value.deadline, when(value.deadline, "datetime"))


def label(messages: Messages, value: enum.Enum) -> str:
    """Return the label of a status, impact or state in the site's language.

    The key is ``label.<enum class in snake_case>.<value>``: ``ComponentStatus.PARTIAL_OUTAGE``
    is ``label.component_status.partial_outage``. (The JSON API keeps Statuspage's English.)
    """
    kind = re.sub(r"(?<!^)(?=[A-Z])", "_", type(value).__name__).lower()
    key = getattr(value, "key", value.value)
    return messages.text(f"label.{kind}.{key}")


def source_titles(view: Any) -> dict[str, ItemLink]:
    """Return a link to every incident and maintenance by its ``Day.sources`` name (``incidents/<id>``)."""
    links = {f"incidents/{i.id}": ItemLink(i.id, i.title, i.path) for i in view.incidents}
    links.update((f"maintenance/{m.id}", ItemLink(m.id, m.title, m.path)) for m in view.maintenance)
    return links


def _gettext(messages: Messages) -> Callable[..., Markup]:
    """Return the templates' ``_(key, **variables)``.

    As with Jinja's "new style" gettext, the message itself is trusted markup (the catalog
    belongs to the theme and may use ``<strong>``), while every variable is escaped unless it
    is markup already (a ``<time>`` element, a link built in the template).
    """

    @_in_template
    def gettext(key: str, **variables: Any) -> Markup:
        template = messages.pick(key, variables.get("n"))
        return Markup(fill(template, variables, key, convert=lambda v: str(escape(v))))

    return gettext


def _in_template(func: Callable[..., Any]) -> Callable[..., Any]:
    """Report a missing or wrong message as a template error, so the build names the template and line."""

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CatalogError as exc:
            raise jinja2.TemplateRuntimeError(exc.message) from None

    return call


def _script_json(messages: Messages) -> Markup:
    """Return the script's messages as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(messages.script_messages(), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
