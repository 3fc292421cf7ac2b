"""The composed GraphQL types of the schema being built, by GraphQL name.

``hub.graphql.schema.build_schema`` sets an attribute here for every extensible type
(``Post``, ``Section``, plugin types) before the root types are built, so that
``Annotated["Section", strawberry.lazy("hub.graphql.composed")]`` resolves to the class that
carries every plugin's fields. Nothing else should write here.
"""
