"""The site's look from site.yaml: its theme folder, logo and accent colours, checked like content.

Every problem is pinned to its line in site.yaml: a theme folder or logo that does not exist,
a logo that is not an image browsers show, and an accent colour below 4.5:1 contrast on any
background of the theme (the hint proposes the nearest shade that passes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Severity, display_path
from . import colors
from .logo import LogoProblem, check_logo
from .model import Colors
from .validation import Context, Record

#: The theme's own folders; a theme folder with none of them overrides nothing.
THEME_PARTS = ("templates", "static", "messages")


@dataclass(frozen=True, slots=True)
class Appearance:
    theme: Path | None = None
    logo: Path | None = None
    logo_dark: Path | None = None
    colors: Colors | None = None


def read_appearance(root: Path, rec: Record, ctx: Context) -> Appearance:
    """Return the theme folder, logo and colours of the site.yaml record ``rec``; report what is wrong."""
    logo, logo_dark = _logo(root, rec, ctx, "logo"), _logo(root, rec, ctx, "logo_dark")
    if logo_dark and not rec.get("logo"):
        ctx.report(_value_node(rec, "logo_dark"), "`logo_dark` is given without `logo`",
                   "add `logo:` for the light colour scheme")
    return Appearance(_theme(root, rec, ctx), logo, logo_dark, _colors(rec, ctx))


def _theme(root: Path, rec: Record, ctx: Context) -> Path | None:
    name: str | None = rec.get("theme")
    if not name:
        return None
    try:
        folder = (root / name).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        ctx.report(_value_node(rec, "theme"), f"the theme folder {name!r} cannot be resolved (a symlink loop?)",
                   "make it a plain folder beside site.yaml")
        return None
    if not folder.is_relative_to(root.resolve()):
        ctx.report(_value_node(rec, "theme"), f"the theme folder {name!r} is outside the site folder",
                   "keep the theme in a folder beside site.yaml (theme: theme): nothing outside the site is "
                   "published")
        return None
    if not folder.is_dir():
        ctx.report(_value_node(rec, "theme"),
                   f"the theme folder {name!r} does not exist",
                   f"looked for {display_path(folder)}; the path is relative to the folder of site.yaml")
        return None
    if not any((folder / part).is_dir() for part in THEME_PARTS):
        ctx.report(_value_node(rec, "theme"), f"the theme folder {name!r} has no templates/, static/ or messages/ "
                   "folder, so it changes nothing", "see docs/theming.md",
                   severity=Severity.WARNING)
    return folder


def _logo(root: Path, rec: Record, ctx: Context, key: str) -> Path | None:
    name: str | None = rec.get(key)
    if not name:
        return None
    try:
        return check_logo(root, name)
    except LogoProblem as problem:
        ctx.report(_value_node(rec, key), problem.message, problem.hint)
        return None


def _colors(rec: Record, ctx: Context) -> Colors | None:
    given = rec.get("colors")
    if not isinstance(given, Record):
        return None
    ok = True
    for key in ("accent", "accent_dark"):
        # `accent_dark: #123456` unquoted is an empty value followed by a comment.
        if key in given.keys and given.values.get(key) is None and key != "accent":
            ctx.report(given.key_node(key), f"{key!r} has no value",
                       'write the colour in quotes, e.g. "#0b5cd5": unquoted, # starts a comment in YAML')
            ok = False
    accent = given.get("accent")
    if not accent or not given.ok or not ok:
        return None
    dark = given.get("accent_dark") or accent
    for key, value, backgrounds, scheme in (
        ("accent", accent, colors.LIGHT_BACKGROUNDS, "light"),
        ("accent_dark" if given.has("accent_dark") else "accent", dark, colors.DARK_BACKGROUNDS, "dark"),
    ):
        ratio, background = colors.worst_contrast(value, backgrounds)
        if ratio >= colors.MINIMUM:
            continue
        better = colors.nearest_passing(value, backgrounds)
        if key == "accent" and scheme == "dark":
            hint = "set `accent_dark` to a lighter colour for the dark scheme"
        else:
            hint = "choose a " + ("darker" if scheme == "light" else "lighter") + " colour"
        if better:
            hint += f', e.g. "{better}" (the nearest shade of {value} that passes)'
        # Rounded down: a ratio of 4.46 must not read as 4.5.
        shown = math.floor(ratio * 100) / 100
        ctx.report(_value_node(rec["colors"], key), f"the {key.replace('_', ' ')} colour {value} has a contrast of "
                   f"{shown:.2f}:1 on {background}, one of the theme's {scheme} backgrounds; links need 4.5:1", hint)
        ok = False
    return Colors(accent, dark) if ok else None


def _value_node(rec: Record, key: str) -> yaml.Node:
    """Return the YAML node of ``key``'s value, for a message that points at the value."""
    for key_node, value_node in rec.node.value:
        if key_node is rec.key_node(key):
            found: yaml.Node = value_node
            return found
    return rec.key_node(key)
