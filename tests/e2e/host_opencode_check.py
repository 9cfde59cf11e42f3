#!/usr/bin/env python3
"""End-to-end check of frontier's plugin inside the real OpenCode and Kilo (pinned in
tests/e2e/setup), each driven headless against llmock:

    python tests/e2e/host_opencode_check.py target/debug/frontier [--npm DIR] [--plugins DIR]
        [--llmock PATH] [--hosts opencode,kilo]

For each host, in its own temporary git repo with its own HOME, FRONTIER_HOME and TMPDIR
and a cleared environment:

  armed     `frontier install HOST --project REPO` writes the plugin, `frontier mode fusion
            --preset demo --scope HOST-project` arms the repo, and `opencode run` / `kilo run`
            sends its model the user's message with the fused answer (the demo's scripted
            synth, behind the `⚡ Frontier` banner) as one more text part.
  off       after `frontier mode off --scope HOST-project`, nothing of frontier's reaches
            the model.
  registry  neither run reached the npm registry: `npm_config_registry` points at a local
            server that records every request, and the plugin package each host installs into
            its config dirs at start (`@opencode-ai/plugin`, `@kilocode/plugin`) is copied
            there beforehand from the setup's cache (frontier's plugin imports neither).

Standard library only. One PASS/FAIL line per check, the seconds each host took, and
`N passed, M failed` last; exits non-zero on any failure. llmock and the registry stand-in
are stopped and every process tree the check started is killed, whatever happens.
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
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from e2e_common import CheckFailed, Checks, Llmock, expect, free_port, request_text, run_tree

PROMPT = "Why does this deadlock when two threads take the locks in turn?"
BANNER = "⚡ Frontier · fusion · demo · 3 models · "
# What the demo preset's scripted synth says to a question that is not a sum
# (src/provider/mock/demo/): text no host model would write on its own.
FUSED_ANSWER = "played by mock models: no real model read your question"
FRAME = "[[frontier-answer "
MODEL = "gpt-4o"
FRONTIER_TIMEOUT = 60
HOST_TIMEOUT = 180

# key -> (the binary under --npm, config dir in a project, the user's config dir, config file,
#         variable prefix, the plugin package)
HOSTS = {
    "opencode": ("node_modules/.bin/opencode", ".opencode", ".config/opencode", "opencode.json", "OPENCODE",
                 "@opencode-ai/plugin"),
    "kilo": ("node_modules/@kilocode/cli-linux-x64/bin/kilo", ".kilo", ".config/kilo", "kilo.json", "KILO",
             "@kilocode/plugin"),
}


class Registry:
    """A stand-in npm registry on 127.0.0.1 that answers 404 and records every request."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        hits = self.hits

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                hits.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.send_header("content-length", "0")
                self.end_headers()

            do_HEAD = do_POST = do_PUT = do_GET

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Suite(Checks):
    def __init__(self, binary: str, npm: Path, plugins: Path, root: Path, mock: Llmock, registry: Registry) -> None:
        super().__init__()
        self.binary, self.npm, self.plugins, self.root = binary, npm, plugins, root
        self.mock, self.registry = mock, registry
        self.seconds: dict[str, float] = {}

    def before_each(self) -> None:
        self.mock.reset()

    def sandbox(self, key: str) -> tuple[Path, dict]:
        """A git repo with the host's config and its plugin package, and the host's env."""
        _, project_dir, user_dir, config_file, prefix, _ = HOSTS[key]
        base = self.root / key
        home, fhome, tmp, repo = (base / d for d in ("home", "frontier", "tmp", "repo"))
        for d in (home, fhome, tmp, repo):
            d.mkdir(parents=True)
        repo = repo.resolve()
        system_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
        subprocess.run(["git", "init", "-q", str(repo)], capture_output=True, timeout=30,
                       env={"PATH": system_path, "HOME": str(home)})
        provider = {"npm": "@ai-sdk/openai-compatible", "name": "llmock",
                    "options": {"baseURL": f"{self.mock.base}/v1", "apiKey": "sk-e2e-opencode"},
                    "models": {MODEL: {"name": MODEL}}}
        config = {"autoupdate": False, "share": "disabled", "model": f"llmock/{MODEL}",
                  "provider": {"llmock": provider}}
        (repo / config_file).write_text(json.dumps(config))
        for where in (repo / project_dir, home / user_dir):
            # Hard links: the package is 60 MB, and nothing writes to it.
            shutil.copytree(self.plugins / key, where, copy_function=os.link, dirs_exist_ok=True)
        env = {"PATH": system_path, "HOME": str(home), "TMPDIR": str(tmp), "LANG": "C.UTF-8",
               "FRONTIER_HOME": str(fhome), "npm_config_registry": self.registry.url,
               "NPM_CONFIG_REGISTRY": self.registry.url}
        for flag in ("DISABLE_AUTOUPDATE", "DISABLE_MODELS_FETCH", "DISABLE_DEFAULT_PLUGINS", "DISABLE_LSP_DOWNLOAD",
                     "DISABLE_SHARE", "DISABLE_SESSION_INGEST"):
            env[f"{prefix}_{flag}"] = "true"
        return repo, env

    def frontier(self, args: list[str], env: dict, repo: Path) -> str:
        result = run_tree([self.binary, *args], env, repo, FRONTIER_TIMEOUT)
        expect(result["rc"] == 0, f"`frontier {' '.join(args)}` exited {result['rc']}: {result['stderr'][-600:]}")
        return result["stderr"]

    def run_host(self, key: str, env: dict, repo: Path) -> tuple[dict, list[dict]]:
        """`HOST run PROMPT` in `repo`, and the chat requests it sent llmock."""
        self.mock.reset()
        result = run_tree([str(self.npm / HOSTS[key][0]), "run", PROMPT], env, repo, HOST_TIMEOUT)
        expect(result["rc"] == 0, f"{key} run exited {result['rc']}: {result['stderr'][-800:]} {result['stdout'][-400:]}")
        requests = [r for r in self.mock.requests() if r.get("path", "").endswith("/chat/completions")]
        expect(requests, f"{key} sent llmock no chat request; stdout: {result['stdout'][-400:]}")
        return result, requests

    def host(self, key: str) -> str:
        started = time.monotonic()
        hits_before = len(self.registry.hits)
        repo, env = self.sandbox(key)
        said = self.frontier(["install", key, "--project", str(repo)], env, repo)
        plugin = repo / HOSTS[key][1] / "plugins" / "frontier.js"
        expect(plugin.is_file(), f"`frontier install {key}` wrote no {plugin}: {said}")
        self.frontier(["mode", "fusion", "--preset", "demo", "--scope", f"{key}-project"], env, repo)

        _, requests = self.run_host(key, env, repo)
        carrying = [r for r in requests if BANNER in request_text(r.get("body"))]
        expect(carrying, f"no request to the model carries the banner {BANNER!r}; {len(requests)} request(s): "
                         f"{[request_text(r.get('body'))[-300:] for r in requests]}")
        where = part_of(carrying[-1].get("body") or {})
        expect(where is not None, f"the banner is not in a text part of a user message after the prompt's: "
                                  f"{json.dumps((carrying[-1].get('body') or {}).get('messages'))[-1200:]}")
        expect(FUSED_ANSWER in where, f"the part with the banner lacks the fused answer: {where[:600]}")
        armed = f"{len(carrying)} of {len(requests)} request(s) carry the fused answer in the user message's own part"

        self.frontier(["mode", "off", "--scope", f"{key}-project"], env, repo)
        _, requests = self.run_host(key, env, repo)
        leaked = [r for r in requests if BANNER.split(" · ")[0] in request_text(r.get("body"))
                  or FRAME in request_text(r.get("body"))]
        expect(not leaked, "disarmed, a request still carries frontier's context: "
                           + "".join(request_text(r.get("body"))[-400:] for r in leaked[:1]))

        hits = self.registry.hits[hits_before:]
        expect(not hits, f"{key} reached the npm registry: {hits[:6]}")
        self.seconds[key] = time.monotonic() - started
        return f"{armed}; disarmed, {len(requests)} request(s) with nothing of frontier's; no registry request"


