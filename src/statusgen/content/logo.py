"""Logos: a raster image, or an SVG drawing that cannot run a script or load anything.

A logo is published as ``static/logo.<ext>``, on the site's own origin: shown in an ``<img>``
an SVG cannot run scripts, but opened on its own it can, and it can load other files. So an
SVG logo is read as XML and refused when it holds anything beyond a drawing: a script, an
event handler, an embedded document, a link or a style that reaches outside the file, a
DOCTYPE or entity. PNG, JPEG, GIF and WebP files must be what their name says.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import display_path
from ..fsutil import RefusedFile, read_regular
from .limits import FILE_LIMIT

#: Image types every browser shows in an <img>, and how each file starts.
RASTER_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                ".webp": (b"RIFF",), ".gif": (b"GIF87a", b"GIF89a")}
LOGO_TYPES = (".svg", *RASTER_MAGIC)
#: Elements that run code, embed documents or change other attributes over time.
_FORBIDDEN_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set",
                       "animate", "animatemotion", "animatetransform", "animatecolor", "discard", "include"}
_LOCAL_REFERENCE = re.compile(r"\s*#")
_DATA_IMAGE = re.compile(r"\s*data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^)'\"\s]*)", re.I)
_DANGEROUS_TEXT = re.compile(r"javascript:|vbscript:|@import|expression\s*\(|<!doctype|<!entity|<\?xml-stylesheet",
                             re.I)


class LogoProblem(Exception):
    """Why a logo is refused; the hint says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def check_logo(root: Path, name: str) -> Path:
    """Return the logo file ``name`` (relative to the site folder ``root``), checked; raise :class:`LogoProblem`.

    The file must be inside the site folder (not through a symlink leading out), an image type
    browsers show, and safe to publish (see the module's documentation).
    """
    path = root / name
    suffix = path.suffix.lower()
    if suffix not in LOGO_TYPES:
        raise LogoProblem(f"the logo {name!r} is not an image type browsers show",
                          "use a file ending in " + ", ".join(LOGO_TYPES))
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise LogoProblem(f"the logo {name!r} is outside the site folder",
                          "copy the logo into the site folder (beside site.yaml) and name it from there")
    try:
        data = read_regular(path, within=root, limit=FILE_LIMIT, folder="the site folder")
    except FileNotFoundError:
        raise LogoProblem(f"the logo file {name!r} does not exist", f"looked for {display_path(path)}; the path "
                          "is relative to the folder of site.yaml") from None
    except RefusedFile as exc:
        raise LogoProblem(f"the logo {name!r} is not read: {exc.reason}", exc.hint) from None
    except OSError as exc:
        raise LogoProblem(f"the logo {name!r} cannot be read: {exc.strerror}", "check the file") from None
    if suffix == ".svg":
        found = svg_problem(data)
        if found is not None:
            raise LogoProblem(f"the SVG logo {name!r} {found}",
                              "export the logo as a plain drawing (paths, shapes, text, gradients), or as a PNG")
    elif not data.startswith(RASTER_MAGIC[suffix]) or (suffix == ".webp" and data[8:12] != b"WEBP"):
        raise LogoProblem(f"the logo {name!r} is not a {suffix[1:].upper()} image",
                          "save it in the format its name says, or rename it")
    return path.resolve()


def svg_problem(data: bytes) -> str | None:
    """Return what makes the SVG ``data`` unsafe to publish ("holds a <script>"), or None when it is a drawing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    bad = _DANGEROUS_TEXT.search(text)
    if bad is not None:
        return f"holds {bad.group().lower()!r}"
    try:
        root = ET.fromstring(text)  # no DTD (refused above), so no entities to expand
    except ET.ParseError as exc:
        return f"is not well-formed XML ({exc})"
    if _local(root.tag) != "svg":
        return "is not an SVG drawing (its root element is not <svg>)"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = _local(element.tag).lower()
        if tag in _FORBIDDEN_ELEMENTS or element.tag.startswith("{http://www.w3.org/2001/XInclude}"):
            return f"holds a <{_local(element.tag)}> element"
        if tag == "style" and element.text and _external_url(element.text):
            return "has a style that loads another file"
        for attribute, value in element.attrib.items():
            name = _local(attribute).lower()
            if name.startswith("on"):
                return f"has an event handler ({_local(attribute)}=)"
            if name == "href" and not (_LOCAL_REFERENCE.match(value) or _DATA_IMAGE.match(value)):
                return f"links to another file ({_local(attribute)}={value[:60]!r})"
            if _external_url(value):
                return f"loads another file ({_local(attribute)}={value[:60]!r})"
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _external_url(css: str) -> bool:
    """Return whether CSS text has a ``url(...)`` that is not a reference into the same file."""
    return any(not target.startswith("#") for target in _URL.findall(css))
