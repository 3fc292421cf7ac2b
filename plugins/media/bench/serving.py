"""A cached rendition against the front page's cached GET, served by the same hub worker.

A rendition already made is a file: serving it should cost no more than the front page the
response cache answers (a persisted-query GET, no execution). This starts one uvicorn worker
of the hub (SQLite, the demo content and ``--posts`` more, one image in the library), asks
the API for a rendition URL (``Image.url(width: 800)``), requests it once so it is made and
kept, registers the front page's persisted query, then sends the same load generator (wrk
when installed, else an asyncio client) at each in turn, A B A B, and prints requests/s per
round, CPU ms per request and the ratio rendition / front page (the median of the rounds').

    make bench-media MEDIA_ARGS="--rounds 5 --seconds 5"
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import platform
import statistics
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from PIL import Image, ImageDraw

from bench.answers import register_persisted
from bench.data import HUB_CLI, BenchSetupError, prepare
from bench.load import LoadResult, run_load, wrk_available
from bench.queries import Operation, front_page, persisted_front_page
from bench.servers import Server, serve

SERVER_CORE, LOAD_CORE = 0, 1
RENDITION_WIDTH = 800


@dataclass(frozen=True)
class PlainGet(Operation):
    """A GET of a fixed path (a rendition URL), for the same load generator as the queries."""

    url_path: str = "/"

    def path(self, with_document: bool | None = None) -> str:
        return self.url_path


def photo_bytes(width: int = 2400, height: int = 1600) -> bytes:
    """A JPEG that compresses like a photograph: a gradient with shapes."""
    photo = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(photo)
    for n in range(12):
        x, y = (n * 397) % width, (n * 233) % height
        draw.ellipse((x, y, x + 400, y + 300), fill=((n * 50) % 256, (n * 90) % 256, 120))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=88)
    return out.getvalue()


def add_photo(folder: Path, env: dict[str, str]) -> None:
    path = folder / "photo.jpg"
    path.write_bytes(photo_bytes())
    completed = subprocess.run(
        [*HUB_CLI, "media", "add", str(path), "--alt", "A benchmark photo"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if completed.returncode != 0:
        raise BenchSetupError(f"`hub media add` failed: {completed.stdout}{completed.stderr}")


def rendition_path(server: Server) -> str:
    """The URL the API hands out for image 1 at 800 pixels wide, requested once (made, kept)."""
    image = base64.b64encode(b"Image:1").decode()
    query = f'{{ node(id: "{image}") {{ ... on Image {{ url(width: {RENDITION_WIDTH}) }} }} }}'
    with httpx.Client(base_url=server.base_url, timeout=60.0) as client:
        answer = client.post("/graphql", json={"query": query}).json()
        url: str = answer["data"]["node"]["url"]
        for _ in range(2):  # the first makes it, the second is served from storage
            made = client.get(url)
            if made.status_code != 200 or not made.headers["content-type"].startswith("image/"):
                raise BenchSetupError(f"{url} answered {made.status_code}: {made.text[:300]}")
    return url


def timed(
    server: Server, operation: Operation, arguments: argparse.Namespace, folder: Path
) -> LoadResult:
    cpu_before = server.cpu_seconds()
    result, _ = run_load(
        server.port, operation, duration=arguments.seconds, connections=arguments.connections,
        max_requests=10_000_000, core=LOAD_CORE, work_dir=folder,
    )  # fmt: skip
    cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / result.requests
    return LoadResult(**{**result.__dict__, "cpu_ms_per_request": cpu_ms})


def report(
    rounds: list[dict[str, LoadResult]], arguments: argparse.Namespace, load_average: str
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    generator = "wrk (1 thread)" if wrk_available() else "an asyncio client (httpx)"
    lines = [
        f"Measured {when} on {os.cpu_count()} shared cores, Python {platform.python_version()}, "
        f"load average {load_average} at the start; one uvicorn worker on core {SERVER_CORE}, "
        f"{generator} on core {LOAD_CORE}, {arguments.connections} connections, "
        f"{arguments.seconds:g} s per run, SQLite.",
        "",
        "| round | rendition req/s | front page req/s | ratio | CPU ms/req (rendition / page) |",
        "|---|---:|---:|---:|---|",
    ]
    ratios = []
    for number, results in enumerate(rounds, 1):
        image, page = results["rendition"], results["front page"]
        ratio = image.requests_per_second / page.requests_per_second
        ratios.append(ratio)
        lines.append(
            f"| {number} | {image.requests_per_second:,.0f} | {page.requests_per_second:,.0f} "
            f"| {ratio:.2f} | {image.cpu_ms_per_request:.2f} / {page.cpu_ms_per_request:.2f} |"
        )
    cheaper = [
        results["front page"].cpu_ms_per_request / results["rendition"].cpu_ms_per_request
        for results in rounds
        if results["front page"].cpu_ms_per_request and results["rendition"].cpu_ms_per_request
    ]
    lines += [
        "",
        f"Median ratio rendition / front page: {statistics.median(ratios):.2f} in requests/s, "
        f"{statistics.median(cheaper):.2f} in CPU per request (the front page's over the "
        "rendition's: on shared cores the share of a core each run gets blurs requests/s).",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args(argv)
    load_average = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    with tempfile.TemporaryDirectory(prefix="hub-bench-media-") as directory:
        folder = Path(directory)
        dataset = prepare(folder / "data", arguments.posts)
        env = dataset.environment()
        add_photo(folder, env)
        cached_page = persisted_front_page()
        with serve("hub", env, folder, front_page("GET"), SERVER_CORE) as server:
            register_persisted(server.base_url, cached_page)
            rendition = PlainGet(
                "rendition", "cached rendition", "", "", {}, "GET",
                url_path=rendition_path(server),
            )  # fmt: skip
            operations = {"rendition": rendition, "front page": cached_page}
            for operation in operations.values():  # warm-up
                run_load(
                    server.port, operation, duration=1, connections=arguments.connections,
                    max_requests=10_000_000, core=LOAD_CORE, work_dir=folder,
                )  # fmt: skip
            rounds = [
                {name: timed(server, op, arguments, folder) for name, op in operations.items()}
                for _ in range(arguments.rounds)
            ]
    print(report(rounds, arguments, load_average))


if __name__ == "__main__":
    main()
