"""Time the build the way a drafter lives it: cold build, no-op rebuild, rebuild after one sector
lead's drop. Prints wall and CPU seconds and writes bench/results/latest.json to compare run to run.

    python bench/bench.py                  # the example plan in inputs/
    python bench/bench.py --demo 17 50000  # a synthetic 17-country, 50,000-row plan
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(cmd: list[str], cwd: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_mb": round(after.ru_maxrss / 1024)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--demo", nargs=2, type=int, metavar=("COUNTRIES", "ROWS"), help="bench a synthetic plan instead")
    args = ap.parse_args()
    snake = [sys.executable, "-m", "snakemake", "-s", str(ROOT / "Snakefile"), "--cores", "2"]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        if args.demo:
            from rcm_docs.demo import generate

            generate(ws, countries=args.demo[0], sectors=12, partners=250, rows=args.demo[1])
            label = f"demo {args.demo[0]} countries, {args.demo[1]} rows"
        else:
            shutil.copytree(ROOT / "inputs", ws / "inputs")
            label = "example plan (inputs/)"
        figures = {"plan": label, "cold_build": timed(snake, ws), "noop_rebuild": timed(snake, ws)}
        sub = sorted((ws / "inputs" / "submissions").glob("*/*.csv"))[0]
        sub.write_text(sub.read_text(encoding="utf-8").replace("\n", "\n", 1), encoding="utf-8")
        os.utime(sub)
        figures["one_submission_changed"] = timed(snake, ws)
        figures["changed_file"] = sub.relative_to(ws).as_posix()
        n_docs = len(list((ws / "build" / "rrp").glob("*.pdf")))
        figures["documents"] = n_docs
    for k, v in figures.items():
        print(f"{k:24} {v}")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
