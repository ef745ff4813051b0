"""The content: a site folder read into a validated model, every problem found at once.

- ``model.py``: the model (frozen dataclasses and enums): what the YAML files say, typed.
- ``format.py``: the format, declared once (keys, types, defaults, documentation).
- ``validation.py`` and ``values.py``: the engine that checks YAML nodes against it, with positions.
- ``kinds.py``: the three kinds of item (incidents, maintenance, commitments), said once.
- ``loader.py``: a site folder -> :class:`~.model.Content`; ``cache.py`` keeps per-file results
  for the next load; ``yamlfile.py``, ``site_settings.py``, ``items.py`` and ``appearance.py``
  are its steps; ``limits.py`` says how big a file or text may be, ``logo.py`` which logos are safe.
- ``jsonschema.py``: the format as JSON Schema for editors (`statusgen schema`).

May import: the base modules only (errors, timeutil, fsutil, urls, resources).
"""
