"""``hub import --from wordpress`` on a generated export: posts per second and peak memory.

    python -m bench.wordpress_import --posts 10000

Writes an export shaped like a real site's (block-editor bodies of ~2 KB, nested categories,
tags, ten authors, comments), imports it into a fresh SQLite database in a child process run
under ``/usr/bin/time -v``, then imports it again (nothing changes: the re-run's speed). The
goal: at least 1,000 posts/s.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench.wxr import WpPost, export_chunks

GOAL = 1000
PARAGRAPH = (
    "<!-- wp:paragraph -->\n<p>The women's league met delegates from {n} countries to talk about "
    "<strong>disarmament</strong>, the arms trade and the protection of civilians. "
    '<a href="https://example.org/{n}">Read the statement</a>.</p>\n<!-- /wp:paragraph -->\n'
)


def generated_posts(count: int) -> Iterator[WpPost]:
    for number in range(1, count + 1):
        category = ("category", f"region-{number % 12}", f"Region {number % 12}")
        tag = ("post_tag", f"topic-{number % 40}", f"Topic {number % 40}")
        yield WpPost(
            number,
            f"Statement number {number} on peace and freedom",
            PARAGRAPH.format(n=number) * 6,
            post_name=f"statement-{number}",
            status="publish" if number % 10 else "draft",
            creator=f"author{number % 10}",
            date_gmt=f"2020-{number % 12 + 1:02d}-{number % 28 + 1:02d} 10:00:00",
            excerpt="A statement.",
            terms=(category, ("category", "news", "News"), tag),
            comments=number % 3,
        )


def write_export(path: Path, count: int) -> None:
    categories = [("news", "News", "")] + [
        (f"region-{n}", f"Region {n}", "news") for n in range(12)
    ]
    tags = [(f"topic-{n}", f"Topic {n}") for n in range(40)]
    authors = [(f"author{n}", f"Author {n}") for n in range(10)]
    with path.open("w", encoding="utf-8") as out:
        for chunk in export_chunks(
            generated_posts(count), authors=authors, categories=categories, tags=tags
        ):
            out.write(chunk)


def timed_import(export: Path, environment: dict[str, str]) -> tuple[float, float, int, str]:
    """Seconds, CPU seconds (user and system), peak RSS in kB, and the command's summary."""
    command = [sys.executable, "-m", "hub", "import", "--from", "wordpress", str(export)]
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"hub import failed:\n{done.stderr[-2000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = sum(
        float(found)
        for found in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)
    )
    last = [line for line in done.stderr.splitlines() if line.startswith("Imported")]
    return elapsed, cpu, int(peak[1]) if peak else 0, last[-1] if last else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=10_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-wp-bench-") as folder:
        directory = Path(folder)
        export = directory / "site.xml"
        write_export(export, options.posts)
        published = sum(1 for n in range(1, options.posts + 1) if n % 10)
        environment = {
            **os.environ,
            "HUB_DATA_DIR": str(directory),
            "HUB_DATABASE_URL": f"sqlite://{directory / 'hub.sqlite3'}",
            "COLUMNS": "100",
        }
        migrate = [sys.executable, "-m", "hub", "migrate"]
        subprocess.run(migrate, env=environment, check=True, capture_output=True)
        size = export.stat().st_size / 1e6
        print(f"export: {options.posts} posts ({published} published), {size:.1f} MB")
        for run in ("first import", "second import (no changes)"):
            seconds, cpu, peak_kb, summary = timed_import(export, environment)
            rate = options.posts / seconds
            verdict = "ok" if rate >= GOAL else f"below the goal of {GOAL}"
            # On a shared machine the wall clock includes waiting for a core; CPU time does not.
            print(
                f"{run}: {seconds:.2f} s, {rate:,.0f} posts/s ({verdict}); "
                f"{cpu:.2f} CPU s, {options.posts / cpu:,.0f} posts per CPU second; "
                f"peak RSS {peak_kb / 1024:.0f} MB"
            )
            print(f"  {summary[:200]}")


if __name__ == "__main__":
    main()
