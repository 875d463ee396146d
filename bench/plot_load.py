"""Draw a load test's chart from locust's CSVs: throughput and p50/p95/p99 over time per class
of endpoint, and print its table.

    python bench/plot_load.py bench/results/load          # writes bench/results/load/load.png

Classes: posting (POST .../post/), other writes (create, reserve), scanning (/scan/ and the
stock of one product), staff reads (lists, as-of, the admin dashboard), probes (/health...).
A class's percentile at an instant is the request-weighted mean of its endpoints' (locust keeps
percentiles per endpoint, not per class): a close reading, not an exact one.
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

CLASSES = [
    ("posting", lambda name: "/post/" in name),
    ("writes", lambda name: "[create]" in name or "/reserve/" in name),
    ("scanning", lambda name: "/scan/" in name or "[warehouse, product]" in name),
    ("staff reads", lambda name: name.startswith(("/api/", "/admin"))),
    ("probes", lambda name: True),
]
PERCENTILES = ("50%", "95%", "99%")


def endpoint_class(name: str) -> str:
    return next(label for label, matches in CLASSES if matches(name))


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return 0.0


def series(out: Path) -> dict:
    """{class: {"t": [...], "rps": [...], "50%": [...], ...}} from locust_stats_history.csv."""
    per_instant = defaultdict(lambda: defaultdict(lambda: defaultdict(float)))
    with open(out / "locust_stats_history.csv") as history:
        for row in csv.DictReader(history):
            if row["Name"] == "Aggregated":
                continue
            at = per_instant[int(row["Timestamp"])][endpoint_class(row["Name"])]
            rps = _number(row["Requests/s"])
            at["rps"] += rps
            for p in PERCENTILES:
                at[p] += rps * _number(row[p])
    start = min(per_instant, default=0)
    result = defaultdict(lambda: defaultdict(list))
    for instant in sorted(per_instant):
        for label, at in per_instant[instant].items():
            result[label]["t"].append(instant - start)
            result[label]["rps"].append(at["rps"])
            for p in PERCENTILES:
                result[label][p].append(at[p] / at["rps"] if at["rps"] else None)
    return result


def draw(out: Path) -> Path:
    data = series(out)
    fig, axes = plt.subplots(1 + len(PERCENTILES), 1, figsize=(10, 12), sharex=True)
    for label, _ in CLASSES:
        if label not in data:
            continue
        axes[0].plot(data[label]["t"], data[label]["rps"], label=label)
        for axis, p in zip(axes[1:], PERCENTILES, strict=True):
            axis.plot(data[label]["t"], data[label][p], label=label)
    axes[0].set_ylabel("requests/s")
    axes[0].set_title("Load test: throughput and latency per class of endpoint")
    for axis, p in zip(axes[1:], PERCENTILES, strict=True):
        axis.set_ylabel(f"p{p[:-1]} ms")
    axes[-1].set_xlabel("seconds into the run")
    for axis in axes:
        axis.grid(alpha=0.3)
        axis.legend(fontsize="small", loc="upper right")
    fig.tight_layout()
    png = out / "load.png"
    fig.savefig(png, dpi=80)
    return png


def table(out: Path) -> str:
    """locust's per-endpoint summary as a Markdown table."""
    lines = [
        "| endpoint | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    with open(out / "locust_stats.csv") as stats:
        for row in csv.DictReader(stats):
            name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
            lines.append(
                f"| {row['Type']} {name} | {row['Request Count']} | {row['Failure Count']} | "
                f"{_number(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/load")
    print(draw(folder))
    print(table(folder))
