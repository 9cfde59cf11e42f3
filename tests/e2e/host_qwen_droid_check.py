#!/usr/bin/env python3
"""End-to-end check of frontier's autorun inside the real Qwen Code and Factory Droid CLIs
(pinned in tests/e2e/setup), each driven headless against llmock:

    python tests/e2e/host_qwen_droid_check.py target/debug/frontier [--npm-bin DIR] [--llmock PATH]
        [--hosts qwen,droid]

For each host, in its own temporary git repo with its own HOME and FRONTIER_HOME and a
cleared environment (PATH holds the CLIs and the directory of the frontier binary):

  install  `frontier install <host> --project REPO` writes frontier's UserPromptSubmit
           hook into `.qwen/settings.json` / `.factory/settings.json` (600 s), and a second
           install changes nothing;
  armed    with the demo preset armed for the host's project scope, a headless turn sends
           the model exactly one request carrying frontier's banner and the demo's fused
           answer inside its frame, and the host still finishes its turn with the model's
           scripted reply;
  off      after `frontier mode off`, nothing of frontier's reaches the model.

Qwen Code runs as `qwen -p PROMPT --auth-type openai` (OPENAI_BASE_URL on llmock). Droid
runs its prompt hooks only in sessions, not in a one-shot `droid exec "PROMPT"`, so the
check drives `droid exec --input-format stream-jsonrpc -o stream-jsonrpc` as a client
would: `droid.initialize_session`, then `droid.add_user_message`, then it waits for the
`agent_turn_completed` notification. Droid's model is a `customModels` entry on llmock
(`custom:llmock-0`), with `FACTORY_AIRGAP_ENABLED=true` and `cloudSessionSync: false` so
that it reaches for nothing else.

Standard library only. One PASS/FAIL line per check, a timing line, and `N passed, M
failed` last; exits non-zero on any failure. llmock is stopped and every process tree the
check started is killed, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from e2e_common import CheckFailed, Checks, Llmock, cli_version, expect, kill_group, request_text, run_tree

PROMPT = "Why is the sky blue at noon?"  # over the 12-character minimum
BANNER_RE = re.compile(r"⚡ Frontier · fusion · demo · 3 models · \d+s")
# What the demo preset's scripted synth says to a question that is not a sum.
FUSED_ANSWER = "played by mock models: no real model read your question"
ANSWER_NONCE_RE = re.compile(r"\[\[frontier-answer ([0-9a-f]{32})\]\]")
FRONTIER_MARKERS = ("⚡ Frontier", "[[frontier-answer ", "[[end frontier-answer ", "frontier already ran")
HOST_REPLY = "Scripted host reply: Rayleigh scattering favours short wavelengths."
API_KEY = "e2e-qwen-droid-key-51c3"

FRONTIER_TIMEOUT = 60  # seconds for a frontier command
HOST_TIMEOUT = 120  # seconds for one headless turn, hook included
DROID_MODEL = "custom:llmock-0"
HOSTS = {"qwen": ".qwen/settings.json", "droid": ".factory/settings.json"}


class Sandbox:
    """A temporary git repo with its own HOME, FRONTIER_HOME and TMPDIR, and the host's
    user settings pointing it at llmock."""

    def __init__(self, host: str, root: Path, binary: str, npm_bin: Path, mock: Llmock) -> None:
        self.host, self.binary, self.npm_bin, self.mock = host, binary, npm_bin, mock
        base = root / host
        self.home, self.frontier_home, self.tmp, self.repo = (base / d for d in ("home", "frontier", "tmp", "repo"))
        for d in (self.home, self.frontier_home, self.tmp, self.repo):
            d.mkdir(parents=True)
        self.repo = self.repo.resolve()
        git = subprocess.run(["git", "init", "-q", str(self.repo)], capture_output=True, timeout=30,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home)})
        expect(git.returncode == 0, f"git init failed: {git.stderr.decode(errors='replace')}")
        path = os.pathsep.join([str(npm_bin), str(Path(binary).parent), os.environ.get("PATH", "/usr/bin:/bin")])
        self.env = {"PATH": path, "HOME": str(self.home), "TMPDIR": str(self.tmp), "LANG": "C.UTF-8",
                    "FRONTIER_HOME": str(self.frontier_home)}
        if host == "qwen":
            # No telemetry, and no background memory agent asking the model after the turn.
            self.write_json(self.home / ".qwen/settings.json", {
                "privacy": {"usageStatisticsEnabled": False}, "telemetry": {"enabled": False},
                "memory": {"enableManagedAutoMemory": False, "enableManagedAutoDream": False}})
            self.env.update({"OPENAI_BASE_URL": f"{mock.base}/v1", "OPENAI_API_KEY": API_KEY,
                             "OPENAI_MODEL": "gpt-4o"})
        else:
            # A model name that is not OpenAI's: with one, Droid adds a warning to the prompt.
            self.write_json(self.home / ".factory/settings.json", {
                "cloudSessionSync": False,
                "customModels": [{"model": "mock-model", "displayName": "llmock", "baseUrl": f"{mock.base}/v1",
                                  "apiKey": API_KEY, "provider": "generic-chat-completion-api",
                                  "maxOutputTokens": 4096}]})
            self.env["FACTORY_AIRGAP_ENABLED"] = "true"

    @staticmethod
    def write_json(path: Path, value: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value, indent=2) + "\n")

    @property
    def settings_path(self) -> Path:
        return self.repo / HOSTS[self.host]

    def frontier(self, *args: str) -> dict:
        result = run_tree([self.binary, *args], self.env, self.repo, FRONTIER_TIMEOUT)
        expect(result["rc"] == 0, f"`frontier {' '.join(args)}` exited {result['rc']}: "
                                  f"{(result['stderr'] or result['stdout']).strip()[-600:]}")
        return result

    def turn(self, prompt: str) -> dict:
        """One headless turn; returns rc, the host's answer, stderr and wall seconds."""
        if self.host == "qwen":
            result = run_tree(["qwen", "-p", prompt, "--auth-type", "openai"], self.env, self.repo, HOST_TIMEOUT)
            expect(result["rc"] is not None, f"qwen did not finish within {HOST_TIMEOUT}s")
            return {**result, "answer": result["stdout"]}
        return droid_turn(self.npm_bin / "droid", self.env, self.repo, prompt)

    def model_requests(self) -> list[dict]:
        """The host's requests to the model that offered tools (its agent turns, not
        Droid's session-title request)."""
        return [{"text": request_text(r.get("body")), "body": r.get("body")} for r in self.mock.requests()
                if r["method"] == "POST" and r["path"].endswith("/chat/completions") and (r.get("body") or {}).get("tools")]


