"""`statusgen serve`: a live preview that rebuilds only what a save changed.

- ``app.py``: the :class:`~.app.Preview` that ties the pieces together.
- ``builder.py``: builds the site into memory again and again, keeping the caches it owns
  (loaded files, item views, page and post indexes, generators) and rendering only the pages
  whose inputs changed (``page_inputs.py`` says what each page shows); ``indexes.py`` and
  ``snapshot.py`` are its parts.
- ``server.py``: serves the last good site over HTTP and tells open tabs to reload;
  ``hosts.py``: the host names it answers to (its own only).
- ``watch.py``: file events, filtered and grouped into bursts.

The pure pipeline knows nothing of the preview: everything it keeps between builds lives here
(or in objects it owns, such as the :class:`~statusgen.view.Deriver`). Only the command line
imports this package.
"""
