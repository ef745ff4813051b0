"""``python -m statusgen``: the same as the ``statusgen`` command."""

from statusgen.cli import entry_point

entry_point()
