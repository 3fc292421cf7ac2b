"""A real varnishd, started on a free loopback port with the project's VCL, for the tests.

Skipped locally when varnishd or its xkey module is missing (``.ci/install-varnish`` installs
them); ``HUB_TEST_VARNISH=required`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import glob
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.conftest import skip_or_fail
from tests.first_party import ROOT
from tests.live_server import HOST, stop

VCL = ROOT / "deploy" / "varnish" / "hub.vcl"
START_TIMEOUT = 60.0


def varnishd_or_skip() -> str:
    varnishd = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    if varnishd is None or not glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so"):
        skip_or_fail("varnish", "varnishd with vmod xkey is not installed (.ci/install-varnish)")
    assert varnishd is not None
    return varnishd


@contextmanager
def varnish_in_front(folder: Path, port: int, backend_port: int) -> Iterator[str]:
    """Varnish on ``port`` with deploy/varnish/hub.vcl, its backend the hub on
    ``backend_port``; its URL."""
    varnishd = varnishd_or_skip()
    folder.mkdir(parents=True, exist_ok=True)
    vcl = folder / "hub.vcl"
    source = VCL.read_text(encoding="utf-8")
    assert '.port = "8000";' in source
    vcl.write_text(source.replace('.port = "8000";', f'.port = "{backend_port}";'))
    log = (folder / "varnish.log").open("wb")
    process = subprocess.Popen(
        [varnishd, "-F", "-j", "none", "-n", str(folder / "work"), "-a", f"{HOST}:{port}",
         "-f", str(vcl), "-s", "malloc,32m", "-T", "none"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError((folder / "varnish.log").read_text(errors="replace"))
            try:
                httpx.get(url, timeout=1.0)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "varnishd did not answer"
                time.sleep(0.1)
        yield url
    finally:
        stop(process)
        log.close()
        shutil.rmtree(folder / "work", ignore_errors=True)