def part_of(body: dict) -> str | None:
    """The text of the user message's part that holds the banner, when that part is a text
    part of its own after the part holding the prompt."""
    for message in body.get("messages") or []:
        content = message.get("content")
        if message.get("role") != "user" or not isinstance(content, list):
            continue
        texts = [p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        prompt = next((i for i, t in enumerate(texts) if PROMPT in t), None)
        banner = next((i for i, t in enumerate(texts) if t.startswith(BANNER)), None)
        if prompt is not None and banner is not None and banner > prompt:
            return texts[banner]
    return None


def cli_version(exe: Path) -> str:
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
        return out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm", default=str(repo / ".e2e/npm"), help="the npm prefix holding opencode and kilo")
    parser.add_argument("--plugins", default=str(repo / ".e2e/host-plugins"),
                        help="the pre-installed plugin packages, one prefix per host")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--hosts", default=",".join(HOSTS), help=f"hosts to test (default: {','.join(HOSTS)})")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    if not hosts or any(h not in HOSTS for h in hosts):
        print(f"error: unknown host(s) in {hosts}; known: {list(HOSTS)}", file=sys.stderr)
        return 2
    npm, plugins = Path(args.npm).resolve(), Path(args.plugins).resolve()
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="frontier-opencode-"))
    mock = registry = suite = None
    try:
        mock = Llmock(exe, root)
        version = mock.wait_healthy()
        registry = Registry()
        versions = "; ".join(f"{h} {cli_version(npm / HOSTS[h][0])}" for h in hosts)
        print(f"llmock {version} on {mock.base}; {versions}", flush=True)
        suite = Suite(binary, npm, plugins, root, mock, registry)
        for key in hosts:
            suite.check(f"[{key}] armed, the fused answer reaches the model as a part of the user message; "
                        "disarmed, nothing of frontier's; no registry access", lambda: suite.host(key))
        print("seconds per host: " + ", ".join(f"{k} {v:.1f}" for k, v in suite.seconds.items()), flush=True)
    except CheckFailed as exc:
        print(f"FAIL  opencode host check aborted: {exc}", flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        if mock is not None:
            mock.stop()
        if registry is not None:
            registry.stop()
        shutil.rmtree(root, ignore_errors=True)
    print(suite.summary())
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
