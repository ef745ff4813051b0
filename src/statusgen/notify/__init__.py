"""statusgen notify: every post published since a commit, told to chat, webhooks and e-mail, once.

- ``run.py``: the command's steps, channel by channel, and the summary.
- ``history.py``: which posts customers could already read at a git revision.
- ``events.py``: a post -> a :class:`~.events.Notice` (its event, title, status and facts in
  the site's language), and the channels' filters.
- ``payloads.py``: Slack, Teams and Discord messages, Statuspage-shaped webhook bodies.
- ``text.py``: sanitised HTML -> each service's markup, or plain text.
- ``mail.py``: the subscriber list and one multipart e-mail per recipient.
- ``transport.py``: HTTP and SMTP with timeouts, retries, backoff and signatures.
- ``state.py``: the ``--state`` file, written atomically after every delivery.

May import: ``outputs``, ``view``, ``content`` and the base modules.
"""
