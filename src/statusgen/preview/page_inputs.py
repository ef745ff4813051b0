"""Which page shows what: the inputs of every page, so that a rebuild renders only the pages whose inputs changed.

``statusgen serve`` rebuilds after every save. Rendering every page of a big site takes
seconds, so it renders a page again only when something the page shows is different. What a
page shows is declared here, per template (:data:`PAGES`), as :class:`Inputs`:

- item views it shows (an incident, the incidents of a month, a commitment's incident, ...),
  compared by identity: :class:`~statusgen.view.Deriver` keeps the very same view object
  for an item that did not change, and makes a new one when it did;
- other values it shows (counts, uptime days, the ledger, the figures, neighbouring months),
  compared by value.

Besides its own inputs, every page shows what the frame (``base.html``) shows: the site, the
theme, ``now`` and :data:`SITE_WIDE` values of the view; when one of those changes, every page
is rendered again (the builder checks them once per rebuild).

The declarations describe the default theme. :func:`check_theme` reads the templates of the
theme in use and finds every ``view.<name>`` and ``figures`` they read; a page whose templates
read anything its declaration does not account for is rendered on every rebuild instead, so a
custom theme is never shown stale, only slower.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import meta, nodes

from ..view import CommitmentView, ComponentView, IncidentView, MaintenanceView, Month, StatusView

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What one page shows: item views (compared by identity) and other values (compared by value)."""

    views: tuple[Any, ...] = ()
    values: tuple[Any, ...] = ()

    def same(self, other: Inputs | None) -> bool:
        """Return whether a page with ``other`` as inputs shows the same as one with these."""
        if other is None or len(self.views) != len(other.views):
            return False
        # Identity first: unchanged items keep their view objects (tuples compare items by identity first).
        return all(a is b for a, b in zip(self.views, other.views, strict=True)) and self.values == other.values


#: The page's own inputs, from the view and the variables :func:`statusgen.render.pages` gives it.
InputsOf = Callable[[StatusView, dict[str, Any]], Inputs]


@dataclass(frozen=True, slots=True)
class PageDeps:
    """The declaration for one template: what it reads of the view, and its inputs."""

    #: Attributes of ``view`` its inputs account for ("figures" stands for the figures global).
    reads: frozenset[str]
    inputs: InputsOf
    #: For a page of one item: whether, with these variables, it shows nothing but that item,
    #: so that the same item view means the same page (rebuilds skip computing its inputs).
    own: Callable[[dict[str, Any]], bool] | None = None


#: What the frame of every page reads of the view: when one changes, every page is rendered.
SITE_WIDE = frozenset({"indicator"})


def site_wide(view: StatusView) -> tuple[Any, ...]:
    """Return the values of :data:`SITE_WIDE`, compared once per rebuild."""
    return (view.indicator,)


def _home(view: StatusView, _: dict[str, Any]) -> Inputs:
    lists = (view.open_incidents, view.running_maintenance, view.upcoming_maintenance, view.open_commitments,
             view.recent_incidents, _day_sources(view))
    return Inputs(
        tuple(v for items in lists for v in items),
        (tuple(len(items) for items in lists), _components(view.components.values()),
         tuple(g.name for g in view.groups), view.days[0], view.responsiveness),
    )


def _day_sources(view: StatusView) -> list[Any]:
    """Return the items that caused the days with issues on the uptime bars (their titles are shown)."""
    names = {source for c in view.components.values() for day in c.days for source in day.sources}
    found: dict[str, Any] = {}
    # They are in the uptime window, so near the start of the lists (newest first).
    for kind, items in (("incidents", view.incidents), ("maintenance", view.maintenance)):
        for item in items:
            if len(found) == len(names):
                break
            name = f"{kind}/{item.id}"
            if name in names:
                found[name] = item
    return [found.get(name) for name in sorted(names)]


def _components(components: Iterable[ComponentView]) -> tuple[Any, ...]:
    """Return what a list of components shows: status and uptime (days lists are kept when unchanged)."""
    return tuple((c.id, c.status, c.uptime, c.days) for c in components)


def _incident(view: StatusView, variables: dict[str, Any]) -> Inputs:
    incident: IncidentView = variables["incident"]
    # Its postmortem lists its actions (commitments) with their state and due date; its feed
    # is linked while it has one (open, and 90 days after it was resolved).
    return Inputs((incident, *incident.actions), (incident.has_feed(view.now),))


def _maintenance(_: StatusView, variables: dict[str, Any]) -> Inputs:
    maintenance: MaintenanceView = variables["maintenance"]
    return Inputs((maintenance,))


def _component(view: StatusView, variables: dict[str, Any]) -> Inputs:
    component: ComponentView = variables["component"]
    return Inputs((*component.incidents, *component.maintenance),
                  (len(component.incidents), _components([component]), view.days[0]))


def _ledger(view: StatusView, _: dict[str, Any]) -> Inputs:
    # Each row names the commitment's incident (its link is part of the commitment's view).
    return Inputs(tuple(view.commitments), (view.ledger,))


def _commitment(view: StatusView, variables: dict[str, Any]) -> Inputs:
    commitment: CommitmentView = variables["commitment"]
    next_by = commitment.next_update_by
    # The page says whether our next word on it is overdue, as of now.
    return Inputs((commitment,), (next_by is not None and view.now > next_by,))


