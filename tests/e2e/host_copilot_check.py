#!/usr/bin/env python3
"""End-to-end check of `frontier install copilot` and `frontier hook` inside the real
GitHub Copilot CLI (pinned in tests/e2e/setup), run headless against llmock with no
GitHub login (`COPILOT_OFFLINE=true` and its BYOK provider variables):

    python tests/e2e/host_copilot_check.py target/debug/frontier [--npm-bin DIR] [--llmock PATH]

Every case has its own git repo, HOME and FRONTIER_HOME, and runs
`copilot -p PROMPT --trust-folder` in the repo (Copilot runs project hooks only in a
trusted folder). What Copilot sent its model, and what frontier's panel sent, are read
from llmock's request log: Copilot asks for `gpt-4o`, the panel for `panel-model`
(an OpenAI-compatible provider on llmock in frontier's config.toml).

  install  `frontier install copilot --project REPO` writes `.github/hooks/frontier.json`
           and the skill, a second install changes nothing, uninstall leaves the repo empty;
  armed    with the demo preset armed for `copilot-project`, the fused answer's banner
           reaches Copilot's model request, inside the user message;
  off      disarmed, nothing of frontier's reaches it;
  claude-settings  `frontier install claude-code --project REPO` only, `claude-project`
           armed with a panel on llmock and Copilot's own scope not armed: Copilot runs the
           Claude Code hook, which reads Copilot's scope (off) and makes no request to the
           panel's provider;
  claude-settings-armed  the same install with `copilot-project` armed: the Claude Code
           hook answers in Copilot's shape and the answer reaches Copilot's model;
  both     both installs with `copilot-project` armed: one panel request for the prompt,
           not two (the Claude Code hook stays out), and the answer reaches the model.

Standard library only. One PASS/FAIL line per check, the seconds of each Copilot run,
and `N passed, M failed` last; exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from e2e_common import CheckFailed, Checks, Llmock, expect, request_text, run_tree  # noqa: E402

PROMPT = "Why does my borrow checker complain about two mutable borrows?"
HOST_MODEL = "gpt-4o"
PANEL_MODEL = "panel-model"
BANNER = "⚡ Frontier · "


class Suite(Checks):
    def __init__(self, frontier: Path, copilot: Path, mock: Llmock, root: Path, cache: Path) -> None:
        super().__init__()
        self.cache = cache
        self.frontier_bin = frontier
        self.copilot = copilot
        self.mock = mock
        self.root = root
        self.runs: list[float] = []

    def before_each(self) -> None:
        self.mock.reset()

    # -- a sandbox per case -------------------------------------------------------

    def sandbox(self, name: str) -> dict:
        base = self.root / name
        repo, home, fhome = base / "repo", base / "home", base / "frontier-home"
        for d in (repo, home, fhome / "config"):
            d.mkdir(parents=True)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        (fhome / "config" / "config.toml").write_text(
            f'[providers.llmock]\nkind = "openai"\nbase_url = "{self.mock.base}/v1"\napi_key_env = "LOCAL_API_KEY"\n')
        env = {
            "PATH": os.pathsep.join([str(self.copilot.parent), os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(home), "FRONTIER_HOME": str(fhome), "LOCAL_API_KEY": "sk-test",
            "XDG_CACHE_HOME": str(self.cache),
            "COPILOT_OFFLINE": "true", "COPILOT_AUTO_UPDATE": "false",
            "COPILOT_PROVIDER_BASE_URL": f"{self.mock.base}/v1", "COPILOT_PROVIDER_TYPE": "openai",
            "COPILOT_PROVIDER_API_KEY": "sk-test", "COPILOT_MODEL": HOST_MODEL,
        }
        return {"repo": repo, "home": home, "env": env}

    def frontier(self, sb: dict, *args: str) -> str:
        out = subprocess.run([str(self.frontier_bin), *args], cwd=sb["repo"], env=sb["env"],
                             capture_output=True, text=True, timeout=60)
        expect(out.returncode == 0, f"frontier {' '.join(args)} exited {out.returncode}: {out.stderr}")
        return out.stdout + out.stderr

    def copilot_run(self, sb: dict) -> dict:
        argv = [str(self.copilot), "-p", PROMPT, "--allow-all-tools", "--disable-client-telemetry", "--trust-folder"]
        result = run_tree(argv, sb["env"], sb["repo"], timeout=180)
        self.runs.append(result["wall"])
        expect(result["rc"] == 0, f"copilot exited {result['rc']}: {result['stderr'][-800:]}")
        return result

    def host_requests(self) -> list[str]:
        return [request_text(r.get("body")) for r in self.mock.requests()
                if r["method"] == "POST" and (r.get("body") or {}).get("model") == HOST_MODEL]

    def panel_requests(self) -> list[dict]:
        return [r for r in self.mock.requests()
                if r["method"] == "POST" and (r.get("body") or {}).get("model") == PANEL_MODEL]

    def user_message_with_banner(self) -> str:
        """The user message of Copilot's first model request that carries frontier's banner."""
        for r in self.mock.requests():
            body = r.get("body") or {}
            if r["method"] != "POST" or body.get("model") != HOST_MODEL:
                continue
            for m in body.get("messages", []):
                text = m.get("content") if isinstance(m.get("content"), str) else json.dumps(m.get("content"))
                if m.get("role") == "user" and BANNER in text:
                    return text
        raise CheckFailed(f"no request of Copilot's carries frontier's banner; {len(self.host_requests())} requests")

    # -- the cases ----------------------------------------------------------------

    def install(self) -> str:
        sb = self.sandbox("install")
        self.frontier(sb, "install", "copilot", "--project", ".")
        hooks = sb["repo"] / ".github/hooks/frontier.json"
        doc = json.loads(hooks.read_text())
        want = {"version": 1, "hooks": {"userPromptSubmitted": [
            {"type": "command", "bash": f"{self.frontier_bin.resolve()} hook --host copilot", "timeoutSec": 600}]}}
        expect(doc == want, f"{hooks}: {doc}")
        expect((sb["repo"] / ".github/skills/frontier/SKILL.md").is_file(), "no skill")
        again = self.frontier(sb, "install", "copilot", "--project", ".")
        expect("already installed" in again, again)
        self.frontier(sb, "uninstall", "copilot", "--project", ".")
        left = sorted(p.name for p in sb["repo"].iterdir() if p.name != ".git")
        expect(left == [], f"left in the repo after uninstall: {left}")
        return "installed, idempotent, removed whole"

    def armed_and_off(self) -> str:
        sb = self.sandbox("armed")
        self.frontier(sb, "install", "copilot", "--project", ".")
        self.frontier(sb, "mode", "fusion", "--preset", "demo", "--scope", "copilot-project")
        self.copilot_run(sb)
        text = self.user_message_with_banner()
        expect("⚡ Frontier · fusion · demo · 3 models" in text, text[:600])
        expect(PROMPT in text and "<system_reminder>" in text and "[[frontier-answer " in text, text[:800])
        self.mock.reset()
        self.frontier(sb, "mode", "off", "--scope", "copilot-project")
        self.copilot_run(sb)
        sent = self.host_requests()
        expect(sent and not any(BANNER in t or "frontier-answer" in t for t in sent), "frontier reached the model while off")
        return "the banner and the framed answer arrived in <system_reminder>; nothing when off"

    def claude_settings(self) -> str:
        sb = self.sandbox("claude-settings")
        self.frontier(sb, "install", "claude-code", "--project", ".")
        self.frontier(sb, "mode", "single", "--model", f"llmock:{PANEL_MODEL}", "--scope", "claude-project")
        self.copilot_run(sb)
        expect(self.panel_requests() == [], f"{len(self.panel_requests())} requests reached the panel's provider")
        sent = self.host_requests()
        expect(sent and not any(BANNER in t for t in sent), "frontier reached Copilot's model")
        return f"no request reached the panel's provider; {len(sent)} of Copilot's own"

    def claude_settings_armed(self) -> str:
        sb = self.sandbox("claude-settings-armed")
        self.frontier(sb, "install", "claude-code", "--project", ".")
        self.frontier(sb, "mode", "single", "--model", f"llmock:{PANEL_MODEL}", "--scope", "copilot-project")
        self.copilot_run(sb)
        expect(len(self.panel_requests()) == 1, f"{len(self.panel_requests())} panel requests, want 1")
        text = self.user_message_with_banner()
        expect(f"⚡ Frontier · single · llmock:{PANEL_MODEL} · 1 model" in text, text[:600])
        return "the Claude Code hook answered in Copilot's shape and the answer arrived"

    def both(self) -> str:
        sb = self.sandbox("both")
        self.frontier(sb, "install", "claude-code", "--project", ".")
        self.frontier(sb, "install", "copilot", "--project", ".")
        self.frontier(sb, "mode", "single", "--model", f"llmock:{PANEL_MODEL}", "--scope", "copilot-project")
        self.copilot_run(sb)
        expect(len(self.panel_requests()) == 1, f"{len(self.panel_requests())} panel requests for one prompt, want 1")
        self.user_message_with_banner()
        return "one panel request for the prompt, and its answer arrived"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("frontier", type=Path)
    parser.add_argument("--npm-bin", type=Path, default=Path(".e2e/npm/node_modules/.bin"))
    parser.add_argument("--llmock", default=str(Path(".e2e/venv/bin/llmock")))
    args = parser.parse_args()
    copilot = args.npm_bin / "copilot"
    if not copilot.exists():
        print(f"FAIL  setup  no copilot at {copilot}: run tests/e2e/setup\n0 passed, 1 failed")
        return 1
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="frontier-e2e-copilot-", dir=Path(".e2e").resolve()))
    work = root / "cases"
    work.mkdir()
    mock = Llmock(args.llmock, root)
    try:
        version = mock.wait_healthy()
        # Copilot unpacks itself into its cache on first run: keep that cache in .e2e/.
        cache = Path(".e2e/copilot-cache").resolve()
        suite = Suite(args.frontier.resolve(), copilot.resolve(), mock, work, cache)
        shown = subprocess.run([str(copilot), "--version"], capture_output=True, text=True, timeout=120,
                               env={**os.environ, "HOME": str(root), "XDG_CACHE_HOME": str(cache)})
        print(f"{(shown.stdout.splitlines() or ['copilot ?'])[0]} llmock {version}", flush=True)
        suite.check("install: .github/hooks/frontier.json, idempotent, removed whole", suite.install)
        suite.check("armed and off: the fused answer reaches Copilot's model, and nothing when off", suite.armed_and_off)
        suite.check("claude-settings: Copilot runs the Claude Code hook, and no request reaches the panel", suite.claude_settings)
        suite.check("claude-settings, copilot-project armed: the answer reaches Copilot's model", suite.claude_settings_armed)
        suite.check("both hooks installed: one panel for one prompt", suite.both)
        runs = ", ".join(f"{s:.1f}" for s in suite.runs)
        print(f"timing: copilot runs {runs} s; whole check {time.monotonic() - started:.1f}s")
        print(suite.summary())
        return 0 if suite.failed == 0 else 1
    finally:
        mock.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
