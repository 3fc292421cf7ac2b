"""hub-search: full-text search over posts, people, sections and plugin types.

Other plugins make their types searchable by implementing ``register_searchable_types``
and returning :class:`Searchable` declarations.
"""

from hub_search.documents import Searchable, SearchDocument

__all__ = ["SearchDocument", "Searchable"]
