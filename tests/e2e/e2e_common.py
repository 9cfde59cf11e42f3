#!/usr/bin/env python3
"""What the end-to-end checks share (standard library only): the check outcome helpers,
a minimal Anthropic Messages server for Claude Code, a running llmock and its control
API, the agent CLIs' local configuration, a subprocess runner that kills a whole
process tree at its deadline, stopping a server's process group, and a log's tail.

Imported by llmock_check.py, llama_check.py, cli_check.py and hook_check.py, which sit
next to it; not a check itself.
"""

from __future__ import annotations

import fnmatch
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import traceback
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# The usage the Messages server reports for every answer; claude's result object adds
# them up over the turn, and frontier counts cache reads and writes as input.
CLAUDE_USAGE = {"input_tokens": 1200, "cache_creation_input_tokens": 30, "cache_read_input_tokens": 200,
                "output_tokens": 17}

# What the Messages server answers when nothing scripted matches.
UNSCRIPTED_REPLY = "unscripted answer from the e2e Messages server"


class CheckFailed(Exception):
    pass


def expect(cond: bool, message: str) -> None:
    if not cond:
        raise CheckFailed(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
        return ("reply", UNSCRIPTED_REPLY)

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
            "body": body,
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

    def __init__(self, exe: str, workdir: Path, extra_args: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "llmock.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [exe, "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--tool-mode", "off", "--log-level", "warning", *extra_args],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, deadline_secs: float = 60.0) -> str:
        deadline = time.monotonic() + deadline_secs
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise CheckFailed(f"llmock exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                health = self.get("/health", timeout=2)
                if health.get("status") == "ok":
                    return str(health.get("version"))
            except (OSError, ValueError, AttributeError):
                pass
            time.sleep(0.1)
        raise CheckFailed(f"llmock not healthy after {deadline_secs:.0f}s:\n{self.log_tail()}")

    def request(self, method: str, path: str, body: object = None, timeout: float = 15.0):
        """The parsed JSON of a JSON answer, else its text (the verdict's text format)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            if resp.headers.get_content_type() == "application/json":
                return json.loads(raw)
            return raw.decode()

    def get(self, path: str, timeout: float = 15.0):
        return self.request("GET", path, timeout=timeout)

    def reset(self) -> None:
        self.request("POST", "/_llmock/reset", {})

    def queue(self, *behaviors: dict) -> None:
        self.request("POST", "/_llmock/scenario", {"behaviors": list(behaviors)})

    def pending(self) -> list:
        return self.get("/_llmock/scenario")["pending"]

    def requests(self) -> list[dict]:
        return sorted(self.get("/_llmock/requests")["requests"], key=lambda r: r["seq"])

    def verdict(self) -> tuple[dict, str]:
        """llmock's grading of the client since the last reset, as JSON and as text."""
        return self.get("/_llmock/verdict"), self.get("/_llmock/verdict?format=text")

    def log_tail(self, lines: int = 30) -> str:
        return log_tail(self.log_path, lines)

    def stop(self) -> None:
        stop_group(self.proc, grace=10)
        self._log.close()


def agent_cli_env(path_dirs: list[str], home: Path, tmp: Path, codex_home: Path, messages_base: str,
                  llmock_base: str, keys: dict) -> dict:
    """A cleared environment in which claude talks to the Messages server, and codex and
    gemini to llmock, with `keys` (ANTHROPIC_API_KEY, LOCAL_API_KEY, GEMINI_API_KEY):
    `path_dirs` first on PATH, then this script's own PATH."""
    system_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    return {
        "PATH": os.pathsep.join([*path_dirs, system_path]),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "LANG": "C.UTF-8",
        # claude
        "ANTHROPIC_BASE_URL": messages_base,
        "ANTHROPIC_API_KEY": keys["ANTHROPIC_API_KEY"],
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_AUTOUPDATER": "1",
        # codex: its config names LOCAL_API_KEY, which frontier must pass through
        "CODEX_HOME": str(codex_home),
        "LOCAL_API_KEY": keys["LOCAL_API_KEY"],
        # gemini
        "GEMINI_API_KEY": keys["GEMINI_API_KEY"],
        "GOOGLE_GEMINI_BASE_URL": f"{llmock_base}/gemini",
        "GEMINI_CLI_TRUST_WORKSPACE": "true",
    }


def cli_version(exe: Path) -> str:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, timeout=60,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir()})
        return out.stdout.decode(errors="replace").strip().splitlines()[0]
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "unknown version"


# -- the agent CLIs' local setup ------------------------------------------------

def write_codex_config(codex_home: Path, llmock_base: str, model: str | None = None, extra: str = "") -> Path:
    """A `config.toml` in CODEX_HOME naming a `local` provider on llmock's Responses API,
    without codex's own retries (a refused request then fails at once instead of being
    re-sent several times). `extra` is appended as is (more TOML tables)."""
    lines = []
    if model:
        lines.append(f'model = "{model}"')
    lines += [
        'model_provider = "local"',
        "",
        "[model_providers.local]",
        'name = "llmock"',
        f'base_url = "{llmock_base}/v1"',
        'wire_api = "responses"',
        'env_key = "LOCAL_API_KEY"',
        "request_max_retries = 0",
        "stream_max_retries = 0",
    ]
    path = codex_home / "config.toml"
    path.write_text("\n".join(lines) + "\n" + extra)
    return path


def write_gemini_auth(home: Path) -> Path:
    """`~/.gemini/settings.json` choosing API-key auth; without it gemini stops with exit
    41 asking how to log in."""
    path = home / ".gemini" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"security": {"auth": {"selectedType": "gemini-api-key"}}}))
    return path


