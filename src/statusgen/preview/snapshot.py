"""What a build of the preview gives: the site in memory, what each step made visible, what was done."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..content.model import Content
from ..errors import Problem
from ..view import StatusView


@dataclass(slots=True)
class Snapshot:
    """A complete site in memory: what ``statusgen serve`` serves until the next one."""

    #: Rendered pages and generated files, by output path.
    files: dict[str, bytes]
    #: Static files of the theme (and the logo), by their fingerprinted output paths.
    assets: Mapping[str, bytes]
    content: Content
    view: StatusView


@dataclass(slots=True)
class Published:
    """One step of a build made visible: the site as it is now, and what differs from before."""

    snapshot: Snapshot
    #: Output paths whose bytes are new or different, and those that are gone.
    changed: set[str]
    removed: set[str]
    #: False after the first step of a build (the pages of the items that changed), True at the end.
    final: bool


@dataclass(slots=True)
class Rebuild:
    """What one build did."""

    snapshot: Snapshot
    #: Whether every page was rendered (the first build, or the site, theme or overall status changed).
    full: bool
    #: Output paths of the pages rendered, the changed items' own pages first.
    rendered: list[str]
    #: How many of them were the changed items' own pages, published before the others.
    first: int
    #: Output paths whose bytes are new or different, and those that are gone, over the whole build.
    changed: set[str]
    removed: set[str]
    #: False when new changes interrupted the build; the next one finishes the work.
    complete: bool
    #: Content files read and validated, and item views made (the rest came from the caches).
    parsed: int
    derived: int
    #: Warnings about the content (as `build` logs them).
    warnings: list[Problem]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())
