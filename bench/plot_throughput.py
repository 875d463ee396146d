"""Draw posting throughput against clients from bench/post_throughput.py's JSON, with the raw-SQL
limit (limit2) drawn in.

    python bench/plot_throughput.py bench/results/post_throughput.json   # writes the .png beside

One line per model for 10-line uniform documents (the shape limit2 models), docs/s against
clients; the limit is the pgbench line, measured in the same run.
"""

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def draw(path: Path, lines: int = 10, spread: str = "uniform") -> Path:
    rows = json.loads(path.read_text())["rows"]
    fig, axis = plt.subplots(figsize=(8, 5))
    models = sorted({r["model"] for r in rows}, key=lambda m: (m != "limit2", m))
    for model in models:
        points = sorted(
            (r["clients"], r["docs_per_s"])
            for r in rows
            if r["model"] == model and r["lines"] == lines and r["spread"] == spread
        )
        if not points:
            continue
        style = {"color": "black", "linestyle": "--", "linewidth": 2} if model == "limit2" else {}
        label = "limit2 (raw SQL, pgbench)" if model == "limit2" else model
        axis.plot(*zip(*points, strict=True), marker="o", label=label, **style)
    axis.set_xlabel("clients")
    axis.set_ylabel("documents posted per second")
    axis.set_title(f"Posting {lines}-line documents ({spread}) against the raw-SQL limit")
    axis.set_yscale("log")
    axis.grid(alpha=0.3, which="both")
    axis.legend()
    fig.tight_layout()
    png = path.with_suffix(".png")
    fig.savefig(png, dpi=80)
    return png


if __name__ == "__main__":
    print(draw(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/post_throughput.json")))
