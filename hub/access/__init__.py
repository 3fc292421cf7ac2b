"""Accounts, API tokens with scopes, field permissions, the audit log and preview links.

A default plugin (``hub.access.plugin``), registered like every other one.
"""
