"""Where the hub's time goes under load: py-spy samples of the server process, summarised.

``py-spy record --format raw`` writes collapsed stacks (``frame;frame;... count``); the summary
gives, for a few groups of code, the share of samples that had it anywhere on the stack
(inclusive) and the functions that were on top of the stack most often (self time).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.servers import pinned

#: Inclusive groups, by what the frames' files or functions contain; a sample may be in several.
#: A frame reads ``function (file:line)``: "\(" anchors a pattern at the start of a file's path,
#: so that ``hub/graphql/compiled*.py`` (compiled execution) is not taken for graphql-core.
GROUPS: tuple[tuple[str, str], ...] = (
    ("graphql-core execution (per-field walk)", r"\(graphql/execution/"),
    ("hub compiled execution (planned documents)", r"\(hub/graphql/compiled"),
    ("graphql-core parse + validate", r"\(graphql/(language|validation)/"),
    ("strawberry (schema/view/resolver glue)", r"strawberry/"),
    ("hub resolvers, loaders, pagination", r"hub/(content|graphql/pagination|graphql/connection)"),
    ("Tortoise ORM + pypika (SQL building, row handling)", r"tortoise/|pypika"),
    ("  of which datetime parsing", r"to_python_value|parse_datetime|fromisoformat|iso8601"),
    ("strawberry DataLoader", r"strawberry/dataloader"),
    ("aiosqlite/sqlite3 (driver)", r"aiosqlite/|sqlite3/"),
    ("JSON encoding of the answer", r"encode_json|process_result|orjson"),
    ("HTTP (uvicorn, starlette)", r"uvicorn/|starlette/|httptools"),
    ("asyncio event loop", r"asyncio/|uvloop"),
)

#: Self time by the package of the function on top of the stack: a partition (sums to 100 %).
PACKAGES: tuple[tuple[str, str], ...] = (
    ("graphql-core", r"\(graphql/"),
    ("strawberry", r"strawberry/"),
    ("tortoise + pypika", r"tortoise/|pypika"),
    ("iso8601 (dates)", r"iso8601/"),
    ("aiosqlite + sqlite3", r"aiosqlite/|sqlite3/"),
    # py-spy names a file by its top package: ``hub/...``, and ``hub_delivery/...`` for plugins.
    ("hub + plugins", r"\(hub(_\w+)?/"),
    ("uvicorn + starlette", r"uvicorn/|starlette/|httptools"),
    ("asyncio", r"asyncio/"),
)

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]*)(?::\d+)?\)$")


@dataclass
class Profile:
    samples: int
    groups: dict[str, float] = field(default_factory=dict)
    packages: dict[str, float] = field(default_factory=dict)
    top_self: list[tuple[str, float]] = field(default_factory=list)
    raw_path: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples,
            "inclusive_share": {name: round(share, 3) for name, share in self.groups.items()},
            "self_share_by_package": {
                name: round(share, 3) for name, share in self.packages.items()
            },
            "top_self_share": [[name, round(share, 3)] for name, share in self.top_self],
            "collapsed_stacks": self.raw_path,
        }


def py_spy() -> str | None:
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    return found


def _short(frame: str) -> str:
    match = FRAME.match(frame)
    if match is None:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['function']} ({path})"


def summarise(collapsed: str, top: int = 15) -> Profile:
    samples = 0
    group_counts: Counter[str] = Counter()
    self_counts: Counter[str] = Counter()
    package_counts: Counter[str] = Counter()
    package_patterns = [(name, re.compile(pattern)) for name, pattern in PACKAGES]
    patterns = [(name, re.compile(pattern)) for name, pattern in GROUPS]
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        samples += count
        for name, pattern in patterns:
            if pattern.search(stack):
                group_counts[name] += count
        leaf = stack.split(";")[-1]
        self_counts[_short(leaf)] += count
        package = next((name for name, p in package_patterns if p.search(leaf)), "other")
        package_counts[package] += count
    if samples == 0:
        return Profile(0)
    return Profile(
        samples,
        {name: group_counts[name] / samples for name, _ in GROUPS},
        {name: n / samples for name, n in package_counts.most_common()},
        [(name, n / samples) for name, n in self_counts.most_common(top)],
    )


def record(pid: int, seconds: int, output: Path, core: int | None) -> subprocess.Popen[bytes]:
    """Start sampling ``pid`` for ``seconds``; the caller puts load on it meanwhile."""
    executable = py_spy()
    if executable is None:
        raise FileNotFoundError("py-spy is not installed (pip install -e '.[bench]')")
    command = [
        executable, "record", "--pid", str(pid), "--duration", str(seconds),
        "--rate", "250", "--format", "raw", "--output", str(output), "--nonblocking",
    ]  # fmt: skip
    return subprocess.Popen(
        pinned(command, core), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def describe(profile: dict[str, Any]) -> str:
    """The profile summary as text for the terminal."""
    if "skipped" in profile:
        return f"Profile skipped: {profile['skipped']}"
    lines = [f"Where the hub's front-page time goes ({profile['samples']} py-spy samples):"]
    for name, share in profile["inclusive_share"].items():
        lines.append(f"  {share:6.1%}  {name}")
    lines.append("Self time by package (top of the stack):")
    for name, share in profile["self_share_by_package"].items():
        lines.append(f"  {share:6.1%}  {name}")
    lines.append("Most frequent top-of-stack functions (self time):")
    for name, share in profile["top_self_share"]:
        lines.append(f"  {share:6.1%}  {name}")
    return "\n".join(lines)
