#!/usr/bin/env python3
"""End-to-end check of `frontier install HOST --mcp --user` inside more real hosts (Qwen
Code, GitHub Copilot CLI, OpenCode, Cline, Kilo, Factory Droid, Continue; pinned in
tests/e2e/setup), each driven headless against llmock:

    python tests/e2e/mcp_hosts_check.py target/debug/frontier [--hosts-bin DIR] [--llmock PATH]
        [--hosts qwen,copilot,opencode,cline,kilo,droid,continue]

For each host, in its own temporary git repo with its own HOME, FRONTIER_HOME and TMPDIR
and a cleared environment: the host's own model settings point at llmock (written by the
check), then `frontier install HOST --mcp --user` registers `<frontier> mcp` in the host's
user file, merging with those settings. llmock's scripted reply to the host's first
request offering frontier's `fuse` tool is a call of it with a prompt and the demo preset
(mock models, offline); the host starts the server, calls the tool, and its next request
to its model must carry the tool's result (the demo's fused answer). llmock then answers
with plain text and the host finishes.

Two hosts need more. Factory Droid runs as a `droid exec` stream-jsonrpc session (the
driver of host_qwen_droid_check.py), which connects its MCP servers before its first
request (plain `droid exec` does not); that request must name frontier's tool among its
deferred tools, llmock's first reply loads it with Droid's ToolSearch, and the driver
allows the tool once when Droid asks. Continue's `cn` reads no `.continue/mcpServers/`
directory, so it gets frontier's block file as `--mcp FILE` (docs/mcp.md).

Each host names the tool its own way (Qwen Code `mcp__frontier__fuse`, Copilot CLI
`frontier-fuse`, OpenCode and Kilo `frontier_fuse`, Cline `frontier__fuse`, Droid
`frontier___fuse`, Continue `fuse`); a failure lists the tool names the host offered. Standard library only. One PASS/FAIL line per host with its
seconds, and `N passed, M failed` last; exits non-zero on any failure. llmock is stopped and
every process tree the check started is killed, whatever happens.
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

from e2e_common import CheckFailed, Checks, Llmock, expect, request_text, run_tree
from host_qwen_droid_check import droid_turn
from mcp_host_check import FUSED_ANSWER, HOST_REPLY, TOOL_PROMPT, USER_PROMPT, tool_names

KEY = "e2e-mcp-hosts-key-5e19"
MODEL = "gpt-4o"
# With an OpenAI model name, droid adds a warning to the prompt to use its `openai` provider.
DROID_MODEL = "mock-model"
# host -> (the tool's name as the host's model sees it, the executable under --hosts-bin)
HOSTS = {
    "qwen": ("mcp__frontier__fuse", "qwen"),
    "copilot": ("frontier-fuse", "copilot"),
    "opencode": ("frontier_fuse", "opencode"),
    "cline": ("frontier__fuse", "cline"),
    "kilo": ("frontier_fuse", "../@kilocode/cli-linux-x64/bin/kilo"),
    "droid": ("frontier___fuse", "droid"),
    "continue": ("fuse", "cn"),
}
DEFAULT_HOSTS = tuple(HOSTS)
# Droid defers MCP tools: its first request names them in a "Deferred tools:" list, and
# the model loads one with its ToolSearch tool before it can call it.
DROID_LOADER = "ToolSearch"
FRONTIER_TIMEOUT = 60
HOST_TIMEOUT = 180


class Suite(Checks):
    def __init__(self, binary: str, hosts_bin: Path, root: Path, mock: Llmock) -> None:
        super().__init__()
        self.binary, self.hosts_bin, self.root, self.mock = binary, hosts_bin, root, mock

    def before_each(self) -> None:
        self.mock.reset()

    def host(self, key: str) -> str:
        tool, exe = HOSTS[key]
        base = self.root / key
        home, fhome, tmp, repo = (base / d for d in ("home", "frontier", "tmp", "repo"))
        for d in (home, fhome, tmp, repo):
            d.mkdir(parents=True)
        repo = repo.resolve()
        subprocess.run(["git", "init", "-q", str(repo)], capture_output=True, timeout=30,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)})
        system_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
        env = {"PATH": os.pathsep.join([str(self.hosts_bin), str(Path(self.binary).parent), system_path]),
               "HOME": str(home), "TMPDIR": str(tmp), "LANG": "C.UTF-8", "FRONTIER_HOME": str(fhome)}
        getattr(self, f"setup_{key}")(home, env)

        installed = run_tree([self.binary, "install", key, "--mcp", "--user"], env, repo, FRONTIER_TIMEOUT)
        expect(installed["rc"] == 0, f"`frontier install {key} --mcp --user` exited {installed['rc']}: "
                                     f"{installed['stderr'][-600:]}")
        model = DROID_MODEL if key == "droid" else MODEL
        call = {"type": "reply", "tool_calls": [{"name": tool, "arguments": {"prompt": TOOL_PROMPT, "preset": "demo"}}],
                "match": {"model": f"{model}*", "tools": True}, "times": 1}
        if key == "droid":
            load = {"name": DROID_LOADER, "arguments": {"query": f"select:{tool}"}}
            self.mock.queue({**call, "tool_calls": [load]})
        self.mock.queue(call, {"type": "reply", "text": HOST_REPLY, "times": None, "match": {"model": f"{model}*"}})
        if key == "droid":
            # A stream-jsonrpc session: it connects the MCP servers before its first
            # request, and asks the driver before it runs an MCP tool (allowed once).
            result = droid_turn(self.hosts_bin / exe, env, repo, USER_PROMPT, permit=True, timeout=HOST_TIMEOUT)
        else:
            result = run_tree(self.argv(key, exe, home), env, repo, HOST_TIMEOUT)
        expect(result["rc"] is not None, f"{key} did not finish within {HOST_TIMEOUT}s: {result['stderr'][-600:]}")
        requests = self.mock.requests()
        offered = sorted(tool_names(requests))
        if key == "droid":
            turns = [r for r in requests if (r.get("body") or {}).get("tools")]
            named = deferred_tools(turns[0]) if turns else []
            expect(tool in named or tool in tool_names(turns[:1]),
                   f"droid's first request neither offers `{tool}` nor names it among its deferred tools "
                   f"{named[:40]}; MCP status {result['mcp']}")
            expect(result["asked"] == [tool], f"droid asked permission for {result['asked']}, not once for `{tool}`")
        expect(tool in offered, f"{key} offered its model no tool `{tool}`; it offered {offered[:40]}; "
                                f"rc {result['rc']}, stderr: {result['stderr'][-800:]}")
        first = next((i for i, r in enumerate(requests) if tool in tool_names([r])), None)
        later = requests[first + 1:] if first is not None else []
        carrying = [r for r in later if FUSED_ANSWER in request_text(r.get("body"))]
        output = result.get("stdout", result.get("answer", ""))
        last = request_text(later[-1].get("body"))[-600:] if later else ""
        expect(carrying, f"no request after the tool call carries the tool's result {FUSED_ANSWER!r}; "
                         f"{len(later)} later request(s), the last ending {last!r}; rc {result['rc']}; "
                         f"output: {output[-600:]}; stderr: {result['stderr'][-800:]}")
        return (f"`frontier install {key} --mcp --user`; {len(requests)} request(s) to llmock, `{tool}` offered, "
                "the request after the call carries its result")

    # -- each host's own model settings, pointing at llmock ---------------------------

    def setup_qwen(self, home: Path, env: dict) -> None:
        settings = home / ".qwen" / "settings.json"
        settings.parent.mkdir(parents=True)
        # Qwen Code defers MCP tools behind `tool_search` unless `tools.visible` names them:
        # what docs/mcp.md tells users to add.
        settings.write_text(json.dumps({"privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False},
                                        "tools": {"visible": ["mcp__frontier__fuse"]}}))
        env.update({"OPENAI_BASE_URL": self.mock.base + "/v1", "OPENAI_API_KEY": KEY, "OPENAI_MODEL": MODEL})

    def setup_copilot(self, home: Path, env: dict) -> None:
        env.update({"COPILOT_OFFLINE": "true", "COPILOT_AUTO_UPDATE": "false",
                    "COPILOT_PROVIDER_BASE_URL": self.mock.base + "/v1", "COPILOT_PROVIDER_TYPE": "openai",
                    "COPILOT_PROVIDER_API_KEY": KEY, "COPILOT_MODEL": MODEL})

    def setup_opencode(self, home: Path, env: dict) -> None:
        config = home / ".config" / "opencode"
        config.mkdir(parents=True)
        (config / "opencode.json").write_text(json.dumps({
            "autoupdate": False, "share": "disabled", "model": f"llmock/{MODEL}",
            "provider": {"llmock": {"npm": "@ai-sdk/openai-compatible", "name": "llmock",
                                    "options": {"baseURL": self.mock.base + "/v1", "apiKey": KEY},
                                    "models": {MODEL: {"name": MODEL}}}}}, indent=2))
        # OpenCode installs its plugin package into each config dir at run time: give it
        # the pinned one (tests/e2e/setup keeps it in a prefix of its own, whose peer
        # dependencies clash with the other CLIs'), so nothing is fetched.
        plugin = Path(__file__).resolve().parents[2] / ".e2e" / "host-plugins" / "opencode"
        shutil.copytree(plugin, config, copy_function=os.link, dirs_exist_ok=True)
        env.update({"OPENCODE_DISABLE_AUTOUPDATE": "true", "OPENCODE_DISABLE_MODELS_FETCH": "true",
                    "OPENCODE_DISABLE_DEFAULT_PLUGINS": "true", "OPENCODE_DISABLE_LSP_DOWNLOAD": "true"})

    def setup_cline(self, home: Path, env: dict) -> None:
        env["CLINE_SESSION_BACKEND_MODE"] = "local"
        auth = run_tree([str(self.hosts_bin / "cline"), "auth", "-p", "openai", "-k", KEY, "-m", MODEL,
                         "-b", self.mock.base + "/v1"], env, home, 60)
        expect(auth["rc"] == 0, f"cline auth exited {auth['rc']}: {auth['stderr'][-400:]}")

    def setup_kilo(self, home: Path, env: dict) -> None:
        config = home / ".config" / "kilo"
        config.mkdir(parents=True)
        (config / "kilo.json").write_text(json.dumps({
            "autoupdate": False, "share": "disabled", "model": f"llmock/{MODEL}",
            "provider": {"llmock": {"npm": "@ai-sdk/openai-compatible", "name": "llmock",
                                    "options": {"baseURL": self.mock.base + "/v1", "apiKey": KEY},
                                    "models": {MODEL: {"name": MODEL}}}}}, indent=2))
        env.update({name: "true" for name in (
            "KILO_DISABLE_AUTOUPDATE", "KILO_DISABLE_MODELS_FETCH", "KILO_DISABLE_DEFAULT_PLUGINS",
            "KILO_DISABLE_LSP_DOWNLOAD", "KILO_DISABLE_SHARE", "KILO_DISABLE_SESSION_INGEST")})

    def setup_droid(self, home: Path, env: dict) -> None:
        settings = home / ".factory" / "settings.json"
        settings.parent.mkdir(parents=True)
        settings.write_text(json.dumps({"cloudSessionSync": False, "customModels": [{
            "model": DROID_MODEL, "displayName": "llmock", "baseUrl": self.mock.base + "/v1", "apiKey": KEY,
            "provider": "generic-chat-completion-api", "maxOutputTokens": 4096}]}))
        env["FACTORY_AIRGAP_ENABLED"] = "true"

    def setup_continue(self, home: Path, env: dict) -> None:
        config = home / ".continue" / "config.yaml"
        config.parent.mkdir(parents=True)
        config.write_text(
            "name: e2e\nversion: 0.0.1\nschema: v1\nmodels:\n"
            f"  - name: llmock\n    provider: openai\n    model: {MODEL}\n    apiBase: {self.mock.base}/v1\n"
            f"    apiKey: {KEY}\n    roles: [chat, edit, apply]\n    capabilities: [tool_use]\n")
        env["CONTINUE_TELEMETRY_ENABLED"] = "0"

    def argv(self, key: str, exe: str, home: Path) -> list[str]:
        exe = str(self.hosts_bin / exe)
        if key == "qwen":
            return [exe, "-p", USER_PROMPT, "--auth-type", "openai", "--yolo"]
        if key == "copilot":
            return [exe, "-p", USER_PROMPT, "--allow-all-tools", "--disable-client-telemetry"]
        if key in ("opencode", "kilo"):
            return [exe, "run", USER_PROMPT]
        if key == "continue":
            # cn 1.5.47 reads no `.continue/mcpServers/` directory: a block file reaches it
            # only as `--mcp PATH` (docs/mcp.md).
            return [exe, "-p", "--auto", "--config", str(home / ".continue" / "config.yaml"),
                    "--mcp", str(home / ".continue" / "mcpServers" / "frontier.yaml"), USER_PROMPT]
        return [exe, "--json", USER_PROMPT]


def deferred_tools(request: dict) -> list[str]:
    """The tool names a Droid request lists after "Deferred tools:" (one a line, up to the
    end of its system reminder)."""
    text = request_text(request.get("body"))
    start = text.find("Deferred tools:")
    if start < 0:
        return []
    block = text[start + len("Deferred tools:"):].split("</system-reminder>", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def version(exe: Path) -> str:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()})
        return (out.stdout.decode(errors="replace").strip().splitlines() or ["?"])[0]
    except (OSError, subprocess.TimeoutExpired):
        return "unknown version"


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--hosts-bin", default=str(repo / ".e2e/npm/node_modules/.bin"),
                        help="directory holding the hosts' executables")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--hosts", default=",".join(DEFAULT_HOSTS), help=f"hosts to test (known: {','.join(HOSTS)})")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    if not hosts or any(h not in HOSTS for h in hosts):
        print(f"error: unknown host(s) in {hosts}; known: {list(HOSTS)}", file=sys.stderr)
        return 2
    hosts_bin = Path(args.hosts_bin).resolve()
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="frontier-mcp-hosts-"))
    mock = suite = None
    try:
        mock = Llmock(exe, root)
        llmock_version = mock.wait_healthy()
        versions = "; ".join(f"{h} {version(hosts_bin / HOSTS[h][1])}" for h in hosts)
        print(f"llmock {llmock_version} on {mock.base}; {versions}", flush=True)
        suite = Suite(binary, hosts_bin, root, mock)
        for key in hosts:
            suite.check(f"[{key}] frontier's `fuse` reaches the model; a scripted call returns the fused answer",
                        lambda: suite.host(key))
    except CheckFailed as exc:
        print(f"FAIL  mcp hosts check aborted: {exc}", flush=True)
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
