#!/usr/bin/env python3
"""End-to-end check of frontier's MCP server inside the real hosts (pinned in
tests/e2e/setup), each driven headless against llmock:

    python tests/e2e/mcp_host_check.py target/debug/frontier [--npm-bin DIR] [--llmock PATH]
        [--hosts claude,codex,gemini] [--server-cmd 'CMD ARGS' | --stand-in]

For each host, in its own temporary git repo with its own HOME, CODEX_HOME, FRONTIER_HOME
and TMPDIR and a cleared environment: llmock's scripted reply to the host's first request
(the one offering tools) is a call of the MCP tool `fuse` with a prompt and the demo
preset; the host starts the server, calls the tool, and its next request to its model
must carry the tool's result (the fused answer). llmock then answers with plain text and
the host finishes its turn.

The server is, by default, `<frontier> mcp` with FRONTIER_HOME in the sandbox (the demo
preset runs on mock models, offline), registered by `frontier install HOST --mcp --user`
(Claude Code's `~/.claude.json`, Codex's `$CODEX_HOME/config.toml`, Gemini CLI's
`~/.gemini/settings.json`). `--server-cmd` runs another command instead, registered by
the check in the same shape; `--stand-in` runs a tiny stdio MCP server written here
(initialize, tools/list, tools/call answering `fuse` with a fixed text), which proves the
harness without frontier's server.

How each host is driven: Claude Code with `--model claude-sonnet-4-5` (its default model
sends MCP server instructions as `role: "system"` messages, which llmock refuses) and
`--allowedTools mcp__frontier__fuse`; Codex with `codex exec` on llmock's Responses API and
approvals bypassed; Gemini CLI with `--yolo` on llmock's `/gemini`. Each names the tool its
own way (Claude Code `mcp__frontier__fuse`, Gemini CLI `mcp_frontier_fuse`); a failure lists
the tool names the host offered its model. Codex is not run by default: see DEFAULT_HOSTS.

Standard library only. One PASS/FAIL line per host, and `N passed, M failed` last; exits
non-zero on any failure. llmock is stopped and every process tree the check started is
killed, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from e2e_common import (CheckFailed, Checks, Llmock, agent_cli_env, cli_version, expect, request_text, run_tree,
                        write_codex_config, write_gemini_auth)

TOOL_PROMPT = "Should this cache be write-through or write-back?"
# What the demo preset's scripted synth says to a question that is not a sum
# (src/provider/mock/demo/): text no host model would write on its own.
FUSED_ANSWER = "played by mock models: no real model read your question"
STAND_IN_ANSWER = "stand-in fused answer 7f3a: write-through, for the crash story"
HOST_REPLY = "Scripted host reply after the tool: going with write-through."
USER_PROMPT = "Get a second opinion on the cache write policy, please."

KEYS = {  # dummy keys, distinct so a leak can be spotted
    "ANTHROPIC_API_KEY": "e2e-mcp-anthropic-key-91c2",
    "LOCAL_API_KEY": "e2e-mcp-codex-key-0b7e",
    "GEMINI_API_KEY": "e2e-mcp-gemini-key-d44a",
}

# host key -> (install name, model the host asks for, the tool's name as the host's model sees it)
HOSTS = {
    "claude": ("claude-code", "claude-sonnet-4-5", "mcp__frontier__fuse"),
    "codex": ("codex", "gpt-5.5", "mcp__frontier__fuse"),
    "gemini": ("gemini", "gemini-2.5-flash", "mcp_frontier_fuse"),
}
# Codex 0.169.0 cannot be driven this way: it offers MCP tools to a Responses-API model only
# as a `namespace` tool (`mcp__frontier` holding `fuse`), and for the models it knows defers
# them behind its client-side `tool_search`; a call must then carry a `namespace` field, which
# llmock's scripted `tool_calls` cannot emit (Codex answers `unsupported call: ...`). Kept
# selectable with `--hosts codex`, to see that for oneself.
DEFAULT_HOSTS = ("claude", "gemini")

FRONTIER_TIMEOUT = 60
HOST_TIMEOUT = 180

STAND_IN = r'''
import json, sys
ANSWER = sys.argv[1]
def send(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()
for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    msg = json.loads(line)
    mid, method = msg.get("id"), msg.get("method")
    if mid is None:
        continue  # a notification
    if method == "initialize":
        version = msg.get("params", {}).get("protocolVersion", "2025-06-18")
        send({"jsonrpc": "2.0", "id": mid, "result": {"protocolVersion": version,
              "capabilities": {"tools": {}}, "serverInfo": {"name": "frontier-stand-in", "version": "0"}}})
    elif method == "tools/list":
        send({"jsonrpc": "2.0", "id": mid, "result": {"tools": [{"name": "fuse",
              "description": "Ask a panel of models and fuse their answers.",
              "inputSchema": {"type": "object", "properties": {"prompt": {"type": "string"},
                              "preset": {"type": "string"}}, "required": ["prompt"]}}]}})
    elif method == "tools/call":
        send({"jsonrpc": "2.0", "id": mid, "result": {"content": [{"type": "text", "text": ANSWER}],
              "isError": False}})
    elif method == "ping":
        send({"jsonrpc": "2.0", "id": mid, "result": {}})
    else:
        send({"jsonrpc": "2.0", "id": mid, "error": {"code": -32601, "message": "no such method"}})
'''


class Suite(Checks):
    def __init__(self, binary: str, npm_bin: Path, root: Path, mock: Llmock, server: list[str] | None,
                 expected: str) -> None:
        super().__init__()
        self.binary, self.npm_bin, self.root, self.mock = binary, npm_bin, root, mock
        self.server = server  # None: frontier's own, registered by `frontier install --mcp`
        self.expected = expected

    def before_each(self) -> None:
        self.mock.reset()

    def host(self, key: str) -> str:
        install_name, model, tool = HOSTS[key]
        base = self.root / key
        home, codex_home, fhome, tmp, repo = (base / d for d in ("home", "codex", "frontier", "tmp", "repo"))
        for d in (home, codex_home, fhome, tmp, repo):
            d.mkdir(parents=True)
        repo = repo.resolve()
        subprocess.run(["git", "init", "-q", str(repo)], capture_output=True, timeout=30,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)})
        write_codex_config(codex_home, self.mock.base, model=HOSTS["codex"][1])
        write_gemini_auth(home)
        env = agent_cli_env([str(self.npm_bin), str(Path(self.binary).parent)], home, tmp, codex_home,
                            self.mock.base + "/anthropic", self.mock.base, KEYS)
        env["FRONTIER_HOME"] = str(fhome)

        how = self.register(key, install_name, env, home, codex_home, repo)
        self.mock.queue(
            {"type": "reply", "tool_calls": [{"name": tool, "arguments": {"prompt": TOOL_PROMPT, "preset": "demo"}}],
             "match": {"model": f"{model}*", "tools": True}},
            {"type": "reply", "text": HOST_REPLY, "times": None, "match": {"model": f"{model}*"}},
        )
        result = run_tree(self.argv(key, model, tool, home), env, repo, HOST_TIMEOUT)
        expect(result["rc"] is not None, f"{key} did not finish within {HOST_TIMEOUT}s: {result['stderr'][-600:]}")
        requests = [r for r in self.mock.requests() if (r.get("model") or "").startswith(model)
                    or model in json.dumps(r.get("body") or {})[:2000]]
        offered = sorted(tool_names(requests))
        expect(tool in offered, f"{key} offered its model no tool `{tool}`; it offered {offered[:40]}; "
                                f"rc {result['rc']}, stderr: {result['stderr'][-800:]}")
        first = next((i for i, r in enumerate(requests) if tool in tool_names([r])), None)
        later = requests[first + 1:] if first is not None else []
        carrying = [r for r in later if self.expected in request_text(r.get("body"))]
        expect(carrying, f"no request after the tool call carries the tool's result {self.expected!r}; "
                         f"{len(later)} later request(s); rc {result['rc']}; stdout: {result['stdout'][-600:]}; "
                         f"stderr: {result['stderr'][-800:]}")
        expect(HOST_REPLY in result["stdout"], f"{key} did not finish with the model's reply: "
                                               f"{result['stdout'][-600:]} {result['stderr'][-400:]}")
        return f"{how}; {len(requests)} request(s) to {model}, the one after the call carries the result"

    def register(self, key: str, install_name: str, env: dict, home: Path, codex_home: Path, repo: Path) -> str:
        if self.server is None:
            result = run_tree([self.binary, "install", install_name, "--mcp", "--user"], env, repo,
                              FRONTIER_TIMEOUT)
            expect(result["rc"] == 0, f"`frontier install {install_name} --mcp --user` exited {result['rc']}: "
                                      f"{result['stderr'][-600:]}")
            return f"`frontier install {install_name} --mcp --user` registered `{self.binary} mcp`"
        command, args = self.server[0], self.server[1:]
        if key == "claude":
            path = home / ".claude.json"
            path.write_text(json.dumps({"mcpServers": {"frontier": {"type": "stdio", "command": command,
                                                                    "args": args}}}))
        elif key == "codex":
            path = codex_home / "config.toml"
            with path.open("a") as f:
                f.write(f"\n[mcp_servers.frontier]\ncommand = {json.dumps(command)}\nargs = {json.dumps(args)}\n"
                        "tool_timeout_sec = 600\n")
        else:
            path = home / ".gemini" / "settings.json"
            settings = json.loads(path.read_text())
            settings["mcpServers"] = {"frontier": {"command": command, "args": args, "timeout": 600000}}
            path.write_text(json.dumps(settings))
        return f"`{shlex.join(self.server)}` registered by hand in {path.name}"

    def argv(self, key: str, model: str, tool: str, home: Path) -> list[str]:
        if key == "claude":
            return ["claude", "-p", USER_PROMPT, "--model", model, "--output-format", "text",
                    "--allowedTools", tool, "--disable-slash-commands"]
        if key == "codex":
            return ["codex", "exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox",
                    USER_PROMPT]
        return ["gemini", "-m", model, "-p", USER_PROMPT, "--yolo", "--output-format", "text"]


def tool_names(requests: list[dict]) -> set[str]:
    """The names of the tools these requests offered (Anthropic, Responses and Gemini shapes)."""
    names: set[str] = set()
    for r in requests:
        body = r.get("body") or {}
        for t in body.get("tools") or []:
            if not isinstance(t, dict):
                continue
            if isinstance(t.get("name"), str):
                names.add(t["name"])
            if isinstance(t.get("function"), dict) and isinstance(t["function"].get("name"), str):
                names.add(t["function"]["name"])
            for decl in t.get("functionDeclarations") or t.get("function_declarations") or []:
                if isinstance(decl, dict) and isinstance(decl.get("name"), str):
                    names.add(decl["name"])
    return names


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm-bin", default=str(repo / ".e2e/npm/node_modules/.bin"),
                        help="directory holding the claude, codex and gemini executables")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--hosts", default=",".join(DEFAULT_HOSTS),
                        help=f"hosts to test (default: {','.join(DEFAULT_HOSTS)}; codex cannot be driven, see above)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--server-cmd", help="the MCP server to register instead of `<frontier> mcp`, "
                       "as one shell-quoted string")
    which.add_argument("--stand-in", action="store_true", help="register the check's own stand-in server")
    parser.add_argument("--expect", help="the text the tool result must carry (default: the demo preset's "
                        "fused answer, or the stand-in's)")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    if not hosts or any(h not in HOSTS for h in hosts):
        print(f"error: unknown host(s) in {hosts}; known: {list(HOSTS)}", file=sys.stderr)
        return 2
    npm_bin = Path(args.npm_bin).resolve()
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="frontier-mcp-host-"))
    mock = suite = None
    try:
        if args.stand_in:
            script = root / "stand_in_mcp.py"
            script.write_text(STAND_IN)
            server, expected = [sys.executable, str(script), STAND_IN_ANSWER], STAND_IN_ANSWER
        elif args.server_cmd:
            server, expected = shlex.split(args.server_cmd), FUSED_ANSWER
        else:
            server, expected = None, FUSED_ANSWER
        mock = Llmock(exe, root)
        version = mock.wait_healthy()
        versions = "; ".join(f"{h} {cli_version(npm_bin / h)}" for h in hosts)
        print(f"llmock {version} on {mock.base}; {versions}", flush=True)
        suite = Suite(binary, npm_bin, root, mock, server, args.expect or expected)
        for key in hosts:
            suite.check(f"[{key}] the host's model calls `fuse`; its next request carries the tool result",
                        lambda: suite.host(key))
    except CheckFailed as exc:
        print(f"FAIL  mcp host check aborted: {exc}", flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        if mock is not None:
            mock.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(suite.summary())
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
