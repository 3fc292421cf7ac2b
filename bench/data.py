"""The benchmark's data: ``hub migrate`` and ``hub demo --posts N`` in a fresh folder, and the
import throughput of ``hub export`` → ``hub import`` into another fresh folder."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The ``hub`` command line run with this interpreter, wherever the virtualenv lives.
HUB_CLI = [sys.executable, "-c", "from hub.cli import main; main()"]
#: Generous bounds: ``hub demo --posts 100000`` indexes every post for search as it goes.
DEMO_TIMEOUT = 3600.0
STEP_TIMEOUT = 600.0


class BenchSetupError(RuntimeError):
    """A step preparing the data failed; the message carries the command and its output."""


def hub_environment(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without any HUB_ setting of its own, pointed at ``data_dir``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(data_dir)
    # Previews are not benchmarked; a fixed key keeps the start-up warning out of the logs.
    env["HUB_SECRET_KEY"] = "bench-only-secret-key-not-for-production-use"
    env.update(extra or {})
    return env


def run_hub(data_dir: Path, *arguments: str, timeout: float = STEP_TIMEOUT) -> float:
    """Run ``hub ARGUMENTS`` on ``data_dir``; returns the seconds it took."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [*HUB_CLI, *arguments],
            env=hub_environment(data_dir),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise BenchSetupError(f"`hub {' '.join(arguments)}` took over {timeout:.0f}s") from error
    if completed.returncode != 0:
        raise BenchSetupError(
            f"`hub {' '.join(arguments)}` failed ({completed.returncode}):\n"
            f"{completed.stdout}{completed.stderr}"
        )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Dataset:
    data_dir: Path
    posts: int
    seconds: float

    @property
    def database(self) -> Path:
        return self.data_dir / "hub.sqlite3"

    def newest_slug(self) -> str:
        """The slug of the newest public post: the single-post query asks for it."""
        with sqlite3.connect(self.database) as connection:
            row = connection.execute(
                "SELECT slug FROM hub_post WHERE status = 'published' "
                "ORDER BY published_at DESC, id DESC LIMIT 1"
            ).fetchone()
        if row is None:
            raise BenchSetupError(f"{self.database} has no published post")
        return str(row[0])

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database) as connection:
            return int(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])


def prepare(data_dir: Path, posts: int) -> Dataset:
    """A freshly migrated database with the demo content and ``posts`` synthetic posts."""
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run_hub(data_dir, "migrate")
    run_hub(data_dir, "demo", "--posts", str(posts), timeout=DEMO_TIMEOUT)
    return Dataset(data_dir, posts, time.perf_counter() - started)


@dataclass(frozen=True)
class ImportResult:
    posts: int
    seconds: float
    file_bytes: int

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds > 0 else 0.0


def import_throughput(source: Dataset, work_dir: Path) -> ImportResult:
    """Export ``source`` to JSON, then time ``hub import`` of it into a fresh migrated database.

    The time is the whole command (start-up included), as a user would see it; it includes
    whatever plugins do on content events (the search plugin indexes each post).
    """
    export = work_dir / "export.json"
    run_hub(source.data_dir, "export", "--output", str(export))
    target = work_dir / "import"
    target.mkdir(parents=True, exist_ok=True)
    run_hub(target, "migrate")
    seconds = run_hub(target, "import", str(export), timeout=DEMO_TIMEOUT)
    imported = Dataset(target, source.posts, 0.0).count("hub_post")
    return ImportResult(imported, seconds, export.stat().st_size)
