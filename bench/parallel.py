#!/usr/bin/env python3
"""Throughput and memory of `frontier run` (standard library only; run with the e2e venv's
python, which has llmock). Prints Markdown tables for docs/benchmarks.md.

  1. Peak RSS of one 8-member fusion run on mock members (no network at all).
  2. Many fusion runs at once against llmock on 127.0.0.1 (a real HTTP server with
     streaming): for 1, 8 and 32 simultaneous processes, the wall time, the throughput
     in runs per second, and the peak RSS of the largest frontier process. Every run
     also records itself in the history database, so its concurrent writers are part of
     the measurement; the script checks that every run was recorded.

usage: parallel.py FRONTIER_BIN LLMOCK_BIN [ROUNDS]
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from e2e_common import Llmock  # noqa: E402

PROMPT = "Explain why two tasks that take the same two locks in opposite order can deadlock."
LLMOCK_MODEL = "llm:gpt-4o-mini"


def peak_rss_mib(argv: list[str], env: dict) -> float:
    """Runs argv in a child interpreter so RUSAGE_CHILDREN holds that one run only."""
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *argv], env=env, capture_output=True, text=True, timeout=120)
    code, kib = out.stdout.split()
    if code != "0":
        raise SystemExit(f"{argv} exited {code}")
    return int(kib) / 1024


def parallel(binary: str, env: dict, count: int) -> tuple[float, float]:
    """Starts `count` runs at once; returns (wall seconds, peak RSS MiB of the largest)."""
    argv = [binary, "run", "--json", "--models", f"{LLMOCK_MODEL},{LLMOCK_MODEL},{LLMOCK_MODEL}",
            "--judge", LLMOCK_MODEL, "--synth", LLMOCK_MODEL, PROMPT]
    probe = (
        "import resource, subprocess, sys, time\n"
        "n = int(sys.argv[1]); argv = sys.argv[2:]\n"
        "start = time.monotonic()\n"
        "procs = [subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(n)]\n"
        "codes = [p.wait(timeout=300) for p in procs]\n"
        "wall = time.monotonic() - start\n"
        "print(sum(c != 0 for c in codes), wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, str(count), *argv], env=env, capture_output=True, text=True,
                         timeout=600)
    failed, wall, kib = out.stdout.split()
    if failed != "0":
        raise SystemExit(f"{failed} of {count} parallel runs failed")
    return float(wall), int(kib) / 1024


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    binary, llmock_exe = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    with tempfile.TemporaryDirectory(prefix="frontier-bench-") as tmp:
        work = Path(tmp)
        home = work / "frontier"
        (home / "config").mkdir(parents=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "FRONTIER_HOME": str(home)}

        eight = ",".join(f"mock:m{i}?delay_ms={150 + 20 * i}" for i in range(8))
        rss8 = [peak_rss_mib([binary, "run", "--json", "--concurrency", "8", "--models", eight, "--judge", "mock:j",
                              "--synth", "mock:s", PROMPT], env) for _ in range(rounds)]
        print("| case | runs | median peak RSS MiB | max MiB |")
        print("|---|---:|---:|---:|")
        print(f"| one run, panel of 8 (mock) | {rounds} | {statistics.median(rss8):.1f} | {max(rss8):.1f} |")
        print()

        llmock = Llmock(llmock_exe, work)
        try:
            llmock.wait_healthy()
            (home / "config" / "config.toml").write_text(
                "[providers.llm]\nkind = \"openai\"\nbase_url = \"" + llmock.base + "/v1\"\n")
            parallel(binary, env, 2)  # warm-up
            print("| simultaneous runs (3 members + judge + synth, llmock) | rounds | median wall s "
                  "| runs/s | peak RSS MiB (largest process) |")
            print("|---:|---:|---:|---:|---:|")
            total = 2 + rounds  # the warm-up and the 8-member runs above are recorded too
            for count in (1, 8, 32):
                walls, peaks = [], []
                for _ in range(rounds):
                    wall, peak = parallel(binary, env, count)
                    walls.append(wall)
                    peaks.append(peak)
                    total += count
                wall = statistics.median(walls)
                print(f"| {count} | {rounds} | {wall:.2f} | {count / wall:.1f} | {max(peaks):.1f} |")
            listed = subprocess.run([binary, "runs", "--json", "--limit", "10000"], env=env, capture_output=True,
                                    text=True, timeout=60)
            recorded = len(json.loads(listed.stdout))
            print()
            print(f"history: {recorded} of {total} runs recorded")
            if recorded != total:
                raise SystemExit("some runs were not recorded")
        finally:
            llmock.stop()


if __name__ == "__main__":
    main()
