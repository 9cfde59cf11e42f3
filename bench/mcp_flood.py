#!/usr/bin/env python3
"""Memory of `frontier mcp` under a client that writes and never reads (standard library
only). Prints one Markdown table for docs/benchmarks.md.

The client initializes, then writes N `tools/call catalog` requests from a thread and
reads nothing. A server that queues every answer grows with N; one with backpressure
stops reading stdin once its unsent answers fill their slots, the client's writes then
block on the full pipe, and the server's memory stays where it was. The script waits
until the writer has made no progress for STALL seconds (or has written everything),
notes how many requests it had written and the server's peak RSS (VmHWM), then starts
reading: the server goes on, and the answers that arrive within DRAIN seconds are
counted (all of them, for a small N), with the peak RSS at the end. Then it kills the
server.

usage: mcp_flood.py FRONTIER_BIN [N ...]      (default: 20000 200000)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

STALL = 5.0
DRAIN = 60.0


def peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def flood(binary: str, requests: int) -> tuple[int, float, int, float]:
    """(requests written when the writer stalled, peak RSS in MiB then, answers read
    within DRAIN seconds of reading, peak RSS in MiB at the end)."""
    with tempfile.TemporaryDirectory() as home:
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "FRONTIER_HOME": home}
        server = subprocess.Popen(
            [binary, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
        )
        assert server.stdin and server.stdout
        init = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}
        server.stdin.write((json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": init}) + "\n").encode())
        server.stdin.flush()
        server.stdout.readline()
        server.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
        server.stdin.flush()
        written = [0]

        def write() -> None:
            try:
                for i in range(1, requests + 1):
                    call = {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": "catalog", "arguments": {}}}
                    server.stdin.write((json.dumps(call) + "\n").encode())
                    server.stdin.flush()
                    written[0] = i
            except (BrokenPipeError, ValueError):
                pass

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        last, since = -1, time.monotonic()
        while writer.is_alive() and time.monotonic() - since < STALL:
            time.sleep(0.2)
            if written[0] != last:
                last, since = written[0], time.monotonic()
        time.sleep(1.0)
        stalled, peak = written[0], peak_rss_mib(server.pid)
        # Now read: the server goes on, and so does the writer.
        os.set_blocking(server.stdout.fileno(), False)
        answers, until = 0, time.monotonic() + DRAIN
        while answers < requests and time.monotonic() < until:
            chunk = server.stdout.read(1 << 20)
            if chunk:
                answers += chunk.count(b"\n")
            else:
                time.sleep(0.01)
        final = peak_rss_mib(server.pid)
        server.kill()
        server.wait()
        return stalled, peak, answers, final


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    sizes = [int(n) for n in sys.argv[2:]] or [20000, 200000]
    print(
        "| catalog calls, none read | written when the writer stalled | peak RSS MiB then "
        f"| answers read in the next {DRAIN:.0f} s | peak RSS MiB at the end |"
    )
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        stalled, peak, answers, final = flood(binary, n)
        print(f"| {n:,} | {stalled:,} | {peak:.1f} | {answers:,} | {final:.1f} |")


if __name__ == "__main__":
    main()
