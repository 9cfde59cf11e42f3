#!/usr/bin/env python3
"""End-to-end check of frontier's agent-CLI providers: the real `claude`, `codex` and
`gemini` CLIs (pinned in tests/e2e/setup), pointed at local servers, as panel members.

    python tests/e2e/cli_check.py target/debug/frontier [--npm-bin DIR] [--llmock PATH]
        [--clis claude,codex,gemini]

- codex talks to llmock's OpenAI Responses API (`/v1`), through a `config.toml` in a
  temporary CODEX_HOME that names a `local` model provider;
- gemini talks to llmock's Gemini API (`/gemini`);
- claude talks to a small Anthropic Messages server inside this script. llmock is too
  strict for it: Claude Code puts its system reminders in `role: "system"` messages for
  the newer models (opus), which llmock answers with 422. This server accepts them,
  streams a scripted answer with fixed usage, and logs every request.

Each server scripts exact answers, and frontier runs in a cleared environment (PATH with
the CLIs' bin directory first, a temporary HOME, FRONTIER_HOME, and each CLI's own
variables, which frontier must pass through its allow-list):

  (a) a panel of the CLIs answers, judged by claude and synthesised by codex, with the
      scripted texts, usage, verdict and synthesis; each server saw its CLI's requests;
  (b) single mode on each CLI returns the scripted text;
  (c) each server refuses the key (401; 403 for claude, which retries a 401 for
      minutes): every CLI member fails with `error_kind` auth and the server's message,
      and the run still succeeds on a mock member.

Standard library only. Prints one line per check and ends with `N passed, M failed`;
exits non-zero on any failure. llmock is stopped by its PID, the Messages server shut
down, whatever happens.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROMPT = "In one sentence: what does a read-only sandbox protect against?"

ALL_CLIS = ["claude", "codex", "gemini"]

# The panel: one member per CLI. Models are matched by the servers to pick the scripted
# answer, so the judge and the synth use other models than the members. claude resolves
# its aliases itself (`opus` becomes a full model id in the request).
MEMBER_MODEL = {"claude": "sonnet", "codex": "gpt-5.5", "gemini": "gemini-2.5-flash"}
JUDGE = ("claude", "opus")
SYNTH = ("codex", "gpt-5.4")

ANSWER = {
    "claude": "Claude here: it keeps the agent from changing files or running commands.",
    "codex": "Codex here: it stops writes outside what the user allowed, so a wrong step cannot damage the repo.",
    "gemini": "Gemini here: a read-only sandbox lets the agent look but never modify the workspace.",
}
SYNTH_TEXT = ("Synthesis: a read-only sandbox lets an agent read the workspace but never write to it "
              "or run commands that change it, so a mistaken or hostile step cannot do damage.")

# The usage the Messages server reports for every answer; claude's result object adds
# them up over the turn, and frontier counts cache reads and writes as input.
CLAUDE_USAGE = {"input_tokens": 1200, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 200,
                "output_tokens": 17}
CLAUDE_INPUT = sum(CLAUDE_USAGE[k] for k in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"))

# Dummy keys, distinct so a leak can be spotted, and checked where they arrive.
KEYS = {
    "ANTHROPIC_API_KEY": "e2e-anthropic-key-51d0c2",
    "LOCAL_API_KEY": "e2e-codex-key-8b41e7",
    "GEMINI_API_KEY": "e2e-gemini-key-c93a05",
}

AUTH_MESSAGE = "e2e: this key is not valid"
# The status each server refuses with in (c). claude gets 403: Claude Code 2.1.197 retries
# a 401 with backoff for minutes (7 attempts in 30 s), so its member would only end at
# frontier's deadline; a 403 it reports at once ("Failed to authenticate").
AUTH_STATUS = {"claude": 403, "codex": 401, "gemini": 401}

# Known frontier bugs, as (check, expectation): a failed expectation listed here is
# printed as KNOWN and not counted; one that passes is printed as FIXED, so the entry
# can be removed. Keep this empty unless a bug is reported and awaiting a fix.
KNOWN_ISSUES: set = set()

RUN_TIMEOUT = 120  # seconds a frontier run may take before the check gives up on it
CLI_DEADLINE_SECS = 90  # frontier's own per-member deadline (--timeout)


class CheckFailed(Exception):
    pass


def expect(cond: bool, message: str) -> None:
    if not cond:
        raise CheckFailed(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def verdict_for(labels: list[str]) -> str:
    """A valid verdict over `labels`: scores 9, 8, 7... in label order, ranked that way."""
    scores = {label: {"score": 9 - i, "reason": f"answer {label} is scripted"} for i, label in enumerate(labels)}
    return json.dumps({"scores": scores, "ranking": labels, "consensus": ["nothing is written"],
                       "contradictions": [], "partial_coverage": [], "unique_insights": [],
                       "blind_spots": ["network access"]})


# -- a minimal Anthropic Messages server, for claude ----------------------------

class MessagesServer:
    """Answers `POST /v1/messages` (streaming or not) with scripted text and fixed usage,
    `POST /v1/messages/count_tokens`, and any other probe with 200. Logs every request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.log: list[dict] = []
        # [model glob, ("reply", text) or ("fail", status, message), times or None]
        self.script: list[list] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length else b""

            def _send(self, status: int, payload: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("content-type", ctype)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def do_HEAD(self) -> None:
                server.record(self, None)
                self._send(200, b"")

            def do_GET(self) -> None:
                server.record(self, None)
                self._send(200, b"{}")

            def do_POST(self) -> None:
                raw = self._body()
                try:
                    body = json.loads(raw) if raw else {}
                except ValueError:
                    server.record(self, None)
                    self._send(400, json.dumps({"type": "error", "error": {
                        "type": "invalid_request_error", "message": "body is not JSON"}}).encode())
                    return
                path = self.path.split("?")[0]
                if path.endswith("/v1/messages/count_tokens"):
                    server.record(self, body)
                    self._send(200, json.dumps({"input_tokens": CLAUDE_USAGE["input_tokens"]}).encode())
                    return
                if not path.endswith("/v1/messages"):
                    server.record(self, body)
                    self._send(404, json.dumps({"type": "error", "error": {
                        "type": "not_found_error", "message": f"no route {path}"}}).encode())
                    return
                action = server.next_action(str(body.get("model", "")))
                entry = server.record(self, body, action)
                if action[0] == "fail":
                    _, status, message = action
                    kind = {401: "authentication_error", 429: "rate_limit_error"}.get(status, "api_error")
                    self._send(status, json.dumps({"type": "error", "error": {"type": kind, "message": message}}).encode())
                    return
                text = action[1]
                if body.get("stream"):
                    self._stream(body, text)
                else:
                    self._send(200, json.dumps(message_object(body, text, done=True)).encode())
                entry["completed"] = True

            def _stream(self, body: dict, text: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.send_header("connection", "close")
                self.end_headers()
                self.close_connection = True

                def event(name: str, data: dict) -> None:
                    self.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())
                    self.wfile.flush()

                event("message_start", {"type": "message_start", "message": message_object(body, "", done=False)})
                event("content_block_start", {"type": "content_block_start", "index": 0,
                                              "content_block": {"type": "text", "text": ""}})
                event("ping", {"type": "ping"})
                # A few pieces, split inside words, so the CLI must join the deltas.
                pieces = [text[i:i + 23] for i in range(0, len(text), 23)]
                for piece in pieces:
                    event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                                  "delta": {"type": "text_delta", "text": piece}})
                event("content_block_stop", {"type": "content_block_stop", "index": 0})
                event("message_delta", {"type": "message_delta",
                                        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                        "usage": {"output_tokens": CLAUDE_USAGE["output_tokens"]}})
                event("message_stop", {"type": "message_stop"})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="messages-server", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def wait_healthy(self, deadline_secs: float = 10.0) -> None:
        deadline = time.monotonic() + deadline_secs
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        with self.lock:  # the probe is not the CLI's
                            self.log.clear()
                        return
            except OSError:
                time.sleep(0.05)
        raise CheckFailed(f"the Messages server did not answer within {deadline_secs:.0f}s")

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    def reset(self) -> None:
        with self.lock:
            self.log.clear()
            self.script.clear()

    def queue(self, model_glob: str, action: tuple, times: int | None = 1) -> None:
        with self.lock:
            self.script.append([model_glob, action, times])

    def pending(self) -> list:
        with self.lock:
            return [list(e) for e in self.script]

    def next_action(self, model: str) -> tuple:
        with self.lock:
            for entry in self.script:
                if fnmatch.fnmatchcase(model, entry[0]):
                    if entry[2] is not None:
                        entry[2] -= 1
                        if entry[2] == 0:
                            self.script.remove(entry)
                    return entry[1]
        return ("reply", "unscripted answer from the e2e Messages server")

    def record(self, handler: BaseHTTPRequestHandler, body: dict | None, action: tuple | None = None) -> dict:
        entry = {
            "method": handler.command,
            "path": handler.path,
            "api_key": handler.headers.get("x-api-key"),
            "model": (body or {}).get("model"),
            "stream": bool((body or {}).get("stream")),
            "roles": [m.get("role") for m in (body or {}).get("messages", []) if isinstance(m, dict)],
            "text": request_text(body) if body else "",
            "status": action[1] if action and action[0] == "fail" else 200,
            "completed": False,
        }
        with self.lock:
            self.log.append(entry)
        return entry

    def messages(self) -> list[dict]:
        with self.lock:
            return [e for e in self.log if e["method"] == "POST" and e["path"].split("?")[0].endswith("/v1/messages")]


