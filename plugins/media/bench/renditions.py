"""How long a 1200-pixel WebP rendition of a 24-megapixel JPEG takes, and its peak memory,
with and without Pillow's JPEG draft mode. Each measurement runs in a fresh process, so the
peak resident size (ru_maxrss) is that rendition's alone.

    .venv/bin/python plugins/media/bench/renditions.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import statistics
import tempfile
import time
from pathlib import Path

from hub_media.renditions import Fit, planned, render
from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 6000, 4000  # 24 megapixels, a common camera sensor


def make_photo(path: Path) -> None:
    """Smooth gradients, shapes and grain: compresses like a photograph, not like noise."""
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    photo = Image.merge("RGB", (gradient, gradient.rotate(90).resize((WIDTH, HEIGHT)), gradient))
    draw = ImageDraw.Draw(photo)
    for n in range(40):
        x, y = (n * 977) % WIDTH, (n * 613) % HEIGHT
        draw.ellipse((x, y, x + 700, y + 500), fill=((n * 50) % 256, (n * 90) % 256, 120))
    grain = Image.effect_noise((WIDTH, HEIGHT), 24).filter(ImageFilter.SMOOTH)
    photo = Image.blend(photo, Image.merge("RGB", (grain, grain, grain)), 0.15)
    photo.save(path, "JPEG", quality=90)


def one_rendition(
    path: str, draft: bool, results: multiprocessing.Queue[tuple[float, int]]
) -> None:
    spec = planned((WIDTH, HEIGHT), 1200, None, Fit.COVER, "webp", 3000)
    started = time.perf_counter()
    render(Path(path), spec, (0.5, 0.5), draft=draft)
    elapsed = time.perf_counter() - started
    results.put((elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def measure(path: Path, draft: bool) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[float, int]] = context.Queue()
    process = context.Process(target=one_rendition, args=(str(path), draft, results))
    process.start()
    outcome = results.get()
    process.join()
    return outcome


def baseline_rss() -> int:
    """What a fresh process holds before rendering (Python, Pillow, the plugin imported)."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[tuple[float, int]] = context.Queue()
    process = context.Process(target=_idle, args=(results,))
    process.start()
    outcome = results.get()
    process.join()
    return outcome[1]


def _idle(results: multiprocessing.Queue[tuple[float, int]]) -> None:
    results.put((0.0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.jpg"
        # In a process of its own: the parent stays small, and so do the processes it starts.
        maker = multiprocessing.get_context("spawn").Process(target=make_photo, args=(path,))
        maker.start()
        maker.join()
        print(f"original: {WIDTH}x{HEIGHT} JPEG, {path.stat().st_size / 1e6:.1f} MB")
        idle = baseline_rss()
        print(f"a fresh process before rendering: {idle / 1024:.0f} MB resident")
        for draft in (True, False):
            runs = [measure(path, draft) for _ in range(repeat)]
            seconds = statistics.median(elapsed for elapsed, _ in runs)
            peak = max(rss for _, rss in runs)
            print(
                f"draft={'on ' if draft else 'off'}  median {seconds * 1000:.0f} ms over "
                f"{repeat} runs, peak {peak / 1024:.0f} MB resident "
                f"(+{(peak - idle) / 1024:.0f} MB over a fresh process)"
            )


if __name__ == "__main__":
    main()
