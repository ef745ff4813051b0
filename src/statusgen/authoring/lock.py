"""The lock authoring commands hold on a site folder, so that they write one after the other."""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from .. import fsutil
from ..errors import StatusgenError, display_path

log = logging.getLogger(__name__)


class Refused(StatusgenError):
    """The command cannot be carried out on the content as it is (exit status 1); nothing was written."""


#: How long a command waits for another one writing in the same site before it gives up.
LOCK_WAIT = 120.0


class SiteLock:
    """The lock authoring commands hold on a site folder from loading it until their file is written.

    Commands on one site run one after the other, so none appends to a file another is about
    to replace (30 parallel `statusgen update` lost updates). It is an advisory lock on the site
    folder itself (:func:`fsutil.folder_lock`); a person typing in the editor does not hold it.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self._held: contextlib.ExitStack | None = None

    def acquire(self) -> None:
        if self._held is not None:
            return
        shown = display_path(self.site_dir)
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(fsutil.folder_lock(
                self.site_dir, timeout=LOCK_WAIT,
                waiting=lambda: log.info("Waiting for another statusgen command writing in %s...", shown)))
        except fsutil.LockTimeout:
            raise Refused(f"another statusgen command has been writing in {shown} for {LOCK_WAIT:.0f} s; nothing "
                          "was written. Run the command again when it is done.") from None
        except OSError as exc:
            raise StatusgenError(f"cannot lock {shown}: {exc.strerror or exc}") from None
        self._held = stack

    def release(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
