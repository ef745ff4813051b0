"""Writing files so that nothing is ever half written: one file, or a whole tree, all or nothing."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath


def write_atomic(path: Path, data: bytes, *, create: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a part.

    The data goes to a hidden temporary file in the same folder (the loader skips hidden
    files), which then replaces ``path``. With ``create``, an existing file is never replaced:
    the temporary file is hard-linked to ``path``, which fails if ``path`` exists.

    :raises FileExistsError: with ``create``, when ``path`` exists.
    """
    folder = path.parent
    made_folder = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies as usual
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if create:
            _link_new(tmp, path)
        else:
            if path.exists():  # keep the file's permissions; a new file gets the usual ones
                os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
            os.replace(tmp, path)
    except BaseException:
        if made_folder and folder.is_dir() and not any(p != tmp for p in folder.iterdir()):
            tmp.unlink(missing_ok=True)
            folder.rmdir()
        raise
    finally:
        tmp.unlink(missing_ok=True)


def _link_new(tmp: Path, path: Path) -> None:
    """Give ``tmp``'s content the name ``path`` unless ``path`` exists."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        # Some file systems have no hard links; then check, and replace (a tiny race remains).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV,
                             errno.EMLINK):
            raise
        if path.exists():
            raise FileExistsError(errno.EEXIST, "File exists", str(path)) from None
        os.replace(tmp, path)


@contextlib.contextmanager
def staging_folder(target: Path, suffix: str) -> Iterator[Path]:
    """Yield a new empty folder beside ``target`` to build a tree in before moving it into place.

    Beside, so that the final move is a rename on one file system. The folder and whatever
    is left in it are removed afterwards, whether the move happened or not.
    """
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=suffix, dir=parent))
    try:
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; what is built here is published
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def inside(root: Path, rel: str) -> Path | None:
    """Return ``root / rel`` when ``rel`` is a plain relative path that stays inside ``root``, else None.

    Refused: empty paths, absolute paths, ``.`` and ``..`` parts, empty parts, backslashes and
    NUL bytes, and anything that resolves outside ``root`` (through a symlink, say).
    """
    if (not rel or "\\" in rel or "\x00" in rel or PurePosixPath(rel).is_absolute()
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        return None
    path = root / rel
    return path if path.resolve().is_relative_to(root.resolve()) else None


def write_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write every ``{relative path: bytes}`` of ``files`` under ``root``, in sorted order.

    :raises ValueError: for a path that would leave ``root`` (see :func:`inside`).
    """
    made: set[Path] = set()
    for rel in sorted(files):
        target = inside(root, rel)
        if target is None:
            raise ValueError(rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(files[rel])
