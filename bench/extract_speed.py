"""Whole-pipeline speed and peak memory, no LLM: 红楼梦 alone and the four novels joined.

    python bench/extract_speed.py --data ../shared/data/novels/zh [--jobs 2]

Each run is a fresh extraction (no checkpoints) into a temporary folder, in a
child process so that peak RSS is that run's own (parent + its workers).
Last line: JSON ``{"chars_per_s": {"hongloumeng": …, "concat": …}, "peak_rss_mb": …}``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOVELS = ("红楼梦", "西游记", "三国演义", "水浒传")


def child(path: Path, jobs: int) -> None:
    """Run one extraction and print its timing (called in a fresh interpreter)."""
    sys.path.insert(0, str(REPO))
    from characters.extract.pipeline import run_pipeline

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = run_pipeline(path, Path(tmp) / "out", resume=False, jobs=jobs)
        elapsed = time.perf_counter() - started
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    chars = len(path.read_text(encoding="utf-8"))
    report = {
        "chars": chars,
        "seconds": elapsed,
        # CPU time tells the work done even when other jobs share the machine
        "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "rss_mb": (me.ru_maxrss + kids.ru_maxrss) / 1024,
        "quotes": result.quotes,
        "characters": result.characters,
    }
    print(json.dumps(report))


def measure(path: Path, jobs: int) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(path), "--jobs", str(jobs)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="the novels/zh folder")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.jobs)
        return 0
    if args.data is None or not all((args.data / f"{n}.txt").is_file() for n in NOVELS):
        print(f"need {', '.join(NOVELS)} (.txt) under --data", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        concat = Path(tmp) / "concat.txt"
        texts = [(args.data / f"{n}.txt").read_text(encoding="utf-8") for n in NOVELS]
        concat.write_text("\r\n\r\n".join(texts), encoding="utf-8")
        runs = {
            "hongloumeng": measure(args.data / "红楼梦.txt", args.jobs),
            "concat": measure(concat, args.jobs),
        }
    for name, run in runs.items():
        print(
            f"{name}: {run['chars']:,} chars in {run['seconds']:.1f}s "
            f"(cpu {run['cpu_s']:.1f}s), {run['rss_mb']:.0f} MB, "
            f"{run['quotes']} quotes, {run['characters']} characters"
        )
    summary = {
        "chars_per_s": {k: round(v["chars"] / v["seconds"]) for k, v in runs.items()},
        "peak_rss_mb": round(max(v["rss_mb"] for v in runs.values())),
        "chars_per_cpu_s": {k: round(v["chars"] / v["cpu_s"]) for k, v in runs.items()},
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