def message_object(body: dict, text: str, done: bool) -> dict:
    usage = dict(CLAUDE_USAGE)
    if not done:
        usage["output_tokens"] = 1
    return {
        "id": "msg_e2e_" + os.urandom(6).hex(),
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "unknown"),
        "content": [{"type": "text", "text": text}] if done else [],
        "stop_reason": "end_turn" if done else None,
        "stop_sequence": None,
        "usage": usage,
    }


def request_text(body: object) -> str:
    """Every string in a request body, joined: what the model was shown."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(body)
    return "\n".join(out)


# -- llmock, for codex and gemini -----------------------------------------------

class Llmock:
    """A running `llmock serve` and its control API."""

    def __init__(self, exe: str, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "llmock.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--tool-mode", "off", "--log-level", "warning"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, deadline_secs: float = 60.0) -> str:
        deadline = time.monotonic() + deadline_secs
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"llmock exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                health = self.request("GET", "/health", timeout=2)
                if health.get("status") == "ok":
                    return str(health.get("version"))
            except (OSError, ValueError):
                pass
            time.sleep(0.1)
        raise CheckFailed(f"llmock not healthy after {deadline_secs:.0f}s:\n{self.log_tail()}")

    def request(self, method: str, path: str, body: object = None, timeout: float = 15.0):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        self.request("POST", "/_llmock/reset", {})

    def queue(self, *behaviors: dict) -> None:
        self.request("POST", "/_llmock/scenario", {"behaviors": list(behaviors)})

    def pending(self) -> list:
        return self.request("GET", "/_llmock/scenario")["pending"]

    def requests(self) -> list[dict]:
        return sorted(self.request("GET", "/_llmock/requests")["requests"], key=lambda r: r["seq"])

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self._log.close()


# -- frontier, with the CLIs on its PATH ----------------------------------------

class Frontier:
    """The frontier binary, in a cleared environment, with the CLIs configured to talk to
    the local servers. Every CLI gets the same temporary HOME."""

    def __init__(self, binary: str, npm_bin: Path, workdir: Path, messages: MessagesServer, mock: Llmock) -> None:
        self.binary = binary
        self.home = workdir / "home"
        self.frontier_home = workdir / "frontier"
        self.codex_home = workdir / "codex"
        self.cwd = workdir / "project"  # where frontier, and so each CLI, runs
        # The CLIs' scratch files (gemini writes an error report per failed request,
        # claude a /tmp/claude-UID dir) go here, not into the machine's /tmp.
        self.tmp = workdir / "tmp"
        for d in (self.home, self.frontier_home, self.codex_home, self.cwd, self.tmp):
            d.mkdir(parents=True)
        # codex: a `local` provider on llmock's Responses API. No retries of its own, so a
        # 401 fails at once (by default codex re-sends a failed request several times).
        (self.codex_home / "config.toml").write_text(
            'model_provider = "local"\n\n'
            "[model_providers.local]\n"
            'name = "llmock"\n'
            f'base_url = "{mock.base}/v1"\n'
            'wire_api = "responses"\n'
            'env_key = "LOCAL_API_KEY"\n'
            "request_max_retries = 0\n"
            "stream_max_retries = 0\n"
        )
        # gemini: API-key auth, else it stops with exit 41 asking how to log in.
        (self.home / ".gemini").mkdir()
        (self.home / ".gemini" / "settings.json").write_text(
            json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}))
        system_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
        self.env = {
            "PATH": f"{npm_bin}{os.pathsep}{system_path}",
            "HOME": str(self.home),
            "FRONTIER_HOME": str(self.frontier_home),
            "TMPDIR": str(self.tmp),
            "LANG": "C.UTF-8",
            # claude
            "ANTHROPIC_BASE_URL": messages.base,
            "ANTHROPIC_API_KEY": KEYS["ANTHROPIC_API_KEY"],
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "DISABLE_AUTOUPDATER": "1",
            # codex: its config names LOCAL_API_KEY, which frontier must pass through
            "CODEX_HOME": str(self.codex_home),
            "LOCAL_API_KEY": KEYS["LOCAL_API_KEY"],
            # gemini
            "GEMINI_API_KEY": KEYS["GEMINI_API_KEY"],
            "GOOGLE_GEMINI_BASE_URL": f"{mock.base}/gemini",
            "GEMINI_CLI_TRUST_WORKSPACE": "true",
        }

    def run(self, *args: str) -> dict:
        argv = [self.binary, "run", "--json", "--timeout", str(CLI_DEADLINE_SECS), *args, PROMPT]
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                  capture_output=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"frontier did not finish within {RUN_TIMEOUT}s") from None
        wall = time.monotonic() - started
        stdout = proc.stdout.decode(errors="replace")
        stderr = proc.stderr.decode(errors="replace")
        for name, key in KEYS.items():
            expect(key not in stdout and key not in stderr, f"{name}'s value leaked into frontier's output")
        try:
            report = json.loads(stdout)
        except ValueError:
            raise CheckFailed(f"exit {proc.returncode}, stdout is not JSON: {stdout[:300]!r}; "
                              f"stderr: {stderr[-800:]}") from None
        return {"rc": proc.returncode, "report": report, "stderr": stderr, "wall": wall}


def model_id(cli: str, model: str) -> str:
    return f"{cli}-cli:{model}"


def member_of(report: dict, model: str) -> dict:
    for m in report["panel"]:
        if m["model"] == model:
            return m
    raise CheckFailed(f"no panel member {model} in the report")


def expect_run_ok(result: dict) -> dict:
    report = result["report"]
    expect(result["rc"] == 0, f"exit {result['rc']} (status {report.get('status')}, failure "
                              f"{report.get('failure_reason')}); stderr: {result['stderr'][-600:]}")
    expect(report.get("status") == "ok", f"status {report.get('status')!r}")
    return report


def expect_member_answer(report: dict, cli: str, model: str, text: str) -> dict:
    m = member_of(report, model_id(cli, model))
    expect(m["ok"], f"{m['model']} failed: [{m.get('error_kind')}] {m.get('error')}")
    expect(m["content"] == text, f"{m['model']} answered {m['content']!r}, not the scripted {text!r}")
    usage = m.get("usage") or {}
    if cli == "claude":
        want = {"input_tokens": CLAUDE_INPUT, "output_tokens": CLAUDE_USAGE["output_tokens"]}
        expect(usage == want, f"{m['model']} usage {usage}, want {want} (input + cache writes + cache reads)")
    else:
        expect(usage.get("input_tokens", 0) > 0 and usage.get("output_tokens", 0) > 0,
               f"{m['model']} reports no usage: {usage}")
    return m


def usage_str(m: dict) -> str:
    u = m.get("usage") or {}
    return f"{u.get('input_tokens')}/{u.get('output_tokens')}"


class Suite:
    def __init__(self, clis: list[str], frontier: Frontier, messages: MessagesServer, mock: Llmock) -> None:
        self.clis = clis
        self.frontier = frontier
        self.messages = messages
        self.mock = mock
        self.passed = 0
        self.failed = 0
        self.known = 0
        self.case = ""

    def check(self, name: str, body) -> None:
        self.case = name
        started = time.monotonic()
        try:
            self.messages.reset()
            self.mock.reset()
            detail = body()
            status, self.passed = "PASS", self.passed + 1
        except CheckFailed as exc:
            detail, status = str(exc), "FAIL"
            self.failed += 1
        except Exception as exc:  # a broken check is a failed check, not a crash
            detail, status = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", "FAIL"
            self.failed += 1
        elapsed = time.monotonic() - started
        print(f"{status}  {name}  ({elapsed:.1f}s){'  ' + detail if detail else ''}", flush=True)

    def known_issue(self, key: str, cond: bool, message: str) -> str:
        """An expectation that a reported frontier bug is known to break (KNOWN_ISSUES)."""
        tag = (self.case.split()[0], key)
        if tag not in KNOWN_ISSUES:
            expect(cond, message)
            return ""
        if cond:
            print(f"FIXED  {self.case}: {key} now holds; remove it from KNOWN_ISSUES", flush=True)
            return ""
        self.known += 1
        print(f"KNOWN  {self.case}: {message}", flush=True)
        return f"; known issue: {key}"

    # -- script the servers -------------------------------------------------------

    def script_answers(self, pairs: list[tuple[str, str, str]]) -> None:
        """(cli, model, text): each CLI's server answers that model with that text, once."""
        for cli, model, text in pairs:
            if cli == "claude":
                # claude sends its own full id for an alias (`opus` -> claude-opus-4-...).
                self.messages.queue(f"*{model}*", ("reply", text))
            else:
                self.mock.queue({"type": "reply", "text": text, "match": {"model": model}})

    def expect_scripts_consumed(self) -> None:
        expect(self.messages.pending() == [], f"Messages server script left unused: {self.messages.pending()}")
        pending = self.mock.pending()
        expect(pending == [], f"llmock behaviours left unused: {pending}")

    def llmock_calls(self, model: str) -> list[dict]:
        return [r for r in self.mock.requests() if r.get("model") == model and r["method"] == "POST"]

    def expect_claude_key(self) -> None:
        keys = {e["api_key"] for e in self.messages.messages()}
        expect(keys == {KEYS["ANTHROPIC_API_KEY"]},
               f"claude sent x-api-key {keys}, not the ANTHROPIC_API_KEY frontier was given")

    # -- the cases ------------------------------------------------------------------

    def panel(self) -> str:
        members = [(cli, MEMBER_MODEL[cli], ANSWER[cli]) for cli in self.clis]
        judge_cli, judge_model = JUDGE
        synth_cli, synth_model = SYNTH
        labels = [chr(ord("A") + i) for i in range(len(members))]
        verdict = verdict_for(labels)
        self.script_answers(members + [(judge_cli, judge_model, verdict), (synth_cli, synth_model, SYNTH_TEXT)])
        result = self.frontier.run("--models", ",".join(model_id(c, m) for c, m, _ in members),
                                   "--judge", model_id(judge_cli, judge_model),
                                   "--synth", model_id(synth_cli, synth_model))
        report = expect_run_ok(result)
        expect(report.get("mode") == "fusion", f"mode {report.get('mode')!r}")
        for cli, model, text in members:
            expect_member_answer(report, cli, model, text)
        expect(report["failed_models"] == [], f"failed_models {report['failed_models']}")

        judge = report.get("judge") or {}
        expect(judge.get("model") == model_id(judge_cli, judge_model), f"judge was {judge.get('model')}")
        expect(judge.get("ok") is True, f"judge failed: [{judge.get('error_kind')}] {judge.get('error')}")
        analysis = report.get("analysis") or {}
        by_label = {m["label"]: m["model"] for m in report["panel"]}
        want_ranking = [by_label[label] for label in labels]
        expect(analysis.get("ranking") == want_ranking,
               f"analysis ranking {analysis.get('ranking')}, want the scripted {want_ranking}")
        synth = report.get("synth") or {}
        expect(synth.get("ok") is True, f"synth failed: [{synth.get('error_kind')}] {synth.get('error')}")
        expect(report.get("final") == SYNTH_TEXT, f"final {report.get('final')!r} is not the scripted synthesis")
        expect(report.get("final_source") == "synth", f"final_source {report.get('final_source')!r}")

        calls = [report["panel"][i]["usage"] for i in range(len(members))] + [judge.get("usage"), synth.get("usage")]
        for part in ("input_tokens", "output_tokens"):
            total = sum((u or {}).get(part, 0) for u in calls)
            expect(report["totals"][part] == total, f"totals {part} {report['totals'][part]} != sum {total}")

        # What each server received.
        answers = [text for _, _, text in members]
        member_ids = [model_id(c, m) for c, m, _ in members]
        claude_calls = self.messages.messages()
        expect(all(c["status"] == 200 and c["completed"] for c in claude_calls),
               f"a claude request was not answered in full: {claude_calls}")
        if "claude" in self.clis:
            member_call = [c for c in claude_calls if MEMBER_MODEL["claude"] in (c["model"] or "")]
            expect(len(member_call) == 1, f"{len(member_call)} member requests from claude: "
                                          f"{[c['model'] for c in claude_calls]}")
            expect(PROMPT in member_call[0]["text"], "claude's member request does not carry the prompt")
        judge_calls = [c for c in claude_calls if judge_model in (c["model"] or "")]
        expect(len(judge_calls) == 1, f"{len(judge_calls)} judge requests from claude: {[c['model'] for c in claude_calls]}")
        judge_text = judge_calls[0]["text"]
        expect(PROMPT in judge_text and all(a in judge_text for a in answers),
               "the judge's request lacks the prompt or an answer")
        expect(not any(mid in judge_text for mid in member_ids), "the judge's request names a member's model")
        self.expect_claude_key()

        for cli, model, _ in members:
            if cli == "claude":
                continue
            got = self.llmock_calls(model)
            expect(len(got) == 1 and got[0]["status"] == 200 and got[0]["completed"],
                   f"llmock saw {[(r['path'], r['status']) for r in got]} from {cli} for {model}, want one 200")
            want_path = "/v1/responses" if cli == "codex" else f"/gemini/v1beta/models/{model}:streamGenerateContent"
            expect(got[0]["path"] == want_path, f"{cli} called {got[0]['path']}, want {want_path}")
            expect(PROMPT in request_text(got[0].get("body")), f"{cli}'s request does not carry the prompt")
        synth_calls = self.llmock_calls(synth_model)
        expect(len(synth_calls) == 1 and synth_calls[0]["status"] == 200,
               f"llmock saw {[(r['path'], r['status']) for r in synth_calls]} for the synth")
        synth_text = request_text(synth_calls[0].get("body"))
        expect(all(a in synth_text for a in answers), "the synth's request lacks an answer")
        self.expect_scripts_consumed()

        usage = ", ".join(f"{c} {usage_str(member_of(report, model_id(c, m)))}" for c, m, _ in members)
        t = report["timings"]
        return (f"tokens in/out {usage}; judge {judge_calls[0]['model']} ranked {want_ranking[0]} first; "
                f"panel {t['panel_ms']} ms, judge {t['judge_ms']} ms, synth {t['synth_ms']} ms, run {result['wall']:.1f}s")

    def single(self, cli: str) -> str:
        model = MEMBER_MODEL[cli]
        self.script_answers([(cli, model, ANSWER[cli])])
        result = self.frontier.run("--model", model_id(cli, model))
        report = expect_run_ok(result)
        expect(report.get("mode") == "single", f"mode {report.get('mode')!r}")
        m = expect_member_answer(report, cli, model, ANSWER[cli])
        expect(report.get("final") == ANSWER[cli], f"final {report.get('final')!r}")
        expect(report.get("final_source") == "single", f"final_source {report.get('final_source')!r}")
        expect(report.get("judge") is None and report.get("synth") is None, "single mode ran a judge or synth")
        if cli == "claude":
            calls = self.messages.messages()
            expect(len(calls) == 1 and calls[0]["completed"], f"the Messages server saw {len(calls)} requests")
            self.expect_claude_key()
            seen = f"Messages server: 1 request for {calls[0]['model']}, roles {sorted(set(calls[0]['roles']))}"
        else:
            calls = self.llmock_calls(model)
            expect(len(calls) == 1 and calls[0]["status"] == 200, f"llmock saw {len(calls)} requests for {model}")
            seen = f"llmock: 1 request, {calls[0]['path']}"
        self.expect_scripts_consumed()
        return f"tokens in/out {usage_str(m)}; {seen}; run {result['wall']:.1f}s"

    def unauthorized(self) -> str:
        # Every CLI's server refuses the key; a mock member keeps the run alive.
        for cli in self.clis:
            if cli == "claude":
                self.messages.queue("*", ("fail", AUTH_STATUS[cli], AUTH_MESSAGE), times=None)
            else:
                provider = "openai" if cli == "codex" else "gemini"
                self.mock.queue({"type": "fail", "status": AUTH_STATUS[cli], "message": AUTH_MESSAGE, "times": None,
                                 "match": {"provider": provider}})
        models = [model_id(c, MEMBER_MODEL[c]) for c in self.clis] + ["mock:m"]
        result = self.frontier.run("--models", ",".join(models), "--judge", "mock:j", "--synth", "mock:s")
        report = expect_run_ok(result)
        expect(member_of(report, "mock:m")["ok"], "the mock member failed")
        expect(sorted(report["failed_models"]) == sorted(models[:-1]), f"failed_models {report['failed_models']}")
        notes = []
        for cli in self.clis:
            m = member_of(report, model_id(cli, MEMBER_MODEL[cli]))
            expect(not m["ok"], f"{m['model']} answered despite a 401")
            error = m.get("error") or ""
            expect(f"`{cli}` failed" in error and AUTH_MESSAGE in error,
                   f"{m['model']}'s error does not quote the server's refusal: {error!r}")
            notes.append(self.known_issue(f"{cli} auth kind", m.get("error_kind") == "auth",
                                          f"{m['model']}: error_kind {m.get('error_kind')!r}, want 'auth' ({error})"))
        # Each CLI reached its server (the failure is the server's answer, not a crash).
        if "claude" in self.clis:
            calls = self.messages.messages()
            expect(calls and all(c["status"] == AUTH_STATUS["claude"] for c in calls),
                   "claude did not reach the Messages server")
        for cli in self.clis:
            if cli != "claude":
                calls = self.llmock_calls(MEMBER_MODEL[cli])
                expect(calls and all(r["status"] == AUTH_STATUS[cli] for r in calls), f"{cli} did not reach llmock")
        attempts = {"claude": len(self.messages.messages())} if "claude" in self.clis else {}
        attempts.update({c: len(self.llmock_calls(MEMBER_MODEL[c])) for c in self.clis if c != "claude"})
        kinds = ", ".join(f"{c} {member_of(report, model_id(c, MEMBER_MODEL[c]))['error_kind']}" for c in self.clis)
        return f"error kinds: {kinds}; requests per CLI {attempts}; run {result['wall']:.1f}s" + "".join(notes)


