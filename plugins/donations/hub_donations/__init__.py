"""Donations for hub: campaigns, payment providers as plugins, exact totals and live progress."""
