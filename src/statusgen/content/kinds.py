"""The three kinds of item a site holds, said once: folder, nouns, format declaration and page.

Everything that goes over "incidents, maintenance and commitments" (the loader's folders,
messages, the pages of single items, the git check, the authoring commands) asks this
registry instead of keeping its own map.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import urls
from .format import COMMITMENT, INCIDENT, MAINTENANCE
from .validation import Obj


@dataclass(frozen=True, slots=True)
class ItemKind:
    """One kind of item: where its files live, what it is called, how it is checked and shown."""

    #: The folder of its files in the site, also the first part of its URLs (``incidents``).
    folder: str
    #: What one item is called in messages (``incident``), and several (``incidents``).
    singular: str
    plural: str
    #: The declaration its files are validated with.
    format: Obj
    #: The theme template of one item's page, and the name it has there (``incident``).
    template: str

    @property
    def variable(self) -> str:
        return self.singular

    def url(self, item_id: str) -> str:
        """Return the site-relative URL of an item's page (``incidents/<id>/``)."""
        return urls.item(self.folder, item_id)


INCIDENTS = ItemKind("incidents", "incident", "incidents", INCIDENT, "incident.html")
MAINTENANCE_KIND = ItemKind("maintenance", "maintenance", "maintenance", MAINTENANCE, "maintenance.html")
COMMITMENTS = ItemKind("commitments", "commitment", "commitments", COMMITMENT, "commitment.html")

#: Every kind, in the order sites list them.
KINDS: tuple[ItemKind, ...] = (INCIDENTS, MAINTENANCE_KIND, COMMITMENTS)
#: The kinds by folder name.
BY_FOLDER: dict[str, ItemKind] = {kind.folder: kind for kind in KINDS}
#: The content folders of a site.
FOLDERS: tuple[str, ...] = tuple(kind.folder for kind in KINDS)
