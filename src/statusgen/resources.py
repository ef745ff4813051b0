"""Files that ship inside the package: the default theme, its languages and the new-site skeleton.

Kept apart from the code that uses them, so that validating site.yaml (``language:`` must name
a catalog of the default theme) needs nothing from the output side.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent

#: The files ``statusgen init`` lays out (site.yaml, examples, workflows).
SKELETON = _HERE / "authoring" / "skeleton"


def default_theme_dir() -> Path:
    """Return the bundled default theme: inside the installed package, else the source checkout."""
    packaged = _HERE / "themes" / "default"
    if packaged.is_dir():
        return packaged
    # Editable installs and source checkouts: themes/ sits at the top of the repository.
    return _HERE.resolve().parents[1] / "themes" / "default"


def catalog_languages(theme_dir: Path) -> list[str]:
    """Return the languages a theme folder has message catalogs for, sorted."""
    folder = theme_dir / "messages"
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if not p.name.startswith("."))


@cache
def shipped_languages() -> tuple[str, ...]:
    """Return the languages of the default theme: the values ``language`` may take in site.yaml."""
    return tuple(catalog_languages(default_theme_dir()))
