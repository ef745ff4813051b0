"""(status view, theme) -> every page of the site as ``{relative path: bytes}``. Never writes."""

from __future__ import annotations

import logging
import multiprocessing as mp
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2

from .. import __version__
from ..errors import StatusgenError
from ..view import StatusView
from .theme import Theme, relative_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Page:
    """Where a page lives. ``path`` is its folder (``incidents/x/``) or file (``404.html``)."""

    path: str
    title: str
    template: str
    # The 404 page is served in place of any missing URL, so its links cannot be relative.
    absolute_links: bool = False

    @property
    def output(self) -> str:
        return self.path + "index.html" if self.path == "" or self.path.endswith("/") else self.path


@jinja2.pass_context
def _url(ctx: jinja2.runtime.Context, target: str) -> str:
    page: Page = ctx["page"]
    if page.absolute_links:
        return ctx["base_path"] + target
    return relative_url(target, page.path)


@jinja2.pass_context
def _absolute(ctx: jinja2.runtime.Context, target: str) -> str:
    return ctx["site"].base_url + target


def pages(view: StatusView) -> Iterator[tuple[Page, dict[str, Any]]]:
    """Yield every page with the variables its template needs, in a fixed order."""
    last = _last  # once: another thread (another preview, in tests) may replace it
    if last is not None and last[0] is view:  # made by a PageIndex
        return iter(last[1])
    return _pages(view, item_page)


#: The pages that show one item each: per list of the view, the template and its variable.
ITEM_PAGES: dict[str, tuple[str, str]] = {
    "incidents": ("incident.html", "incident"),
    "maintenance": ("maintenance.html", "maintenance"),
    "commitments": ("commitment.html", "commitment"),
}


def item_page(kind: str, item: Any) -> tuple[Page, dict[str, Any]]:
    """Return the page of one incident, maintenance or commitment (``kind`` as in :data:`ITEM_PAGES`)."""
    template, variable = ITEM_PAGES[kind]
    return Page(item.path, item.title, template), {variable: item}


def _pages(view: StatusView, item: Callable[[str, Any], tuple[Page, dict[str, Any]]]
           ) -> Iterator[tuple[Page, dict[str, Any]]]:
    yield Page("", view.site.title, "index.html"), {}
    for incident in view.incidents:
        yield item("incidents", incident)
    for maintenance in view.maintenance:
        yield item("maintenance", maintenance)
    for component in view.components.values():
        yield Page(component.path, component.name, "component.html"), {"component": component}
    yield Page("commitments/", "Commitments", "commitments.html"), {}
    for commitment in view.commitments:
        yield item("commitments", commitment)
    yield Page("history/", "History", "history.html"), {}
    yield Page("expect/", "What to expect", "expect.html"), {}
    for month in view.months:
        title = month.first_day.strftime("%B %Y")
        yield Page(month.path, title, "month.html"), {"month": month}
    yield Page("404.html", "Page not found", "404.html", absolute_links=True), {}


_last: tuple[StatusView, list[tuple[Page, dict[str, Any]]]] | None = None


class PageIndex:
    """The pages of a site, kept from one view of it to the next (``statusgen serve``).

    An item's page (and its variables) is made again only when the item's view is another
    object, so a page whose pair is the same object shows the same item. :meth:`update` gives
    what :func:`pages` yields, and makes :func:`pages` give it too for that view.
    """

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[Any, tuple[Page, dict[str, Any]]]] = {}

    def update(self, view: StatusView) -> list[tuple[Page, dict[str, Any]]]:
        global _last
        made: dict[tuple[str, str], tuple[Any, tuple[Page, dict[str, Any]]]] = {}
        known = self._items

        def item(kind: str, view_of_item: Any) -> tuple[Page, dict[str, Any]]:
            key = (kind, view_of_item.id)
            entry = known.get(key)
            if entry is None or entry[0] is not view_of_item:
                entry = (view_of_item, item_page(kind, view_of_item))
            made[key] = entry
            return entry[1]

        found = list(_pages(view, item))
        self._items = made
        _last = (view, found)
        return found


#: Below this many pages, starting worker processes costs more than it saves.
PARALLEL_MIN_PAGES = 400
_CHUNK = 250


def render_site(view: StatusView, theme: Theme, *, jobs: int = 1) -> dict[str, bytes]:
    """Render every page of ``view``; return ``{output path: bytes}`` in page order.

    :param jobs: worker processes to render with. Pages are independent, so big sites
        render in parallel (on platforms that can fork); the output is the same bytes.
    """
    renderer = _Renderer(view, theme)
    todo = list(pages(view))
    if jobs <= 1 or len(todo) < PARALLEL_MIN_PAGES or "fork" not in mp.get_all_start_methods():
        return dict(renderer.render(todo))
    global _WORK
    _WORK = (renderer, todo)  # inherited by the forked workers: nothing big is pickled to them
    try:
        chunks = range(0, len(todo), _CHUNK)
        with mp.get_context("fork").Pool(jobs) as pool:
            out: dict[str, bytes] = {}
            for rendered in pool.imap(_render_chunk, chunks):
                out.update(rendered)
            return out
    finally:
        _WORK = None


_WORK: tuple[_Renderer, list[tuple[Page, dict[str, Any]]]] | None = None


def _render_chunk(start: int) -> list[tuple[str, bytes]]:
    assert _WORK is not None
    renderer, todo = _WORK
    return renderer.render(todo[start:start + _CHUNK])


class _Renderer:
    """A Jinja environment set up for one view, with its templates compiled once."""

    def __init__(self, view: StatusView, theme: Theme) -> None:
        env = theme.environment(view.site.timezone, view.site.language)
        env.globals.update(
            url=_url,
            absolute=_absolute,
            site=view.site,
            view=view,
            now=view.now,
            base_path=urlsplit(view.site.base_url).path or "/",
            generator=f"statusgen {__version__}",
            figures=view.responsiveness,
        )
        self.env = env
        self.templates: dict[str, jinja2.Template] = {}

    def bind(self, view: StatusView) -> None:
        """Render the pages of ``view`` from now on: a later view of the same site, templates kept compiled."""
        self.env.globals.update(view=view, now=view.now, figures=view.responsiveness)

    def render(self, todo: list[tuple[Page, dict[str, Any]]]) -> list[tuple[str, bytes]]:
        out = []
        for page, variables in todo:
            try:
                template = self.templates.get(page.template)
                if template is None:
                    template = self.templates[page.template] = self.env.get_template(page.template)
                out.append((page.output, template.render(page=page, **variables).encode("utf-8")))
            except jinja2.TemplateError as exc:
                raise ThemeError.from_jinja(exc, page) from exc
        return out


#: A renderer kept from one rebuild to the next by ``statusgen serve`` (see :meth:`_Renderer.bind`).
Renderer = _Renderer


class ThemeError(StatusgenError):
    """A template is missing or broken; names the template, line and page."""

    @classmethod
    def from_jinja(cls, exc: jinja2.TemplateError, page: Page) -> ThemeError:
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
        else:
            message = exc.message or type(exc).__name__
        return cls(f"{where}theme error while rendering {page.output}: {message}")
