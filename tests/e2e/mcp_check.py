#!/usr/bin/env python3
"""End-to-end check of `frontier mcp` with the real MCP Inspector CLI
(`@modelcontextprotocol/inspector`, pinned in tests/e2e/setup) as its client:

    python tests/e2e/mcp_check.py target/debug/frontier [--npm-bin DIR]

The Inspector starts `frontier mcp` itself over stdio, once per call, with FRONTIER_HOME
in a temporary directory (so the demo preset, which runs offline on the mock provider,
is the only thing that answers, and history starts empty):

  tools     `tools/list` lists fuse, ask, catalog, runs and show, each with an input
            schema; fuse's requires `prompt` and offers rounds 1 to 3;
  fuse      `tools/call fuse` on the demo preset returns a fused answer (not an error),
            the judge's analysis and the run id; `frontier runs --json` then lists that
            run with the source `mcp`;
  catalog   `tools/call catalog` returns the catalog as JSON, with the demo preset ready;
  show      `tools/call show` with the fused run's id returns it as Markdown, inside a
            `[[frontier-record NONCE]]` frame that its instruction names;
  refused   `tools/call fuse` with a blank prompt is a tool result with `isError` and
            frontier's `error: ... hint: ...` text in the tool's words, not a protocol
            error.

Standard library only. One PASS/FAIL line per check, and `N passed, M failed` last;
exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_common import CheckFailed, Checks, expect  # noqa: E402

CALL_TIMEOUT = 120  # seconds one Inspector call may take


class Inspector:
    """The Inspector CLI against `frontier mcp`, in a clean environment."""

    def __init__(self, inspector: Path, frontier: str, home: Path) -> None:
        self.inspector = inspector
        self.frontier = frontier
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home / "home"),
            "FRONTIER_HOME": str(home / "frontier"),
        }
        (home / "home").mkdir(parents=True, exist_ok=True)
        self.cwd = home

    def run(self, *args: str) -> dict:
        argv = [str(self.inspector), "--cli", self.frontier, "mcp", *args]
        proc = subprocess.run(argv, env=self.env, cwd=self.cwd, capture_output=True, text=True,
                              timeout=CALL_TIMEOUT, start_new_session=True)
        expect(proc.returncode == 0, f"{' '.join(args)}: exit {proc.returncode}\n{proc.stderr[-2000:]}")
        try:
            return json.loads(proc.stdout)
        except json.JSONDecodeError as exc:
            raise CheckFailed(f"{' '.join(args)}: stdout is not JSON ({exc}):\n{proc.stdout[:2000]}")

    def call(self, tool: str, **arguments: str) -> tuple[str, bool]:
        args = ["--method", "tools/call", "--tool-name", tool]
        for key, value in arguments.items():
            args += ["--tool-arg", f"{key}={value}"]
        result = self.run(*args)
        content = result.get("content") or []
        expect(len(content) == 1 and content[0].get("type") == "text", f"{tool}: one text content: {result}")
        return content[0]["text"], bool(result.get("isError"))

    def frontier_json(self, *args: str):
        proc = subprocess.run([self.frontier, *args], env=self.env, cwd=self.cwd, capture_output=True, text=True,
                              timeout=CALL_TIMEOUT, stdin=subprocess.DEVNULL)
        expect(proc.returncode == 0, f"frontier {' '.join(args)}: exit {proc.returncode}\n{proc.stderr}")
        return json.loads(proc.stdout)


def run_id_of(text: str) -> str:
    for line in reversed(text.splitlines()):
        if line.startswith("run ") and ":" in line:
            return line[4:].split(":", 1)[0]
    raise CheckFailed(f"no `run ID:` line in the result:\n{text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm-bin", default=".e2e/npm/node_modules/.bin", help="where mcp-inspector is")
    args = parser.parse_args()
    frontier = str(Path(args.frontier).resolve())
    inspector = Path(args.npm_bin).resolve() / "mcp-inspector"
    for path, what in ((Path(frontier), "frontier binary"), (inspector, "MCP Inspector")):
        if not path.exists():
            print(f"error: the {what} {path} does not exist (run tests/e2e/setup)", file=sys.stderr)
            return 2

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = Checks()
    home = Path(tempfile.mkdtemp(prefix="frontier-mcp-"))
    client = Inspector(inspector, frontier, home)
    fused: dict = {}
    try:
        def tools() -> str:
            listed = client.run("--method", "tools/list")["tools"]
            names = [t["name"] for t in listed]
            expect(names == ["fuse", "ask", "catalog", "runs", "show"], f"tools: {names}")
            for tool in listed:
                expect(tool.get("inputSchema", {}).get("type") == "object", f"{tool['name']}: no object schema")
                expect(len(tool.get("description", "")) > 40, f"{tool['name']}: no real description")
            fuse = listed[0]["inputSchema"]
            expect(fuse.get("required") == ["prompt"], f"fuse requires {fuse.get('required')}")
            rounds = fuse["properties"]["rounds"]
            expect((rounds.get("minimum"), rounds.get("maximum")) == (1, 3), f"rounds: {rounds}")
            return ", ".join(names)

        def fuse() -> str:
            text, is_error = client.call("fuse", prompt="Why is the sky blue?", preset="demo")
            expect(not is_error, f"fuse failed:\n{text}")
            expect("\n\nanalysis (A = mock:" in text and "consensus:" in text, f"no analysis:\n{text}")
            run_id = run_id_of(text)
            fused["id"] = run_id
            runs = client.frontier_json("runs", "--json")
            expect([(r["run_id"], r["source"], r["status"]) for r in runs] == [(run_id, "mcp", "ok")],
                   f"history: {runs}")
            return f"run {run_id}"

        def catalog() -> str:
            text, is_error = client.call("catalog")
            expect(not is_error, f"catalog failed:\n{text}")
            report = json.loads(text)
            demo = [p for p in report["presets"] if p["name"] == "demo"]
            expect(len(demo) == 1 and demo[0]["ready"] is True, f"demo preset: {demo}")
            expect(len(report["models"]) > 0, "no models")
            return f"{len(report['models'])} models, {len(report['presets'])} presets"

        def show() -> str:
            expect("id" in fused, "no fused run to show (the fuse check failed)")
            text, is_error = client.call("show", run_id=fused["id"])
            lines = text.splitlines()
            opens = [i for i, line in enumerate(lines) if line.startswith("[[frontier-record ")]
            expect(not is_error and opens, f"show: no frame\n{text[:500]}")
            nonce = lines[opens[0]][len("[[frontier-record "):-2]
            close = f"[[end frontier-record {nonce}]]"
            expect(lines[opens[0] + 1] == f"# frontier run `{fused['id']}`", f"show:\n{text[:500]}")
            expect(lines.count(close) == 1 and close in lines[0], f"show: the instruction names the frame\n{text[:500]}")
            return None

        def refused() -> str:
            text, is_error = client.call("fuse", prompt="   ", preset="demo")
            expected = "error: the prompt is empty\nhint: give the question in `prompt`"
            expect(is_error and text == expected, f"isError={is_error}:\n{text}")
            return None

        for name, body in (("tools", tools), ("fuse", fuse), ("catalog", catalog), ("show", show),
                           ("refused", refused)):
            results.check(name, body)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(results.summary())
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
