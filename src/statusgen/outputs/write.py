"""Write a rendered site to disk: every path checked, everything or nothing.

The whole tree is written to a temporary folder beside the output folder and swapped in
only when complete, so readers and the previous build never see half a site.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Container, Iterable, Iterator, Mapping
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
    is an error, not a silent overwrite. Builds into one output folder take turns (see
    :func:`output_lock`), and each removes what killed builds left beside it.

    :raises OutputError: when the output cannot be written (nothing changed then).
    """
    try:
        _check_replaceable(out, site_dir)
        refuse_clashes(assets, files)
        out.absolute().parent.mkdir(parents=True, exist_ok=True)
        with output_lock(out):
            remove_stale_staging(out)
            with fsutil.staging_folder(out, ".tmp") as tmp:
                # First of all: the marker says this folder is ours, should the build be killed now.
                (tmp / MARKER).write_bytes(_MARKER_TEXT)
                try:
                    fsutil.write_files(tmp, files)
                except ValueError as exc:
                    check_path(tmp, str(exc))  # says which path, as an OutputError
                    raise
                for rel in sorted(assets):
                    target = check_path(tmp, rel)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    fsutil.copy_regular(assets[rel], target)
                _swap(tmp, out)
    except (OSError, RuntimeError, fsutil.RefusedFile) as exc:  # a full disk, a read-only folder, a file in the way
        raise OutputError(f"cannot write {display_path(out)}: {_reason(exc)}; the previous output is "
                          "unchanged") from None
    return len(files) + len(assets)


def _reason(exc: OSError | RuntimeError | fsutil.RefusedFile) -> str:
    if isinstance(exc, fsutil.RefusedFile):  # pragma: no cover - assets are checked when listed
        return exc.reason
    if isinstance(exc, FileExistsError | NotADirectoryError) and exc.filename:
        return f"{display_path(Path(os.fsdecode(exc.filename)))} is not a folder"
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({display_path(Path(os.fsdecode(exc.filename)))})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return str(exc)


@contextlib.contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Let one build at a time write into ``out``: a lock on the folder that holds it, for the whole write.

    A second build waits, saying so; both then write complete sites, one after the other.
    """
    parent = out.absolute().parent

    def waiting() -> None:
        log.info("Waiting for another statusgen build writing into %s to finish...", display_path(out))

    try:
        with fsutil.folder_lock(parent, waiting=waiting):
            yield
    except fsutil.LockTimeout:
        raise OutputError(f"another statusgen build has been writing into {display_path(out)} for ten minutes; "
                          "is it stuck? Stop it, or build into another folder with -o") from None


def remove_stale_staging(out: Path) -> list[str]:
    """Remove what killed builds left beside ``out``; return the names removed.

    Only with the output lock held (:func:`output_lock`), when no other build can be writing, and
    only what is provably ours: a folder (not a symlink) named like our staging folders
    (``.public.<8 characters>.tmp`` or ``.old``) that is empty or holds our marker file.
    """
    parent = out.absolute().parent
    pattern = re.compile(rf"\.{re.escape(out.name)}\.[a-z0-9_]{{8}}\.(?:tmp|old)")
    removed = []
    for name in sorted(os.listdir(parent)):
        path = parent / name
        if not pattern.fullmatch(name) or path.is_symlink() or not path.is_dir():
            continue
        if (path / MARKER).is_file() or not any(path.iterdir()):
            shutil.rmtree(path)
            removed.append(name)
    if removed:
        log.debug("removed what an interrupted build left: %s", ", ".join(removed))
    return removed


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
