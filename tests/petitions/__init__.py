"""The petitions plugin of docs/plugins.md's second part, as its author would ship it."""