def _history(view: StatusView, _: dict[str, Any]) -> Inputs:
    return Inputs((), tuple(
        (m.path, len(m.incidents), len(m.maintenance), sum(i.is_open for i in m.incidents)) for m in view.months))


def _expect(view: StatusView, _: dict[str, Any]) -> Inputs:
    return Inputs((), (view.responsiveness,))


def _month(_: StatusView, variables: dict[str, Any]) -> Inputs:
    month: Month = variables["month"]
    neighbours = tuple(m.path if m else None for m in (month.previous, month.next))
    return Inputs((*month.incidents, *month.maintenance), (len(month.incidents), neighbours))


def _subscribe(view: StatusView, _: dict[str, Any]) -> Inputs:
    # Each component's feeds, and each open incident's.
    return Inputs(tuple(view.open_incidents), (tuple((c.id, c.name) for c in view.components.values()),))


def _nothing(_: StatusView, __: dict[str, Any]) -> Inputs:
    return Inputs()


#: Per template of a page: what it reads of the view, and its inputs.
PAGES: dict[str, PageDeps] = {
    "index.html": PageDeps(frozenset({"open_incidents", "running_maintenance", "upcoming_maintenance",
                                      "open_commitments", "recent_incidents", "groups", "components", "days",
                                      "figures", "incidents", "maintenance"}), _home),
    "incident.html": PageDeps(frozenset({"components"}), _incident,  # component names only
                              own=lambda variables: not variables["incident"].actions
                              and variables["incident"].is_open),
    "maintenance.html": PageDeps(frozenset({"components"}), _maintenance,  # component names only
                                 own=lambda variables: True),
    "component.html": PageDeps(frozenset({"days"}), _component),
    "commitments.html": PageDeps(frozenset({"ledger", "commitments"}), _ledger),
    "commitment.html": PageDeps(frozenset(), _commitment,
                                own=lambda variables: variables["commitment"].next_update_by is None),
    "history.html": PageDeps(frozenset({"months"}), _history),
    "expect.html": PageDeps(frozenset({"figures"}), _expect),
    "month.html": PageDeps(frozenset(), _month),
    "subscribe.html": PageDeps(frozenset({"components", "open_incidents"}), _subscribe),
    "404.html": PageDeps(frozenset(), _nothing),
}


def always(_: StatusView, __: dict[str, Any]) -> Inputs:
    """Inputs that never equal any others: the page is rendered on every rebuild."""
    return Inputs((object(),))


#: Filters that take the whole view, and what they read of it.
VIEW_FILTERS = {
    # The titles of incidents and maintenance, by the names Day.sources uses.
    "source_titles": frozenset({"incidents", "maintenance"}),
}


class _Everything(str):
    """Stands for "the whole view": a template passes ``view`` somewhere it cannot be followed."""


EVERYTHING = _Everything("*")


def check_theme(env: jinja2.Environment, templates: Iterable[str]) -> dict[str, PageDeps]:
    """Return the declaration to use for each page template of the theme in ``env``.

    A template (with everything it extends, imports or includes) that reads something of the
    view its declaration in :data:`PAGES` does not account for gets one whose inputs are
    :func:`always` new instead, and a message says so once.
    """
    found: dict[str, PageDeps] = {}
    for name in templates:
        deps = PAGES.get(name)
        reads = _reads(env, name, set())
        allowed = (deps.reads if deps else frozenset()) | SITE_WIDE
        unknown = sorted(reads - allowed)
        if deps is None or unknown:
            what = "view.*" if EVERYTHING in unknown else ", ".join(
                r if r == "figures" else f"view.{r}" for r in unknown)
            log.info("the theme's %s reads %s, which the preview does not follow: its pages are rendered on "
                     "every change", name, what or "an unknown page")
            found[name] = PageDeps(frozenset(), always)
        else:
            found[name] = deps
    return found


def _reads(env: jinja2.Environment, name: str, seen: set[str]) -> set[str]:
    """Return what ``name`` and the templates it uses read of the view (:data:`EVERYTHING` when unknown)."""
    if name in seen:
        return set()
    seen.add(name)
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    reads: set[str] = set()
    for ref in tree.find_all(nodes.Name):
        if ref.name == "figures":
            reads.add("figures")
    followed = {id(n.node) for n in tree.find_all(nodes.Getattr) if isinstance(n.node, nodes.Name)}
    for attr in tree.find_all(nodes.Getattr):
        if isinstance(attr.node, nodes.Name) and attr.node.name == "view":
            reads.add(attr.attr)
    for used in tree.find_all(nodes.Filter):
        if isinstance(used.node, nodes.Name) and used.node.name == "view" and used.name in VIEW_FILTERS:
            reads |= VIEW_FILTERS[used.name]
            followed.add(id(used.node))
    for ref in tree.find_all(nodes.Name):
        if ref.name == "view" and ref.ctx == "load" and id(ref) not in followed:
            reads.add(EVERYTHING)  # `view` itself, or view["x"]: cannot tell what is read
    for other in meta.find_referenced_templates(tree):
        if other is None:
            reads.add(EVERYTHING)  # a template chosen at render time
        else:
            reads |= _reads(env, other, seen)
    return reads
