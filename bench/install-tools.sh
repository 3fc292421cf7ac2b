#!/bin/sh
# Installs what the benchmark uses from Debian's packages when it is missing: wrk (the load
# generator) and valgrind (instructions per request). Without root or apt-get it says what is
# missing and exits 0: the benchmark then uses its asyncio client and skips the count.
set -eu
missing=""
command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
command -v valgrind >/dev/null 2>&1 || missing="$missing valgrind"
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "bench:$missing not installed and cannot be installed here (needs root and apt-get):" \
         "the asyncio load generator replaces wrk, and instructions are not counted" >&2
    exit 0
fi
# shellcheck disable=SC2086  # the package names are meant to split
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >/dev/null
fi