def cli_version(exe: Path) -> str:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, timeout=60,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()})
        return out.stdout.decode(errors="replace").strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "unknown version"


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm-bin", default=str(repo / ".e2e/npm/node_modules/.bin"),
                        help="directory holding the claude, codex and gemini executables")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--clis", default=",".join(ALL_CLIS), help="CLIs to test (default: all)")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    npm_bin = Path(args.npm_bin).resolve()
    clis = [c.strip() for c in args.clis.split(",") if c.strip()]
    unknown = [c for c in clis if c not in ALL_CLIS]
    if unknown or not clis:
        print(f"error: unknown CLI(s) {unknown}; known: {ALL_CLIS}", file=sys.stderr)
        return 2
    # The judge and the synth run on claude and codex.
    for needed in (JUDGE[0], SYNTH[0]):
        if needed not in clis:
            print(f"error: --clis must include {needed} (it judges or synthesises)", file=sys.stderr)
            return 2
    missing = [c for c in clis if not os.access(npm_bin / c, os.X_OK)]
    if missing:
        print(f"error: {', '.join(missing)} not in {npm_bin}; run tests/e2e/setup", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe

    # A SIGTERM (CI giving up, Ctrl-C in a wrapper) still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="frontier-cli-"))
    mock = messages = suite = None
    try:
        messages = MessagesServer()
        messages.start()
        messages.wait_healthy()
        mock = Llmock(exe, workdir)
        version = mock.wait_healthy()
        versions = "; ".join(f"{c} {cli_version(npm_bin / c)}" for c in clis)
        print(f"llmock {version} on {mock.base}; Messages server on {messages.base}; {versions}", flush=True)
        frontier = Frontier(binary, npm_bin, workdir, messages, mock)
        suite = Suite(clis, frontier, messages, mock)

        suite.check(f"(a) panel of {' + '.join(clis)}, judged by {JUDGE[0]}, synthesised by {SYNTH[0]}",
                    suite.panel)
        for cli in clis:
            suite.check(f"(b) single mode on {cli}", lambda c=cli: suite.single(c))
        suite.check("(c) every server refuses the key (401/403) -> each CLI member fails as auth, run ok",
                    suite.unauthorized)
    except Exception as exc:
        print(f"FAIL  cli check aborted: {type(exc).__name__}: {exc}", flush=True)
        if mock is not None:
            print(mock.log_tail(), flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        if mock is not None:
            mock.stop()
        if messages is not None:
            messages.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    if suite.known:
        print(f"({suite.known} known frontier issue(s) printed as KNOWN above; see KNOWN_ISSUES)")
    print(f"{suite.passed} passed, {suite.failed} failed")
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
