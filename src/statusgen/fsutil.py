"""Writing files so that nothing is ever half written: one file, or a whole tree, all or nothing."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath

#: Flags for reading a file that may be hostile: never block (a FIFO), never follow a symlink unseen,
#: never become the terminal's reader.
_READ_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0))


class RefusedFile(Exception):
    """A file that is not read: not a regular file inside the folder it belongs to, or too big."""

    def __init__(self, reason: str, hint: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.hint = hint


def read_regular(path: Path, *, within: Path, limit: int, folder: str = "the folder") -> bytes:
    """Return the bytes of ``path``, a regular file inside the folder ``within``, at most ``limit`` bytes.

    A symlink is followed only to a file inside ``within`` (resolved); a FIFO, a device, a
    folder, a symlink leaving ``within``, a dangling symlink or a loop is refused, and so is a
    file over ``limit`` bytes. Nothing of a refused file is read.

    :param folder: how messages name ``within`` ("the site folder").

    :raises RefusedFile: saying why the file is not read.
    :raises OSError: when it cannot be opened (missing, not allowed).
    """
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        # O_NOFOLLOW on a symlink: ELOOP on Linux and macOS, EMLINK on FreeBSD.
        if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(path):
            raise
        fd = _open_link(path, within, folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"not a regular file but {_kind_of(info.st_mode)}",
                              "content, theme and logo files must be ordinary files")
        if info.st_size > limit:
            raise RefusedFile(f"the file is {info.st_size:,} bytes long, more than the limit of {limit:,}",
                              "split it, or make it shorter")
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise RefusedFile(f"the file is more than {limit:,} bytes long", "split it, or make it shorter")
        return data
    finally:
        os.close(fd)


def _open_link(path: Path, within: Path, folder: str) -> int:
    """Open the target of the symlink ``path`` when it is inside ``within``."""
    try:
        target = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        raise RefusedFile("a symlink that leads nowhere (or in a loop)",
                          "replace it with the file itself") from None
    if not Path(target).is_relative_to(within.resolve()):
        raise RefusedFile(f"a symlink to a file outside {folder}",
                          f"only files inside {folder} are read: copy the file in instead of linking to it")
    try:
        return os.open(target, _READ_FLAGS)  # a symlink swapped in meanwhile fails here (O_NOFOLLOW)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise RefusedFile("a symlink that changed while it was read", "try again") from None
        raise


def copy_regular(source: Path, target: Path) -> None:
    """Copy the regular file ``source`` (never a symlink, FIFO or device: checked on the open file) to ``target``.

    :raises RefusedFile: when ``source`` is not a regular file.
    """
    try:
        fd = os.open(source, _READ_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise RefusedFile(f"{source.name} is a symlink", "") from None
        raise
    with os.fdopen(fd, "rb") as src:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise RefusedFile(f"{source.name} is not a regular file but {_kind_of(mode)}")
        with open(target, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)


def _kind_of(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "something else"


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


class LockTimeout(Exception):
    """Another process held a folder's lock for longer than the caller would wait."""


@contextlib.contextmanager
def folder_lock(folder: Path, *, waiting: Callable[[], None] | None = None,
                timeout: float = 600.0) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (an advisory ``flock`` on the folder itself) for the block.

    The lock is the folder's own: no lock file is left behind, and a process that dies releases
    it. Processes that take it for the same folder run one at a time; ``waiting`` is called once
    when another one holds it. Where ``flock`` does not exist (Windows) the block runs unlocked.

    :raises LockTimeout: when the lock is still held by another process after ``timeout`` seconds.
    :raises OSError: when the folder cannot be opened.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        deadline = time.monotonic() + timeout
        pause = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if waiting is not None:
                    waiting()
                    waiting = None
                if time.monotonic() > deadline:
                    raise LockTimeout(str(folder)) from None
                time.sleep(pause)
                pause = min(pause * 2, 0.2)
        yield
    finally:
        os.close(fd)  # releases the lock


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