def droid_turn(exe: Path, env: dict, cwd: Path, prompt: str, permit: bool = False,
               timeout: float = HOST_TIMEOUT) -> dict:
    """Runs one prompt through a Droid stream-jsonrpc session and waits for the turn to
    complete. The session waits for its MCP servers to connect before its first request to
    the model (plain `droid exec` does not). Droid asks the driver before it runs a tool
    that needs confirmation (an MCP tool, say) with a `droid.request_permission` request:
    answered `proceed_once` when `permit`, else `cancel`; the tools asked about are returned
    under "asked", the servers' last MCP status under "mcp". The process group is killed
    when the turn is over, or at the deadline `timeout` seconds on. mcp_hosts_check.py
    imports it."""
    started = time.monotonic()
    proc = subprocess.Popen([str(exe), "exec", "--input-format", "stream-jsonrpc", "-o", "stream-jsonrpc",
                             "-m", DROID_MODEL], env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(l) for l in proc.stdout] + [lines.put(None)], daemon=True).start()
    err: list[bytes] = []
    threading.Thread(target=lambda: err.extend(proc.stderr), daemon=True).start()
    deadline = started + timeout
    answer: list[str] = []
    asked: list[str] = []
    mcp: list[dict] = []

    def write(message: dict) -> None:
        envelope = {"factoryApiVersion": "1.0.0", "factoryProtocolVersion": "1.220.0", "jsonrpc": "2.0"}
        proc.stdin.write((json.dumps({**envelope, **message}) + "\n").encode())
        proc.stdin.flush()

    def send(rid: str, method: str, params: dict) -> None:
        write({"type": "request", "id": rid, "method": method, "params": params})

    def until(done) -> None:
        while True:
            left = deadline - time.monotonic()
            expect(left > 0, f"droid did not answer within {timeout}s")
            try:
                raw = lines.get(timeout=left)
            except queue.Empty:
                continue
            expect(raw is not None, f"droid closed its output: {b''.join(err).decode(errors='replace')[-600:]}")
            try:
                message = json.loads(raw)
            except ValueError:
                continue
            expect(message.get("type") != "response" or "error" not in message, f"droid refused: {raw[:400]!r}")
            if message.get("type") == "request" and message.get("method") == "droid.request_permission":
                uses = (message.get("params") or {}).get("toolUses") or []
                asked.extend(str((u.get("toolUse") or {}).get("name")) for u in uses)
                write({"type": "response", "id": message.get("id"),
                       "result": {"selectedOption": "proceed_once" if permit else "cancel"}})
            note = (message.get("params") or {}).get("notification") or {}
            if note.get("type") == "mcp_status_changed":
                mcp[:] = note.get("servers") or []
            if note.get("type") == "create_message" and (note.get("message") or {}).get("role") == "assistant":
                answer.extend(b.get("text", "") for b in note["message"].get("content", []) if isinstance(b, dict))
            if done(message, note):
                return

    try:
        send("1", "droid.initialize_session", {"machineId": "e2e", "cwd": str(cwd), "modelId": DROID_MODEL})
        until(lambda m, n: m.get("type") == "response" and m.get("id") == "1")
        send("2", "droid.add_user_message", {"text": prompt})
        until(lambda m, n: n.get("type") == "agent_turn_completed")
    finally:
        try:
            proc.stdin.close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        kill_group(proc.pid)
        proc.wait(timeout=10)
    return {"rc": 0, "answer": "\n".join(answer), "stderr": b"".join(err).decode(errors="replace"),
            "wall": time.monotonic() - started, "asked": asked, "mcp": mcp}


