"""hub: a GraphQL content hub extended by plugins.

This module is the public API for plugin authors: import from ``hub`` only.
"""

from hub.access.models import Role
from hub.access.permissions import RequireScope
from hub.access.scopes import Scope
from hub.content import declarations as declare
from hub.content.checking import Invalid, check_values
from hub.content.declarations import ColumnKind, ContentType, Field, Link, row_reader
from hub.content.field_errors import ErrorCode, FieldError
from hub.content.models import (
    Person,
    Post,
    PostAuthor,
    PostSection,
    PostStatus,
    PostTheme,
    Section,
    Theme,
)
from hub.content.post_lists import PostFilter, filter_posts
from hub.content.validation import (
    check_country_code,
    check_language_tag,
    check_slug,
    check_url,
)
from hub.content.visibility import public_posts_filter, visible_posts
from hub.database import open_database, vacuum_analyze
from hub.errors import PluginError, UserError
from hub.events import ContentEvent, EventKind
from hub.graphql.connection import Connection, Edge
from hub.graphql.context import Context, Info, LoaderFactory
from hub.graphql.loaded import loaded_field
from hub.graphql.nodes import nodes_by_pk
from hub.graphql.pagination import Ordering, PageArgs, PageInfo, SortColumn, paginate
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef, ref
from hub.hookimpl import hookimpl
from hub.models import ModelApp
from hub.settings import Setting, Settings

__all__ = [
    "ColumnKind",
    "Connection",
    "ContentEvent",
    "ContentType",
    "Context",
    "Edge",
    "ErrorCode",
    "EventKind",
    "Field",
    "FieldError",
    "Info",
    "Invalid",
    "Link",
    "LoaderFactory",
    "ModelApp",
    "Ordering",
    "PageArgs",
    "PageInfo",
    "Person",
    "PersonRef",
    "PluginError",
    "Post",
    "PostAuthor",
    "PostFilter",
    "PostRef",
    "PostSection",
    "PostStatus",
    "PostTheme",
    "RequireScope",
    "Role",
    "Scope",
    "Section",
    "SectionRef",
    "Setting",
    "Settings",
    "SortColumn",
    "Theme",
    "ThemeRef",
    "UserError",
    "check_country_code",
    "check_language_tag",
    "check_slug",
    "check_url",
    "check_values",
    "declare",
    "filter_posts",
    "hookimpl",
    "loaded_field",
    "nodes_by_pk",
    "open_database",
    "paginate",
    "public_posts_filter",
    "ref",
    "row_reader",
    "vacuum_analyze",
    "visible_posts",
]