# -- running a process tree under a deadline ------------------------------------

def run_tree(argv: list[str], env: dict, cwd: Path, timeout: float, stdin: bytes | None = None) -> dict:
    """Runs `argv` in its own session, so that at the deadline the whole tree it started
    (an agent CLI, its hooks, their children) is killed, not only the first process.
    Returns rc, stdout, stderr (text) and wall seconds; rc is None after a timeout."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        kill_group(proc.pid)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            kill_group(proc.pid)
            proc.wait(timeout=10)
    return {"rc": None if timed_out else proc.returncode, "stdout": out.decode(errors="replace"),
            "stderr": err.decode(errors="replace"), "wall": time.monotonic() - started}


def stop_group(proc: subprocess.Popen, grace: float) -> None:
    """Stops a server started in its own session: SIGTERM to its group, SIGKILL if it is
    still there after `grace` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.wait(timeout=grace)


def log_tail(path: Path, lines: int = 30) -> str:
    """The last `lines` lines of a log file, or `(no log)`."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def kill_group(pid: int) -> None:
    """SIGKILLs the process group `pid` leads (one this script started)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# -- PASS/FAIL lines and the closing count -------------------------------------

class Checks:
    """Runs named checks, one line each (`PASS  name  (1.2s)  detail`), and keeps count.
    A check passes when its body returns (a detail string, or None) and fails on
    CheckFailed or any other exception, which is reported, not raised. Subclasses may
    override `before_each` (reset servers, say) and `after_each` (collect a server's
    grading of the case, say), which runs whatever the outcome."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.case = ""

    def before_each(self) -> None:
        pass

    def after_each(self) -> None:
        pass

    def check(self, name: str, body) -> bool:
        self.case = name
        started = time.monotonic()
        ok = False
        try:
            self.before_each()
            detail = body()
            status, self.passed, ok = "PASS", self.passed + 1, True
        except CheckFailed as exc:
            detail, status = str(exc), "FAIL"
            self.failed += 1
        except Exception as exc:  # a broken check is a failed check, not a crash
            detail, status = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}", "FAIL"
            self.failed += 1
        finally:
            self.after_each()
        elapsed = time.monotonic() - started
        print(f"{status}  {name}  ({elapsed:.1f}s){'  ' + detail if detail else ''}", flush=True)
        return ok

    def summary(self) -> str:
        return f"{self.passed} passed, {self.failed} failed"
