"""hub: a GraphQL content hub extended by plugins.

This module is the public API for plugin authors: import from ``hub`` only.
"""

from hub import metrics
from hub.access.models import Role
from hub.access.permissions import RequireScope
from hub.access.scopes import Scope
from hub.access.secret import secret_key
from hub.app import served_schema
from hub.command_context import (
    CommandContext,
    command_context,
    command_database,
    command_settings,
    run_in_database,
)
from hub.content import declarations as declare
from hub.content.checking import Invalid, check_values
from hub.content.content_type import ContentType
from hub.content.editing_options import Editing
from hub.content.field_errors import ErrorCode, FieldError
from hub.content.field_kinds import ColumnKind, Field
from hub.content.imported_media import ImportedMedia
from hub.content.languages import ask_language, fallback_chain, language_chain
from hub.content.languages import canonical as canonical_language_tag
from hub.content.link_lists import Link
from hub.content.linked_translations import best_in_chain, post_translation_groups
from hub.content.model_building import (
    fill_public_ids,
    link_models,
    model_for,
    public_id_column,
)
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
from hub.content.node_types import declared_here, node_type
from hub.content.part_editing import part_mutations
from hub.content.post_lists import PostFilter, filter_posts
from hub.content.redirects import redirected_post_id
from hub.content.registry import ContentTypes, content_types
from hub.content.row_readers import RowReader, row_reader
from hub.content.serving import Edited, Served, edited, served
from hub.content.translated_lookup import translated_by_slug
from hub.content.validation import (
    check_country_code,
    check_language_tag,
    check_slug,
    check_time_zone,
    check_url,
)
from hub.content.visibility import public_posts_filter, visible_posts
from hub.database import open_database, vacuum_analyze
from hub.errors import CommandError, PluginError, UserError
from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.graphql.arguments import (
    checked_argument,
    country_argument,
    language_argument,
    slug_argument,
)
from hub.graphql.budget import QueryBudget, grant_query_budget
from hub.graphql.connection import Connection, Edge
from hub.graphql.context import Context, Info, LoaderFactory
from hub.graphql.cost import CostHint, cost_hint
from hub.graphql.field_resolvers import FieldResolver
from hub.graphql.loaded import loaded_field
from hub.graphql.nodes import (
    global_id,
    node_key,
    nodes_by_pk,
    parse_key,
    resolve_public_id,
    row_ids,
)
from hub.graphql.pagination import Ordering, PageArgs, PageInfo, SortColumn, paginate
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef, ref
from hub.hookcalls import call_each_async, plugin_calls
from hub.hookimpl import hookimpl
from hub.models import ModelApp
from hub.plugin_info import PluginMetadata
from hub.settings import Setting, Settings

__all__ = [
    "ColumnKind",
    "CommandContext",
    "CommandError",
    "Connection",
    "ContentEvent",
    "ContentType",
    "ContentTypes",
    "Context",
    "CostHint",
    "Edge",
    "Edited",
    "Editing",
    "ErrorCode",
    "EventKind",
    "Field",
    "FieldError",
    "FieldResolver",
    "ImportedMedia",
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
    "PluginMetadata",
    "Post",
    "PostAuthor",
    "PostFilter",
    "PostRef",
    "PostSection",
    "PostStatus",
    "PostTheme",
    "QueryBudget",
    "RequireScope",
    "Role",
    "RowReader",
    "Scope",
    "Section",
    "SectionRef",
    "Served",
    "Setting",
    "Settings",
    "SortColumn",
    "Theme",
    "ThemeRef",
    "UserError",
    "ask_language",
    "best_in_chain",
    "call_each_async",
    "canonical_language_tag",
    "check_country_code",
    "check_language_tag",
    "check_slug",
    "check_time_zone",
    "check_url",
    "check_values",
    "checked_argument",
    "command_context",
    "command_database",
    "command_settings",
    "content_types",
    "cost_hint",
    "country_argument",
    "declare",
    "declared_here",
    "dispatch_content_events",
    "edited",
    "fallback_chain",
    "fill_public_ids",
    "filter_posts",
    "global_id",
    "grant_query_budget",
    "hookimpl",
    "language_argument",
    "language_chain",
    "link_models",
    "loaded_field",
    "metrics",
    "model_for",
    "node_key",
    "node_type",
    "nodes_by_pk",
    "open_database",
    "paginate",
    "parse_key",
    "part_mutations",
    "plugin_calls",
    "post_translation_groups",
    "public_id_column",
    "public_posts_filter",
    "redirected_post_id",
    "ref",
    "resolve_public_id",
    "row_ids",
    "row_reader",
    "run_in_database",
    "secret_key",
    "served",
    "served_schema",
    "slug_argument",
    "translated_by_slug",
    "vacuum_analyze",
    "visible_posts",
]
