"""Authoring: the commands that write content files for a support lead, and `init` and `list`.

- ``commands.py``: new, update, resolve, deliver, postpone: what each writes.
- ``session.py``: what they stand on (the loaded site, its clock, finding items, checking
  options, validating the whole site with the edit before writing it atomically);
  ``lock.py``: the lock that makes commands on one site write one after the other.
- ``yamledit.py``: appending to YAML text without touching comments, order or quoting.
- ``editor.py``: getting the text from --body, standard input or the editor.
- ``scaffold.py``: `statusgen init` (from ``skeleton/``); ``table.py``: `statusgen list`.

May import: ``view``, ``content`` and the base modules.
"""
