"""Outgoing webhooks: committed content events, signed and POSTed to each subscriber."""
