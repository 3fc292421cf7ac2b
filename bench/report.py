"""The results as JSON, a Markdown table (for the README) and a chart (PNG, matplotlib)."""

from __future__ import annotations

import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

import orjson


def machine() -> dict[str, Any]:
    """What the numbers came from: cores, CPU model, Python and SQLite versions."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()}",
    }


def _ms(stats: dict[str, Any]) -> str:
    return f"{stats['p50_ms']:.1f} / {stats['p95_ms']:.1f} / {stats['p99_ms']:.1f}"


def markdown(results: dict[str, Any]) -> str:
    m, s = results["machine"], results["settings"]
    lines = [
        f"Measured {results['finished_at']} on {m['cores']} cores ({m['cpu']}), "
        f"Python {m['python']}, SQLite {m['sqlite']}: {results['dataset']['posts']:,} demo posts, "
        f"one uvicorn worker per server, {s['generator']} with {s['connections']} connections, "
        f"{s['rounds']} alternating rounds of {s['duration']:g} s per server "
        f"(server and load generator on different cores: {s['pinned']}).",
        "",
        "| operation | hub req/s | baseline req/s | hub / baseline | hub p50 / p95 / p99 ms "
        "| baseline p50 / p95 / p99 ms | p95 ms with 1 connection (hub / baseline) "
        "| SQL per request (hub / baseline) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for operation in results["operations"].values():
        if not operation["available"]:
            lines.append(f"| {operation['label']} | not available: {operation['reason']} ||||||")
            continue
        hub, base = operation["hub"]["median"], operation["baseline"]["median"]
        sql, single = operation["sql"], operation.get("single_connection", {})
        alone = (
            f"{single['hub']['p95_ms']:.1f} / {single['baseline']['p95_ms']:.1f}" if single else "-"
        )
        lines.append(
            f"| {operation['label']} | {hub['requests_per_second']:,.0f} "
            f"| {base['requests_per_second']:,.0f} | **{operation['ratio']:.3f}** "
            f"| {_ms(hub)} | {_ms(base)} | {alone} | {sql['hub']} / {sql['baseline']} |"
        )
    cold, memory, imported = results["cold_start"], results["memory"], results["import"]
    lines += [
        "",
        "| figure | hub | baseline |",
        "|---|---:|---:|",
        f"| cold start to first answered front page | {cold['hub_seconds']:.2f} s "
        f"| {cold['baseline_seconds']:.2f} s |",
        f"| peak memory (VmHWM of the server process) | {memory['hub_peak_rss_mb']:.0f} MB "
        f"| {memory['baseline_peak_rss_mb']:.0f} MB |",
    ]
    counted = results.get("instructions") or {}
    if "hub" in counted:
        lines.append(
            "| instructions per front page, in-process (valgrind; baseline / hub "
            f"{counted['ratio']:.3f}) | {counted['hub'] / 1e6:.2f} M "
            f"| {counted['baseline'] / 1e6:.2f} M |"
        )
    if imported is not None:
        lines.append(
            f"| `hub import` of a {imported['posts']:,}-post export "
            f"({imported['file_bytes'] / 1e6:.1f} MB) | {imported['posts_per_second']:,.0f} "
            f"posts/s ({imported['seconds']:.1f} s) | |"
        )
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> bool:
    """Requests/s and p95 latency, hub beside baseline; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    measured = [op for op in results["operations"].values() if op["available"]]
    labels = [op["label"] for op in measured]
    positions = range(len(measured))
    width = 0.4
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(12, 4.5))
    for axis, metric, title in (
        (throughput, "requests_per_second", "requests/s (higher is better, log scale)"),
        (latency, "p95_ms", "p95 latency, ms (lower is better, log scale)"),
    ):
        for offset, side, colour in (
            (-width / 2, "hub", "#c0392b"),
            (width / 2, "baseline", "#7f8c8d"),
        ):
            values = [op[side]["median"][metric] for op in measured]
            axis.bar([p + offset for p in positions], values, width, label=side, color=colour)
        axis.set_xticks(list(positions), labels, rotation=20, ha="right", fontsize=8)
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.legend()
    for position, op in zip(positions, measured, strict=True):
        top = op["hub"]["median"]["requests_per_second"]
        label = f"{op['ratio']:.2f}x"
        throughput.annotate(
            label, (position - width / 2, top), ha="center", va="bottom", fontsize=8
        )
    figure.suptitle(
        f"hub vs hand-written baseline, {results['dataset']['posts']:,} posts "
        f"({results['machine']['cores']} cores, Python {results['machine']['python']})",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def write(results: dict[str, Any], directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = {"json": directory / "latest.json", "markdown": directory / "latest.md"}
    written["json"].write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    written["markdown"].write_text(markdown(results), encoding="utf-8")
    png = directory / "latest.png"
    if chart(results, png):
        written["chart"] = png
    return written
