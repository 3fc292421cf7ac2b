"""hub-events: events that sections take part in, for the hub, as a third-party plugin."""
