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


def _slashed(values: list[str]) -> str:
    return " / ".join(values)


def _cpu(milliseconds: float | None) -> str:
    return "-" if milliseconds is None else f"{milliseconds:.2f}"


def markdown(results: dict[str, Any]) -> str:
    m, s, names = results["machine"], results["settings"], list(results["servers"])
    others = names[1:]
    database = "PostgreSQL" if results["database"] == "postgres" else f"SQLite {m['sqlite']}"
    lines = [
        f"Measured {results['finished_at']} on {m['cores']} cores ({m['cpu']}), "
        f"Python {m['python']}, {database}: {results['dataset']['posts']:,} demo posts, "
        f"one uvicorn worker per server, {s['generator']} with {s['connections']} connections, "
        f"{s['rounds']} alternating rounds of {s['duration']:g} s per server "
        f"(server and load generator on different cores: {s['pinned']}). Servers: "
        + "; ".join(f"`{name}`: {what}" for name, what in results["servers"].items())
        + ".",
        "",
        "| operation | hub req/s | "
        + " | ".join(f"{name} req/s | hub / {name}" for name in others)
        + f" | p99 ms, {s['connections']} connections ({_slashed(names)}) "
        + f"| p95 ms, 1 connection ({_slashed(names)}) | SQL per request ({_slashed(names)}) "
        + f"| CPU ms per request ({_slashed(names)}) |",
        "|---|" + "---:|" * (2 * len(others) + 5),
    ]
    for operation in results["operations"].values():
        if not operation["available"]:
            lines.append(
                f"| {operation['label']} | not available: {operation['reason']} |"
                + "|" * (2 * len(others) + 4)
            )
            continue
        median = {name: operation["servers"][name]["median"] for name in names}
        single = operation.get("single_connection") or {}
        alone = _slashed([f"{single[n]['p95_ms']:.1f}" for n in names]) if single else "-"
        compared = " | ".join(
            f"{median[name]['requests_per_second']:,.0f} | **{operation['ratios'][name]:.3f}**"
            for name in others
        )
        p99 = _slashed([f"{median[n]['p99_ms']:.1f}" for n in names])
        lines.append(
            f"| {operation['label']} | {median['hub']['requests_per_second']:,.0f} | {compared} "
            f"| {p99} | {alone} "
            f"| {_slashed([str(operation['sql'][n]) for n in names])} "
            f"| {_slashed([_cpu(median[n].get('cpu_ms_per_request')) for n in names])} |"
        )
    cold, memory, imported = (
        results["cold_start_seconds"],
        results["peak_rss_mb"],
        results["import"],
    )
    lines += [
        "",
        "| figure | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
        "| cold start to first answered front page | "
        + " | ".join(f"{cold[n]:.2f} s" for n in names)
        + " |",
        "| peak memory (VmHWM of the server process) | "
        + " | ".join(f"{memory[n]:.0f} MB" for n in names)
        + " |",
    ]
    counted = results.get("instructions") or {}
    for key, what in (("front_page", "front page"), ("typename", "`{ __typename }`")):
        figures = counted.get(key) or {}
        if figures:
            lines.append(
                f"| instructions per {what}, in-process (valgrind) | "
                + " | ".join(f"{figures[n] / 1e6:.2f} M" if n in figures else "" for n in names)
                + " |"
            )
    if imported is not None:
        lines.append(
            f"| `hub import` of a {imported['posts']:,}-post export "
            f"({imported['file_bytes'] / 1e6:.1f} MB) | {imported['posts_per_second']:,.0f} "
            f"posts/s ({imported['seconds']:.1f} s), peak memory "
            f"{imported.get('peak_rss_bytes', 0) / 1e6:,.0f} MB |" + " |" * len(others)
        )
    return "\n".join(lines) + "\n"


COLOURS = ("#c0392b", "#2c3e50", "#7f8c8d", "#27ae60", "#8e44ad")


def chart(results: dict[str, Any], path: Path) -> bool:
    """Requests/s and p99 latency, the servers side by side; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = list(results["servers"])
    measured = [op for op in results["operations"].values() if op["available"]]
    labels = [op["label"] for op in measured]
    positions = range(len(measured))
    width = 0.8 / len(names)
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(13, 4.8))
    for axis, metric, title in (
        (throughput, "requests_per_second", "requests/s (higher is better, log scale)"),
        (latency, "p99_ms", "p99 latency, ms (lower is better, log scale)"),
    ):
        for index, (name, colour) in enumerate(zip(names, COLOURS, strict=False)):
            offset = (index - (len(names) - 1) / 2) * width
            values = [op["servers"][name]["median"][metric] for op in measured]
            axis.bar([p + offset for p in positions], values, width, label=name, color=colour)
        axis.set_xticks(list(positions), labels, rotation=20, ha="right", fontsize=8)
        axis.set_yscale("log")
        axis.set_title(title, fontsize=10)
        axis.legend(fontsize=8)
    for position, op in zip(positions, measured, strict=True):
        top = op["servers"]["hub"]["median"]["requests_per_second"]
        label = f"{op['ratio']:.2f}x"
        throughput.annotate(
            label,
            (position - (len(names) - 1) / 2 * width, top),
            ha="center",
            va="bottom",
            fontsize=8,
        )
    figure.suptitle(
        f"hub vs hand-written servers on {results['database']}, "
        f"{results['dataset']['posts']:,} posts ({results['machine']['cores']} cores, "
        f"Python {results['machine']['python']})",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def write(results: dict[str, Any], directory: Path) -> dict[str, Path]:
    """``latest.*`` for SQLite runs, ``latest-postgres.*`` for PostgreSQL ones."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = "latest" if results["database"] == "sqlite" else f"latest-{results['database']}"
    written = {"json": directory / f"{stem}.json", "markdown": directory / f"{stem}.md"}
    written["json"].write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    written["markdown"].write_text(markdown(results), encoding="utf-8")
    png = directory / f"{stem}.png"
    if chart(results, png):
        written["chart"] = png
    return written
