"""Command line: parse options, call the command, turn errors into messages and exit codes."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__, timeutil

log = logging.getLogger("statusgen")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

SITE_HELP = (
    "Site folder holding site.yaml. Default: ./content when it has a site.yaml, else the current folder."
)
NOW_HELP = (
    "The instant the site describes, as a time with an offset (2026-11-25T12:00:00+01:00). "
    "Default: the current time. Give it for reproducible builds."
)
OUT_HELP = "Output folder, replaced atomically when the build succeeds. Default: ./public"


class TimeParam(click.ParamType):
    """A time with an offset, as an aware datetime."""

    name = "TIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        try:
            return timeutil.parse_time(str(value))
        except timeutil.TimeFormatError as exc:
            self.fail(f"{exc.message}; {exc.hint}", param, ctx)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
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
    location = Path(__file__).resolve().parent
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


@cli.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", "site_option", type=click.Path(file_okay=False, path_type=Path), help=SITE_HELP)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("public"),
              show_default=True, help=OUT_HELP)
@click.option("--now", type=TimeParam(), help=NOW_HELP)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render pages with. Default: one per available CPU. The output is the same.")
def build(site: Path | None, site_option: Path | None, out: Path, now: dt.datetime | None,
          jobs: int | None) -> None:
    """Build the status site from SITE into the output folder.

    Every problem in the content is reported at once, each with file, line and column;
    then nothing is written and the previous output stays as it was.

    Exit status: 0 when the site was built, 1 when the content has errors or the output
    cannot be written, 2 for a wrong command line.
    """
    from .build import build as run_build
    from .loader import find_site

    site_dir = find_site(site or site_option)
    result = run_build(site_dir, out, now=now or dt.datetime.now(dt.UTC), jobs=jobs)
    log.info(result.summary(out))
    index = (out / "index.html").resolve()
    log.info("Open %s in a browser.", index.as_uri())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status instead of exiting (for tests and embedding)."""
    try:
        cli.main(args=argv, prog_name="statusgen", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return 0


def entry_point() -> None:
    sys.exit(main())
