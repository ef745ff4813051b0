"""`statusgen check`: what keeps the site honest, reported at once with file, line and a fix.

- ``clock.py``: the rules that depend on the clock (silence, missed promises, broken
  commitments, short notice, missing postmortems), over the derived view.
- ``published.py`` and ``git.py``: with ``--since``, what was published is compared with git
  history (edited, deleted, reordered and backdated updates, deleted and renamed files).
- ``facts.py``: a content file as data, and every other published key: which changed in
  place, and the honest way to change each (an appended update); a weaker policy.
- ``report.py``: the order of the checks and the output as text, JSON or GitHub annotations.

May import: ``view``, ``content`` and the base modules.
"""
