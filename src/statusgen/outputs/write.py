"""Write a rendered site to disk: every path checked, everything or nothing.

The whole tree is written to a temporary folder beside the output folder and swapped in
only when complete, so readers and the previous build never see half a site.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Container, Iterable, Mapping
from pathlib import Path

from .. import fsutil
from ..errors import StatusgenError, display_path

log = logging.getLogger(__name__)

#: Marks a folder as statusgen's output, so a later build may replace it.
MARKER = ".statusgen-output"
_MARKER_TEXT = b"This folder is written by statusgen build; it is replaced on every build.\n"


class OutputError(StatusgenError):
    """The output cannot be written where asked."""


def check_path(root: Path, rel: str) -> Path:
    """Return ``root / rel``, refusing any path that could leave ``root``.

    :raises OutputError: for absolute paths, ``..``, empty parts or backslashes.
    """
    path = fsutil.inside(root, rel)
    if path is None:
        raise OutputError(f"refusing to write {rel!r}: it is not a path inside the output folder")
    return path


def refuse_clashes(new: Iterable[str], taken: Container[str], source: str = "") -> None:
    """Refuse outputs that want a path already taken: two outputs on one path are an error, never an overwrite.

    :param source: what made ``new``, for the message.
    :raises OutputError: naming every such path.
    """
    clashes = sorted(path for path in new if path in taken)
    if clashes:
        made_by = f" (from {source} and an earlier step)" if source else ""
        raise OutputError(f"two outputs want the same path: {', '.join(clashes)}{made_by}")


def _check_replaceable(out: Path, site_dir: Path | None) -> None:
    """Refuse to replace a folder that is not ours: a typo in ``-o`` must not delete someone's files."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{display_path(out)} exists and is not a folder")
    if site_dir is not None:
        resolved, site = out.resolve(), site_dir.resolve()
        if resolved == site or site.is_relative_to(resolved):
            raise OutputError(f"the output folder {display_path(out)} would contain the site itself",
                              )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise OutputError(
            f"{display_path(out)} is not empty and was not written by statusgen; refusing to replace it. "
            "Choose another folder with -o, or empty this one first."
        )


def write_site(
    files: Mapping[str, bytes], assets: Mapping[str, Path], out: Path, *, site_dir: Path | None = None
) -> int:
    """Write ``files`` and copy ``assets`` into ``out`` atomically; return the number of files.

    Paths are checked before anything is written; a collision between a page and an asset
    is an error, not a silent overwrite.
    """
    _check_replaceable(out, site_dir)
    refuse_clashes(assets, files)
    with fsutil.staging_folder(out, ".tmp") as tmp:
        try:
            fsutil.write_files(tmp, files)
        except ValueError as exc:
            check_path(tmp, str(exc))  # says which path, as an OutputError
            raise
        for rel in sorted(assets):
            target = check_path(tmp, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(assets[rel], target)
        (tmp / MARKER).write_bytes(_MARKER_TEXT)
        _swap(tmp, out)
    return len(files) + len(assets)


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out``: two renames, the old tree kept until the new one is in."""
    if not out.exists():
        os.replace(new, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=new.parent))
    os.rmdir(old)
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)
