"""Command line: parse options, call the command, turn errors into messages and exit codes.

The commands live in :mod:`.site` (build, serve, check, list, schema, init, host) and
:mod:`.authoring` (new, update, resolve, deliver, postpone, reschedule, cancel, postmortem);
each imports what it runs only when it runs, so ``--help`` stays fast. Errors statusgen
reports (:class:`StatusgenError`) become a message and an exit status, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import visible
from . import authoring, notify, site
from .options import CONTEXT_SETTINGS, StdoutBroken, TimeParam

__all__ = ["TimeParam", "cli", "entry_point", "main"]

log = logging.getLogger("statusgen")


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = visible(record.getMessage())
        if record.levelno >= logging.ERROR and not message.startswith("error"):
            return f"error: {message}"
        if record.levelno == logging.WARNING and not message.split(":", 3)[-1].lstrip().startswith("warning"):
            return message if "warning:" in message else f"warning: {message}"
        return message


def _setup_logging(verbosity: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    root = logging.getLogger("statusgen")
    root.handlers[:] = [handler]
    root.propagate = False
    root.setLevel({-1: logging.ERROR, 0: logging.INFO, 1: logging.DEBUG}.get(verbosity, logging.DEBUG))


def _version_message() -> str:
    location = Path(__file__).resolve().parent.parent
    return f"statusgen {__version__} from {location} (Python {sys.version.split()[0]})"


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", message=_version_message())
@click.option("-v", "--verbose", "verbosity", flag_value=1, help="Say more, including each step's timing.")
@click.option("-q", "--quiet", "verbosity", flag_value=-1, help="Only print errors.")
def cli(verbosity: int | None) -> None:
    """statusgen turns incidents, maintenance and commitments kept in YAML into a status site.

    Run `statusgen COMMAND --help` for the options of a command.
    """
    _setup_logging(verbosity or 0)



for command in (site.build, site.serve, site.check, site.list_items, site.schema, site.init, site.host,
                notify.notify, authoring.new, authoring.update, authoring.resolve, authoring.deliver,
                authoring.postpone, authoring.reschedule, authoring.cancel, authoring.postmortem):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting (for tests and embedding)."""
    try:
        cli.main(args=argv, prog_name="statusgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except StdoutBroken as exc:
        # A full disk, or a reader that went away (`statusgen list | head -1`): no traceback, and no
        # second failure at exit on what is still buffered.
        _silence_stdout()
        if exc.error.errno != errno.EPIPE:
            _show(exc)
        return exc.exit_code
    except click.ClickException as exc:
        _show(exc)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def _show(exc: click.ClickException) -> None:
    """Print the error of ``exc`` to stderr, every control character in it escaped (see :func:`visible`)."""
    buffer = io.StringIO()
    exc.show(file=buffer)
    with contextlib.suppress(OSError):
        click.echo(visible(buffer.getvalue()), err=True, nl=False)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the exit does not fail again on what is buffered."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def entry_point() -> None:
    sys.exit(main())
