#!/bin/sh
# Installs wrk (Debian's package) when it is missing; does nothing when it is there.
# Without root or apt-get it says so and exits 0: the benchmark then uses its asyncio client.
set -eu
if command -v wrk >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bench: wrk is not installed and cannot be installed here (needs root and apt-get);" \
         "using the built-in asyncio load generator" >&2
    exit 0
fi
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk >/dev/null
fi
