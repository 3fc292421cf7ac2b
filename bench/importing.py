"""``hub import`` alone: posts/s and peak memory, for an export of N demo posts.

``make bench-import`` makes the data as ``make bench`` does (``hub migrate`` and ``hub demo
--posts N`` in a fresh folder; or ``--file`` names an export made earlier), exports it, then
times ``hub import`` of the file into another fresh SQLite database and reads the import
process's peak resident memory from the kernel. The time is the whole command, start-up and
search indexing included.

    python -m bench.importing --posts 20000
    python -m bench.importing --file content.json --posts 100000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.importing", description=__doc__)
    parser.add_argument("--posts", type=int, default=20000, help="synthetic posts (hub demo)")
    parser.add_argument("--file", type=Path, help="import this export instead of making one")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hub-bench-import-") as folder:
        work_dir = Path(folder)
        export = arguments.file
        if export is None:
            print(f"hub migrate + hub demo --posts {arguments.posts} ...", file=sys.stderr)
            source = data.prepare(work_dir / "data", arguments.posts)
            export = data.export_file(source, work_dir)
        print(f"hub import of {export.stat().st_size / 1e6:.1f} MB ...", file=sys.stderr)
        result = data.import_file(export, arguments.posts, work_dir)
    print(
        f"hub import: {result.posts:,} posts from {result.file_bytes / 1e6:.1f} MB in "
        f"{result.seconds:.1f} s: {result.posts_per_second:,.0f} posts/s, peak memory "
        f"{result.peak_rss_bytes / 1e6:,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