def frontier_markers(text: str) -> list[str]:
    return [m for m in FRONTIER_MARKERS if m in text]


class Suite(Checks):
    def __init__(self, mock: Llmock) -> None:
        super().__init__()
        self.mock = mock
        self.timings: dict[str, dict[str, float]] = {}

    def before_each(self) -> None:
        self.mock.reset()

    def script_reply(self) -> None:
        # Only requests that offer tools: Droid also asks the model for a session title.
        self.mock.queue({"type": "reply", "text": HOST_REPLY, "match": {"tools": True}})

    def install(self, sb: Sandbox) -> str:
        sb.frontier("install", sb.host, "--project", str(sb.repo))
        before = sb.settings_path.read_bytes()
        again = sb.frontier("install", sb.host, "--project", str(sb.repo))
        expect(sb.settings_path.read_bytes() == before, f"a second install changed {HOSTS[sb.host]}")
        expect("already installed" in again["stderr"], f"the second install said: {again['stderr'][-300:]!r}")
        groups = json.loads(before)["hooks"]["UserPromptSubmit"]
        ours = [h for g in groups for h in g["hooks"] if "hook --host" in h.get("command", "")]
        expect(len(ours) == 1, f"{len(ours)} frontier hooks in {HOSTS[sb.host]}: {before[:400]!r}")
        argv = shlex.split(ours[0]["command"])
        expect(os.path.realpath(argv[0]) == os.path.realpath(sb.binary) and argv[1:] == ["hook", "--host", sb.host],
               f"the hook runs {ours[0]['command']!r}")
        expect(ours[0].get("timeout") == 600, f"the hook's timeout is {ours[0].get('timeout')!r}, not 600 s")
        return f"{HOSTS[sb.host]}: {ours[0]['command']!r}, timeout 600"

    def armed(self, sb: Sandbox) -> str:
        sb.frontier("mode", "fusion", "--preset", "demo", "--scope", f"{sb.host}-project")
        self.script_reply()
        result = sb.turn(PROMPT)
        self.timings.setdefault(sb.host, {})["armed"] = result["wall"]
        expect(result["rc"] == 0, f"{sb.host} exited {result['rc']}: {result['stderr'][-600:]}")
        expect(HOST_REPLY in result["answer"], f"{sb.host} answered {result['answer'][:300]!r}, not the model's reply")
        requests = sb.model_requests()
        with_banner = [r for r in requests if BANNER_RE.search(r["text"])]
        expect(len(with_banner) == 1, f"{len(with_banner)} of {len(requests)} model requests carry the banner; "
                                      f"markers: {[frontier_markers(r['text']) for r in requests]}; "
                                      f"stderr: {result['stderr'][-400:]}")
        text = with_banner[0]["text"]
        expect(PROMPT in text, "the request with frontier's context lacks the user's prompt")
        nonces = set(ANSWER_NONCE_RE.findall(text))
        expect(len(nonces) == 1, f"the request holds {len(nonces)} answer nonces, not one")
        nonce = nonces.pop()
        start = text.rindex(f"[[frontier-answer {nonce}]]")
        end = text.rindex(f"[[end frontier-answer {nonce}]]")
        expect(start < end and FUSED_ANSWER in text[start:end], "the fused answer is not inside the answer's frame")
        return f"{len(requests)} model request(s); banner {BANNER_RE.search(text).group(0)!r}; turn {result['wall']:.1f}s"

    def off(self, sb: Sandbox) -> str:
        sb.frontier("mode", "off", "--scope", f"{sb.host}-project")
        self.script_reply()
        result = sb.turn(PROMPT)
        self.timings.setdefault(sb.host, {})["off"] = result["wall"]
        expect(result["rc"] == 0, f"{sb.host} exited {result['rc']}: {result['stderr'][-600:]}")
        expect(HOST_REPLY in result["answer"], f"{sb.host} answered {result['answer'][:300]!r}")
        requests = sb.model_requests()
        expect(any(PROMPT in r["text"] for r in requests), "no model request carries the prompt")
        for r in requests:
            seen = frontier_markers(r["text"])
            expect(not seen, f"a model request carries frontier's context: {seen}")
        return f"{len(requests)} model request(s), none with frontier's context; turn {result['wall']:.1f}s"


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm-bin", default=str(repo / ".e2e/npm/node_modules/.bin"))
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--hosts", default=",".join(HOSTS))
    args = parser.parse_args()
    binary = str(Path(args.frontier).resolve())
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    if not hosts or any(h not in HOSTS for h in hosts):
        print(f"error: hosts are {list(HOSTS)}", file=sys.stderr)
        return 2
    npm_bin = Path(args.npm_bin).resolve()
    missing = [h for h in hosts if not os.access(npm_bin / h, os.X_OK)]
    if missing:
        print(f"error: {', '.join(missing)} not in {npm_bin}; run tests/e2e/setup", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="frontier-qwen-droid-"))
    mock = suite = None
    try:
        mock = Llmock(exe, root)
        version = mock.wait_healthy()
        versions = "; ".join(f"{h} {cli_version(npm_bin / h)}" for h in hosts)
        print(f"llmock {version} on {mock.base}; {versions}", flush=True)
        suite = Suite(mock)
        for host in hosts:
            started = time.monotonic()
            sb = Sandbox(host, root, binary, npm_bin, mock)
            if not suite.check(f"[{host}] install: `frontier install {host} --project REPO` writes the hook into "
                               f"{HOSTS[host]}", lambda: suite.install(sb)):
                continue
            suite.check(f"[{host}] armed: demo preset on {host}-project -> the model request carries the banner "
                        "and the fused answer", lambda: suite.armed(sb))
            suite.check(f"[{host}] off: after `frontier mode off` nothing of frontier's reaches the model",
                        lambda: suite.off(sb))
            suite.timings.setdefault(host, {})["all"] = time.monotonic() - started
    except Exception as exc:
        print(f"FAIL  check aborted: {type(exc).__name__}: {exc}", flush=True)
        if mock is not None:
            print(mock.log_tail(), flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        if mock is not None:
            mock.stop()
        shutil.rmtree(root, ignore_errors=True)
    print("host times: " + "; ".join(f"{h} " + ", ".join(f"{k} {v:.1f}s" for k, v in t.items())
                                      for h, t in suite.timings.items()), flush=True)
    print(suite.summary())
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
