"""The benchmark's data: ``hub migrate`` and ``hub demo --posts N`` in a fresh folder (and, for a
PostgreSQL run, a fresh database made for the run and dropped after it), and the import
throughput of ``hub export`` → ``hub import`` into another fresh folder."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

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


def database_environment(database_url: str | None) -> dict[str, str]:
    """``HUB_DATABASE_URL`` when the run is not on the default SQLite file."""
    return {} if database_url is None else {"HUB_DATABASE_URL": database_url}


def run_hub(
    data_dir: Path,
    *arguments: str,
    timeout: float = STEP_TIMEOUT,
    database_url: str | None = None,
) -> float:
    """Run ``hub ARGUMENTS`` on ``data_dir`` (or ``database_url``); returns the seconds it took."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            [*HUB_CLI, *arguments],
            env=hub_environment(data_dir, database_environment(database_url)),
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


async def _postgres_value(database_url: str, sql: str) -> Any:
    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


@dataclass(frozen=True)
class Dataset:
    data_dir: Path
    posts: int
    seconds: float
    #: A PostgreSQL database's URL; None for the SQLite file in ``data_dir``.
    database_url: str | None = None

    @property
    def database(self) -> Path:
        return self.data_dir / "hub.sqlite3"

    @property
    def backend(self) -> str:
        return "sqlite" if self.database_url is None else "postgres"

    def environment(self) -> dict[str, str]:
        """The environment every server and command of the run gets."""
        return hub_environment(self.data_dir, database_environment(self.database_url))

    def value(self, sql: str) -> Any:
        """The first column of the first row of ``sql``, or None."""
        if self.database_url is not None:
            return asyncio.run(_postgres_value(self.database_url, sql))
        with sqlite3.connect(self.database) as connection:
            row = connection.execute(sql).fetchone()
        return None if row is None else row[0]

    def newest_slug(self) -> str:
        """The slug of the newest public post: the single-post query asks for it."""
        slug = self.value(
            "SELECT slug FROM hub_post WHERE status = 'published' "
            "ORDER BY published_at DESC, id DESC LIMIT 1"
        )
        if slug is None:
            raise BenchSetupError(f"{self.database_url or self.database} has no published post")
        return str(slug)

    def count(self, table: str) -> int:
        return int(self.value(f'SELECT count(*) FROM "{table}"'))


def prepare(data_dir: Path, posts: int, database_url: str | None = None) -> Dataset:
    """A freshly migrated database with the demo content and ``posts`` synthetic posts."""
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run_hub(data_dir, "migrate", database_url=database_url)
    run_hub(
        data_dir, "demo", "--posts", str(posts), timeout=DEMO_TIMEOUT, database_url=database_url
    )
    return Dataset(data_dir, posts, time.perf_counter() - started, database_url)


async def _administer(admin_url: str, statement: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def fresh_postgres_database(admin_url: str) -> Iterator[str]:
    """The URL of a database made (from ``admin_url``'s) for this run, dropped after it."""
    name = f"hub_bench_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_administer(admin_url, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        raise BenchSetupError(f"cannot create a database through {admin_url}: {error}") from error
    try:
        yield urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))
    finally:
        asyncio.run(_administer(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_hub_measured(
    data_dir: Path, *arguments: str, timeout: float = STEP_TIMEOUT
) -> tuple[float, int]:
    """Run ``hub ARGUMENTS`` on ``data_dir``; the seconds it took and its peak RSS in bytes.

    The peak is the kernel's count for that one process (``wait4``), as ``/usr/bin/time -v``
    reports it, whatever else runs on the machine.
    """
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(
            [*HUB_CLI, *arguments],
            env=hub_environment(data_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if process.returncode != 0:
            output.seek(0)
            raise BenchSetupError(
                f"`hub {' '.join(arguments)}` failed ({process.returncode}, after "
                f"{seconds:.0f}s of at most {timeout:.0f}s):\n"
                + output.read().decode(errors="replace")
            )
    return seconds, usage.ru_maxrss * 1024  # Linux counts kilobytes


@dataclass(frozen=True)
class ImportResult:
    posts: int
    seconds: float
    file_bytes: int
    #: The ``hub import`` process's peak resident memory.
    peak_rss_bytes: int = 0

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds > 0 else 0.0


def export_file(source: Dataset, work_dir: Path) -> Path:
    export = work_dir / "export.json"
    run_hub(source.data_dir, "export", "--output", str(export))
    return export


def import_throughput(source: Dataset, work_dir: Path) -> ImportResult:
    """Export ``source`` to JSON, then time ``hub import`` of it into a fresh migrated database.

    The time is the whole command (start-up included), as a user would see it; it includes
    whatever plugins do on content events (the search plugin indexes each post).
    """
    return import_file(export_file(source, work_dir), source.posts, work_dir)


def import_file(export: Path, posts: int, work_dir: Path) -> ImportResult:
    """Time ``hub import`` of ``export`` into a fresh migrated database, and its peak memory."""
    target = work_dir / "import"
    target.mkdir(parents=True, exist_ok=True)
    run_hub(target, "migrate")
    seconds, peak = run_hub_measured(target, "import", str(export), timeout=DEMO_TIMEOUT)
    imported = Dataset(target, posts, 0.0).count("hub_post")
    return ImportResult(imported, seconds, export.stat().st_size, peak)
