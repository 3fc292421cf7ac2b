"""Running the hub in production: health and readiness probes, metrics, logs."""
