#!/usr/bin/env python3
"""End-to-end check of `frontier hook` inside the real Claude Code, Codex and Gemini CLIs
(pinned in tests/e2e/setup), each driven headless against a local model server:

    python tests/e2e/hook_check.py target/debug/frontier [--npm-bin DIR] [--llmock PATH]
        [--hosts claude,codex,gemini] [--checks install,armed,guard,off,relay,failure,reentry,transcript,command]
        [--hand-registered]

For each host, in its own temporary git repo with its own HOME, CODEX_HOME and
FRONTIER_HOME and a cleared environment (PATH holds the CLIs and the directory of the
frontier binary):

  install  `frontier install <host> --project REPO` registers the binary that ran it as
           the host's prompt hook (`.claude/settings.json`, `.codex/hooks.json`,
           `.gemini/settings.json`), and a second install changes nothing;
  armed    with the demo preset armed for the host's project scope, a headless run sends
           the model exactly one request carrying frontier's banner and fused answer,
           and the host still finishes its turn with the model's reply;
  guard    a prompt under the 12-character minimum reaches the model untouched;
  off      after `frontier mode off`, nothing of frontier's reaches the model;
  relay    (Claude Code, Codex) a synth answering 30,000 characters of code and CJK: the
           request to the host's model carries the banner, the answer's beginning and the
           path of the file that holds it whole, and none of the host's own cuts (Claude
           Code's `<persisted-output>` preview, Codex's `Warning: truncated output` and
           `Full hook output saved to`); the file holds the whole answer, mode 0600;
  failure  a panel that all fails: the host's turn goes on with the prompt unchanged, and
           the hook's one-line `systemMessage` shows where the host shows it (Gemini CLI:
           `Hook system message: ...` on stderr; Claude Code: in its hook events, as `-p`
           shows it nowhere else; Codex: `codex exec` shows it nowhere, checked so);
  cut      a prompt mentioning a file the context budget cuts (`context_chars = 1000`): the
           host's model still gets the fused answer, the relay's notes name the cut, and
           the `systemMessage` beside the context shows where the host shows one (as in
           `failure`): a host that took both keys together;
  re-entry (Claude Code) a panel of `claude-cli:sonnet` runs the real `claude` inside the
           hooked project, so the member's own prompt hook fires: it sees
           FRONTIER_DEPTH=1, adds nothing, and the whole turn ends.
  transcript a first turn with frontier off, then a second in the same session
           (`claude -p --continue`, `codex exec resume --last`, `gemini --resume latest -p`) with a
           single-model scope armed whose member is an OpenAI-compatible provider on
           llmock: the member's request carries the first turn's prompt and reply, read
           from the transcript the host itself wrote and named in `transcript_path`, and
           not the second prompt inside the context block.
  session  (Claude Code, Codex) two consecutive hooked prompts in one host session
           (`claude -p --resume SESSION_ID`, `codex exec resume --last`), with a fusion
           armed whose three members, judge and synth are on llmock (two on its OpenAI
           `/v1`, one on its Anthropic `/anthropic`): every model's second request begins
           with its first request's messages, byte for byte, up to the message where the
           new turn starts, and those hold all of the conversation the first one carried;
           the context's nonce is the same; an Anthropic cache mark in the first request
           sits on a message the second shares.
  command  (Gemini CLI) with the demo armed, `gemini -p "/frontier what is 2+2"`: the
           `.gemini/commands/frontier.toml` install wrote is loaded and expanded (the
           model's last user turn starts with `/frontier what is 2+2`), the hook leaves the
           slash command alone (nothing of frontier's hook context in the request, no
           hooked run in `frontier runs --json`), and a plain prompt after it is hooked.

The model servers are the ones cli_check.py uses (e2e_common.py): llmock for codex (the
Responses API) and gemini (`/gemini`), and the small Messages server for claude (llmock
answers Claude Code's `role: "system"` messages with 422). What each host sent is read
from the servers' request logs.

Codex runs project hooks only when the project is trusted in `$CODEX_HOME/config.toml`
and the hook is trusted too. `frontier install codex` must say both; the check then sets
`trust_level = "trusted"` for the repo as install's note says, and passes
`--dangerously-bypass-hook-trust` to `codex exec` (trusting a hook takes codex's TUI).

`--hand-registered` skips `frontier install` and writes the registration by hand (the
shape docs/hooks.md documents): a way to tell an install bug from a hook bug.

Standard library only. One PASS/FAIL line per check, a timing line, and `N passed, M
failed` last; exits non-zero on any failure. Servers are stopped and every process tree
the check started is killed, whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from e2e_common import (CheckFailed, Checks, Llmock, MessagesServer, agent_cli_env, cli_version, expect,
                        request_text, run_tree, write_codex_config, write_gemini_auth)

PROMPT = "Why is the sky blue at noon?"  # over the 12-character minimum
SHORT_PROMPT = "Sky blue?"  # under it: the hook must leave it alone

BANNER_PREFIX = "⚡ Frontier · fusion · demo · 3 models · "
BANNER_RE = re.compile(r"⚡ Frontier · fusion · demo · 3 models · \d+s")
# What the demo preset's scripted synth says to a question that is not a sum
# (src/provider/mock/demo/): text no host model would write on its own.
FUSED_ANSWER = "played by mock models: no real model read your question"
# The answer's frame: `[[frontier-answer NONCE]]` ... `[[end frontier-answer NONCE]]`,
# a fresh 128-bit hex nonce per run (the instruction before the frame names both lines).
ANSWER_OPEN = "[[frontier-answer "
ANSWER_CLOSE = "[[end frontier-answer "
ANSWER_NONCE_RE = re.compile(r"\[\[frontier-answer ([0-9a-f]{32})\]\]")
# Anything of these in a request means frontier's context reached the model.
FRONTIER_MARKERS = ("⚡ Frontier", ANSWER_OPEN, ANSWER_CLOSE, "frontier already ran")

# What each host's model answers (scripted on the servers), so that the check can see the
# host finished its turn with it.
HOST_REPLY = "Scripted host reply: Rayleigh scattering favours short wavelengths."

# The re-entry case: the outer claude runs on opus, the panel member and the synth on
# sonnet (claude sends its full model ids; the servers match on a glob).
OUTER_MODEL = "opus"
MEMBER_MODEL = "sonnet"
MEMBER_ANSWER = "Member answer: sunlight scatters off nitrogen and oxygen, blue the most."
SYNTH_ANSWER = "Synth answer: blue light scatters most in the air, so the noon sky looks blue."

# The transcript case: the first turn, and the panel model frontier's scope asks llmock for.
FIRST_PROMPT = "Which gas scatters the most blue light? (first turn)"
FIRST_REPLY = "Scripted first reply: nitrogen, being most of the air."
SECOND_PROMPT = "And what about at sunset, in the same air? (second turn)"
PANEL_MODEL = "transcript-panel-model"
# How the context block heads the conversation (src/context/assemble.rs).
TRANSCRIPT_HEADING_RE = re.compile(r"--- conversation so far (\S+) ---")
# The session case: frontier's five models on llmock (two members on its OpenAI API, one
# on its Anthropic API, the judge and the synth), the judge's verdict, and the turns.
SESSION_MODELS = ("session-member-a", "session-member-b", "session-member-c", "session-judge", "session-synth")
SESSION_VERDICT = json.dumps({
    "scores": {label: {"score": 9 - i, "reason": f"answer {label} holds up"} for i, label in enumerate("ABC")},
    "ranking": ["A", "B", "C"], "consensus": ["scattering"], "contradictions": [], "partial_coverage": [],
    "unique_insights": [], "blind_spots": []})
SECOND_REPLY = "Scripted second reply: the longer path through the air scatters the blue away."
THIRD_PROMPT = "And why is the sea blue too, in the same light? (third turn)"
CONTEXT_NONCE_RE = re.compile(r"\[\[context ([0-9a-f]{32})\]\]")
# The command case: Gemini CLI's /frontier command, as typed.
COMMAND_PROMPT = "/frontier what is 2+2"
CONTEXT_BLOCK_RE = re.compile(r"\[\[context ([0-9a-f]{32})\]\]\n(.*?)\[\[end context \1\]\]", re.S)


# The relay case: 30,000 characters of code and CJK (fewer characters per token, more
# bytes per character), and the marks of each host's own cut of a long hook context.
LONG_ANSWER = "".join(f"fn f{i}(x: &str) -> usize {{ x.len() }} // 長さを数える {i}\n" for i in range(800))[:30_000]
HOST_CUTS = ("<persisted-output>", "Warning: truncated output", "Full hook output saved to")
# How a failed hooked run's systemMessage begins.
FAILURE_LINE = "frontier: the run failed (all_panels_failed) — "
# The cut case: a prompt that mentions a file longer than the context budget it is given,
# and how the user-visible line that says so begins.
CUT_PROMPT = "Why is @big.rs so long? Explain it to me."
CUT_LINE = "frontier: file mentioned in the prompt big.rs was cut to "

KEYS = {  # dummy keys, distinct so a leak can be spotted
    "ANTHROPIC_API_KEY": "e2e-hook-anthropic-key-2f91",
    "LOCAL_API_KEY": "e2e-hook-codex-key-6c0d",
    "GEMINI_API_KEY": "e2e-hook-gemini-key-a7e4",
}

CHECKS = ("install", "armed", "guard", "off", "relay", "failure", "cut", "reentry", "transcript", "session",
          "command")

FRONTIER_TIMEOUT = 60  # seconds for a frontier command (install, mode, status)
HOST_TIMEOUT = 120  # seconds for one headless host run, hook included
REENTRY_TIMEOUT = 240  # the re-entry run: the hook runs claude twice inside claude
HOOK_BUDGET_SECS = 570  # frontier's longest hooked run: the registered timeout must cover it


@dataclass(frozen=True)
class Host:
    key: str  # claude, codex, gemini
    install_name: str  # `frontier install <name>`, `frontier hook --host <name>`
    scope_alias: str  # `--scope <alias>` arms the workspace scope the hook reads
    event: str  # the host's prompt event
    settings: str  # the registration file, relative to the project
    timeout_scale: int  # the host's hook timeout unit, in milliseconds
    model: str  # the model the host asks the server for


HOSTS = {
    "claude": Host("claude", "claude-code", "claude-project", "UserPromptSubmit", ".claude/settings.json", 1000,
                   OUTER_MODEL),
    "codex": Host("codex", "codex", "codex-project", "UserPromptSubmit", ".codex/hooks.json", 1000, "gpt-5.5"),
    # Gemini CLI reads a hook's `timeout` in milliseconds (its default is 60000).
    "gemini": Host("gemini", "gemini", "gemini-project", "BeforeAgent", ".gemini/settings.json", 1, "gemini-2.5-flash"),
}


# -- one host's sandbox ---------------------------------------------------------

class Sandbox:
    """A temporary git repo with its own HOME, CODEX_HOME, FRONTIER_HOME and TMPDIR, and
    a cleared environment that points each CLI at the local servers."""

    def __init__(self, host: Host, name: str, root: Path, binary: str, npm_bin: Path,
                 messages: MessagesServer, mock: Llmock, frontier_home: bool = True) -> None:
        self.host = host
        self.binary = binary
        self.messages = messages
        self.mock = mock
        base = root / name
        self.home = base / "home"
        self.codex_home = base / "codex"
        self.frontier_home = base / "frontier"
        self.tmp = base / "tmp"
        self.repo = base / "repo"
        for d in (self.home, self.codex_home, self.frontier_home, self.tmp, self.repo):
            d.mkdir(parents=True)
        self.repo = self.repo.resolve()
        git = subprocess.run(["git", "init", "-q", str(self.repo)], capture_output=True, timeout=30,
                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.home)})
        expect(git.returncode == 0, f"git init failed: {git.stderr.decode(errors='replace')}")
        write_codex_config(self.codex_home, mock.base, model=HOSTS["codex"].model)
        write_gemini_auth(self.home)
        self.env = agent_cli_env([str(npm_bin), str(Path(binary).parent)], self.home, self.tmp, self.codex_home,
                                 messages.base, mock.base, KEYS)
        if frontier_home:
            self.env["FRONTIER_HOME"] = str(self.frontier_home)

    @property
    def settings_path(self) -> Path:
        return self.repo / self.host.settings

    def frontier(self, *args: str) -> dict:
        """Runs frontier in the repo; fails the check unless it exits 0."""
        result = run_tree([self.binary, *args], self.env, self.repo, FRONTIER_TIMEOUT)
        expect(result["rc"] is not None, f"`frontier {' '.join(args)}` did not finish within {FRONTIER_TIMEOUT}s")
        expect(result["rc"] == 0, f"`frontier {' '.join(args)}` exited {result['rc']}: "
                                  f"{(result['stderr'] or result['stdout']).strip()[-600:]}")
        return result

    def arm_demo(self) -> None:
        self.frontier("mode", "fusion", "--preset", "demo", "--scope", self.host.scope_alias)

    def script_synth(self, reply: str) -> None:
        """Gives the armed scope's `mock:s` synth `reply`, in the state file (too long for
        an argument)."""
        scopes = self.frontier_home / "state" / "scopes"
        files = list(scopes.glob("*.toml")) if scopes.is_dir() else []
        expect(len(files) == 1, f"{len(files)} scope state files in {scopes}")
        text = files[0].read_text()
        expect('synth = "mock:s"' in text, f"the state file does not arm `mock:s` as synth: {text[:300]!r}")
        files[0].write_text(text.replace('synth = "mock:s"', f'synth = "mock:s?reply={quote(reply, safe="")}"'))

    def disarm(self) -> None:
        self.frontier("mode", "off", "--scope", self.host.scope_alias)

    def run_host(self, prompt: str, timeout: float = HOST_TIMEOUT, resume: bool = False,
                 claude_output: tuple[str, ...] = ("json",), session_id: str | None = None) -> dict:
        """One headless turn of the host in the repo, or with `resume` the next turn of
        the last session; returns run_tree's result. `claude_output`
        is what follows claude's `--output-format`."""
        if self.host.key == "claude":
            again = ["--resume", session_id] if resume and session_id else ["--continue"] if resume else []
            argv = ["claude", "-p", *again, prompt, "--output-format", *claude_output,
                    "--model", OUTER_MODEL, "--tools", "", "--disable-slash-commands", "--system-prompt", "Be terse."]
        elif self.host.key == "codex":
            argv = ["codex", "exec", "--skip-git-repo-check", "--dangerously-bypass-hook-trust",
                    "--color", "never", *(["resume", "--last"] if resume else []), prompt]
        else:
            argv = ["gemini", "-m", self.host.model, *(["--resume", "latest"] if resume else []), "-p", prompt,
                    "--output-format", "json"]
        result = run_tree(argv, self.env, self.repo, timeout)
        result["leftovers"] = self.stop_leftovers()
        expect(result["rc"] is not None, f"{self.host.key} did not finish within {timeout:.0f}s")
        for name, key in KEYS.items():
            expect(key not in result["stdout"] and key not in result["stderr"], f"{name}'s value leaked into "
                                                                                  f"{self.host.key}'s output")
        return result

    def host_answer(self, result: dict) -> str:
        """The host's final answer, from its output."""
        out = result["stdout"]
        if self.host.key == "codex":
            return out  # codex exec prints the last message on stdout
        if self.host.key == "claude" and out.startswith('{"type":"system"'):  # stream-json: the last line
            out = out.strip().splitlines()[-1]
        try:
            value = json.loads(out)
        except ValueError:
            raise CheckFailed(f"{self.host.key} exit {result['rc']}, stdout is not JSON: {out[:300]!r}; "
                              f"stderr: {result['stderr'][-600:]}") from None
        if self.host.key == "claude":
            expect(value.get("is_error") is False, f"claude reported an error: {out[:600]}")
            return str(value.get("result"))
        return str(value.get("response"))

    def script_reply(self, model: str = "", text: str = HOST_REPLY) -> None:
        model = model or self.host.model
        if self.host.key == "claude":
            self.messages.queue(f"*{model}*", ("reply", text))
        else:
            self.mock.queue({"type": "reply", "text": text, "match": {"model": model}})

    def model_requests(self) -> list[dict]:
        """The model requests the host sent, oldest first, each as {model, text, body}."""
        if self.host.key == "claude":
            return [{"model": e["model"] or "", "text": e["text"], "body": e["body"], "status": e["status"]}
                    for e in self.messages.messages()]
        path = "/v1/responses" if self.host.key == "codex" else "/gemini/v1beta/models/"
        return [{"model": r.get("model") or "", "text": request_text(r.get("body")), "body": r.get("body"),
                 "status": r["status"]}
                for r in self.mock.requests() if r["method"] == "POST" and r["path"].startswith(path)]

    def stop_leftovers(self, grace: float = 2.0) -> list[str]:
        """Stops what a host left running after its turn: codex's app-server daemon (by
        the PID it records), and any process still running with this sandbox's HOME after
        `grace` seconds. Returns what it stopped, as `pid command` strings."""
        pid_file = self.codex_home / "app-server-daemon" / "daemon.pid"
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + grace
        while (pids := processes_with_home(self.home)) and time.monotonic() < deadline:
            time.sleep(0.1)
        stopped = [f"{pid} {command_of(pid)}" for pid in pids]
        kill_all(pids)
        return stopped

    def register_by_hand(self) -> None:
        """The registration docs/hooks.md documents, for --hand-registered."""
        command = f"{shlex.quote(self.binary)} hook --host {self.host.install_name}"
        timeout = 600 * 1000 // self.host.timeout_scale
        hooks = {self.host.event: [{"hooks": [{"type": "command", "command": command, "timeout": timeout}]}]}
        self.settings_path.parent.mkdir(parents=True, exist_ok=True)
        self.settings_path.write_text(json.dumps({"hooks": hooks}, indent=2) + "\n")


def processes_with_home(home: Path, below: bool = False) -> list[int]:
    """PIDs of this user's processes whose HOME is `home` (or, with `below`, lies under
    it): processes this check started, as every sandbox has its own temporary HOME."""
    exact = f"HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(v == exact or (below and v.startswith(exact + b"/")) for v in env):
            found.append(int(entry.name))
    return found


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
    except OSError:
        return "?"


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def frontier_hooks(settings: dict, event: str) -> list[dict]:
    """The command hooks registered for `event` in a Claude-Code-shaped settings object."""
    groups = (settings.get("hooks") or {}).get(event) or []
    expect(isinstance(groups, list), f"hooks.{event} is not a list: {groups!r}")
    found = []
    for group in groups:
        expect(isinstance(group, dict) and isinstance(group.get("hooks"), list),
               f"a hooks.{event} entry has no `hooks` list: {group!r}")
        found += [h for h in group["hooks"] if isinstance(h, dict) and h.get("type") == "command"]
    return found


def where(body: object, needle: str) -> str:
    """The role of the innermost message in `body` holding `needle` (for the report)."""
    best = "?"

    def walk(value: object, role: str) -> bool:
        nonlocal best
        if isinstance(value, dict):
            role = str(value.get("role", role))
            return any(walk(v, role) for v in value.values())
        if isinstance(value, list):
            return any(walk(v, role) for v in value)
        if isinstance(value, str) and needle in value:
            best = role
            return True
        return False

    walk(body, "?")
    return best


def hooked_runs(sb: Sandbox) -> int:
    """How many runs `frontier runs --json` lists as the hook's."""
    runs = json.loads(sb.frontier("runs", "--json", "--limit", "10000")["stdout"])
    expect(isinstance(runs, list), f"`frontier runs --json` printed {str(runs)[:200]!r}, not a list")
    return sum(1 for r in runs if isinstance(r, dict) and r.get("source") == "hook")


def last_user_turn(body: object) -> str:
    """The text of the last user turn of a Gemini API request, without Gemini CLI's own
    session context."""
    contents = body.get("contents") if isinstance(body, dict) else None
    expect(isinstance(contents, list), f"the request has no `contents` list: {str(body)[:300]!r}")
    users = [c for c in contents if isinstance(c, dict) and c.get("role") == "user"]
    expect(users, "the request has no user turn")
    parts = users[-1].get("parts") or []
    texts = [p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)]
    # Gemini CLI sends its `<session_context>` message in the same user turn, parts first.
    return "\n".join(t for t in texts if not t.lstrip().startswith("<session_context>"))


def frontier_markers(text: str) -> list[str]:
    return [m for m in FRONTIER_MARKERS if m in text]


# -- the checks -----------------------------------------------------------------

def parts(messages: list) -> list[tuple]:
    """A chat request's messages as the parts a prefix cache sees: (role, text, marked)
    for each block of each message (a string content is one block), `marked` when the
    block carries an Anthropic cache_control mark."""
    out = []
    for m in messages:
        content = m.get("content")
        blocks = [{"text": content}] if isinstance(content, str) else [b for b in content or [] if isinstance(b, dict)]
        out.extend((m.get("role"), b.get("text", ""), "cache_control" in b) for b in blocks)
    return out


def closing_part(parts: list[tuple]) -> int | None:
    """The index of the part holding the context's close line (where the new turn
    starts: after it come the prompt, and the synth's judge turns)."""
    for i, (_, text, _) in enumerate(parts):
        if text.startswith("[[end context ") or "\n[[end context " in text:
            return i
    return None


def first_difference(one: list, two: list) -> str:
    for i, (a, b) in enumerate(zip(one, two)):
        if a[:2] != b[:2]:
            return f"part {i}: {json.dumps(a)[:300]} vs {json.dumps(b)[:300]}"
    return f"lengths {len(one)} and {len(two)}"



class Suite(Checks):
    def __init__(self, binary: str, npm_bin: Path, root: Path, messages: MessagesServer, mock: Llmock,
                 hand_registered: bool) -> None:
        super().__init__()
        self.binary = binary
        self.npm_bin = npm_bin
        self.root = root
        self.messages = messages
        self.mock = mock
        self.hand_registered = hand_registered
        self.timings: dict[str, dict[str, float]] = {}

    def before_each(self) -> None:
        self.messages.reset()
        self.mock.reset()

    def sandbox(self, host: Host, name: str, frontier_home: bool = True) -> Sandbox:
        return Sandbox(host, name, self.root, self.binary, self.npm_bin, self.messages, self.mock, frontier_home)

    def timing(self, host: str, what: str, secs: float) -> None:
        self.timings.setdefault(host, {})[what] = secs

    # -- install --------------------------------------------------------------------

    def install(self, sb: Sandbox) -> str:
        host = sb.host
        said = ""
        if self.hand_registered:
            sb.register_by_hand()
            note = "registered by hand (--hand-registered)"
        else:
            first = sb.frontier("install", host.install_name, "--project", str(sb.repo))
            expect(sb.settings_path.is_file(), f"no {host.settings} after install; it printed: "
                                               f"{(first['stdout'] + first['stderr']).strip()[-400:]}")
            before = sb.settings_path.read_bytes()
            sb.frontier("install", host.install_name, "--project", str(sb.repo))
            expect(sb.settings_path.read_bytes() == before, f"a second install changed {host.settings}")
            said = " ".join((first["stdout"] + first["stderr"]).split())  # whitespace-normalised
            notes = [line.strip() for line in (first["stdout"] + first["stderr"]).splitlines()
                     if line.strip().startswith("note:")]
            note = f"install printed {len(notes)} note(s)"
        try:
            settings = json.loads(sb.settings_path.read_text())
        except ValueError as exc:
            raise CheckFailed(f"{host.settings} is not JSON: {exc}") from None
        hooks = frontier_hooks(settings, host.event)
        ours = []
        for h in hooks:
            argv = shlex.split(str(h.get("command", "")))
            if argv and os.path.realpath(argv[0]) == os.path.realpath(self.binary):
                ours.append((h, argv))
        expect(len(ours) == 1, f"{len(ours)} hooks for {host.event} run {self.binary} in {host.settings}: "
                               f"{json.dumps(settings)[:600]}")
        hook, argv = ours[0]
        expect(argv[1:2] == ["hook"], f"the registered command is {hook['command']!r}, not `frontier hook ...`")
        if "--host" in argv:
            named = argv[argv.index("--host") + 1:argv.index("--host") + 2]
            expect(named == [host.install_name], f"the hook names --host {named}, want {host.install_name}")
        timeout = hook.get("timeout")
        expect(isinstance(timeout, (int, float)), f"the hook has no timeout (the host's default is shorter than "
                                                  f"frontier's {HOOK_BUDGET_SECS}s budget): {hook}")
        secs = timeout * host.timeout_scale / 1000
        expect(secs >= HOOK_BUDGET_SECS, f"the hook's timeout {timeout} is {secs:g}s for {host.key}, under frontier's "
                                         f"{HOOK_BUDGET_SECS}s hook budget")
        extra = self.codex_trust(sb, said) if host.key == "codex" else ""
        return f"{host.settings}: {hook['command']!r}, timeout {timeout} ({secs:g}s); {note}{extra}"

    def codex_trust(self, sb: Sandbox, said: str) -> str:
        """Codex reads a project's `.codex/` (hooks included) only in a project trusted in
        CODEX_HOME/config.toml, and runs a hook only once it is trusted itself. install
        must say both; the check then trusts the project as it says, and passes
        `--dangerously-bypass-hook-trust` for the hook (trusting it takes the TUI)."""
        table = f'[projects."{sb.repo}"]'
        config = sb.codex_home / "config.toml"
        text = config.read_text()
        if table in text:
            done = "; install trusted the project itself"
        else:  # trusted first, so that the checks after this one can run whatever install said
            config.write_text(text + f'\n{table}\ntrust_level = "trusted"\n')
            done = "; the check trusted the project in CODEX_HOME/config.toml, as install said"
        if not self.hand_registered:
            expect(table in said and 'trust_level = "trusted"' in said,
                   f"install does not say the project needs `trust_level = \"trusted\"` under {table}")
            expect("/hooks" in said, "install does not say the hook must be trusted (`/hooks` in codex)")
        return done

    # -- armed, guard, off --------------------------------------------------------------

    def armed(self, sb: Sandbox) -> str:
        sb.arm_demo()
        sb.script_reply()
        result = sb.run_host(PROMPT)
        self.timing(sb.host.key, "armed", result["wall"])
        answer = sb.host_answer(result)
        expect(not result["leftovers"], f"processes still running after the turn: {result['leftovers']}")
        expect(result["rc"] == 0, f"{sb.host.key} exited {result['rc']}: {result['stderr'][-600:]}")
        expect(HOST_REPLY in answer, f"{sb.host.key} answered {answer[:300]!r}, not the model's reply; "
                                     f"stderr: {result['stderr'][-400:]}")
        requests = sb.model_requests()
        expect(requests, f"{sb.host.key} sent the model no request")
        with_banner = [r for r in requests if BANNER_PREFIX in r["text"]]
        expect(len(with_banner) == 1, f"{len(with_banner)} of {len(requests)} model requests carry the banner "
                                      f"{BANNER_PREFIX!r}; markers seen: "
                                      f"{[frontier_markers(r['text']) for r in requests]}; "
                                      f"{sb.host.key} stderr: {result['stderr'][-400:]}")
        text = with_banner[0]["text"]
        banner = BANNER_RE.search(text)
        expect(banner is not None, f"the banner is not `{BANNER_PREFIX}<N>s`: "
                                   f"{text[text.index(BANNER_PREFIX):][:80]!r}")
        expect(text.count(BANNER_PREFIX) == 1, f"the banner appears {text.count(BANNER_PREFIX)} times in the request")
        expect(PROMPT in text, "the request with frontier's context lacks the user's prompt")
        expect(FUSED_ANSWER in text, f"the request lacks the fused answer {FUSED_ANSWER!r}")
        expect(ANSWER_OPEN in text and ANSWER_CLOSE in text, "the request lacks the answer's delimiters")
        nonces = set(ANSWER_NONCE_RE.findall(text))
        expect(len(nonces) == 1, f"the request holds {len(nonces)} answer nonces, not one: {sorted(nonces)}")
        nonce = nonces.pop()
        # The last opening line is the frame's (the instruction names it first).
        start = text.rindex(f"{ANSWER_OPEN}{nonce}]]")
        end = text.rindex(f"{ANSWER_CLOSE}{nonce}]]")
        expect(start < end and FUSED_ANSWER in text[start:end],
               "the fused answer is not between the answer's delimiters")
        progress = sb.frontier_home / "state" / "progress"
        left = sorted(p.name for p in progress.iterdir()) if progress.is_dir() else []
        expect(not left, f"the hooked run left its progress file behind: {left}")
        return (f"{len(requests)} model request(s); banner {banner.group(0)!r} in a {where(with_banner[0]['body'], BANNER_PREFIX)!r} "
                f"message; host run {result['wall']:.1f}s")

    def guard(self, sb: Sandbox) -> str:
        # Still armed from the previous check.
        sb.script_reply()
        result = sb.run_host(SHORT_PROMPT)
        self.timing(sb.host.key, "short", result["wall"])
        return self.expect_untouched(sb, result, SHORT_PROMPT)

    def off(self, sb: Sandbox) -> str:
        sb.disarm()
        status = sb.frontier("status", "--scope", sb.host.scope_alias)["stdout"]
        expect(re.search(r"^mode\s+off\b", status, re.M) is not None, f"status after `mode off`: {status[:300]!r}")
        sb.script_reply()
        result = sb.run_host(PROMPT)
        self.timing(sb.host.key, "off", result["wall"])
        return self.expect_untouched(sb, result, PROMPT)

    def expect_untouched(self, sb: Sandbox, result: dict, prompt: str) -> str:
        expect(not result["leftovers"], f"processes still running after the turn: {result['leftovers']}")
        expect(result["rc"] == 0, f"{sb.host.key} exited {result['rc']}: {result['stderr'][-600:]}")
        answer = sb.host_answer(result)
        expect(HOST_REPLY in answer, f"{sb.host.key} answered {answer[:300]!r}, not the model's reply")
        requests = sb.model_requests()
        expect(requests, f"{sb.host.key} sent the model no request")
        expect(any(prompt in r["text"] for r in requests), "no model request carries the prompt")
        for r in requests:
            seen = frontier_markers(r["text"])
            expect(not seen, f"a model request carries frontier's context: {seen}")
        return f"{len(requests)} model request(s), none with frontier's context; host run {result['wall']:.1f}s"

    # -- relay and failure ---------------------------------------------------------------

    def relay(self, sb: Sandbox) -> str:
        sb.frontier("mode", "fusion", "--models", "mock:a,mock:b", "--judge", "mock:j", "--synth", "mock:s",
                    "--scope", sb.host.scope_alias)
        sb.script_synth(LONG_ANSWER)
        sb.script_reply()
        result = sb.run_host(PROMPT)
        self.timing(sb.host.key, "relay", result["wall"])
        expect(result["rc"] == 0, f"{sb.host.key} exited {result['rc']}: {result['stderr'][-600:]}")
        expect(HOST_REPLY in sb.host_answer(result), f"{sb.host.key} did not finish its turn with the model's reply")
        requests = sb.model_requests()
        with_banner = [r for r in requests if "⚡ Frontier · fusion · custom · 2 models · " in r["text"]]
        expect(len(with_banner) == 1, f"{len(with_banner)} of {len(requests)} model requests carry the banner")
        text = with_banner[0]["text"]
        for cut in HOST_CUTS:
            expect(cut not in text, f"the request to {sb.host.key}'s model carries the host's cut {cut!r}")
        found = re.search(r"The whole answer is in the file `([^`]+)`", text)
        expect(found is not None, "the request does not name the file with the whole answer")
        path = Path(found.group(1))
        expect(f"read the rest in `{path}` before you reply." in text, "the request lacks the closing pointer")
        expect(path.is_absolute() and path.is_relative_to(sb.frontier_home / "state" / "answers"),
               f"the answer file {path} is not under the state dir's answers/")
        expect(path.is_file(), f"the answer file {path} does not exist")
        expect((path.stat().st_mode & 0o777) == 0o600, f"the answer file's mode is {path.stat().st_mode & 0o777:o}")
        expect(path.read_text() == LONG_ANSWER, "the answer file does not hold the whole answer")
        nonces = set(ANSWER_NONCE_RE.findall(text))
        expect(len(nonces) == 1, f"the request holds {len(nonces)} answer nonces, not one")
        nonce = nonces.pop()
        start = text.rindex(f"{ANSWER_OPEN}{nonce}]]\n") + len(f"{ANSWER_OPEN}{nonce}]]\n")
        cut_at = text.index(f"\n[[cut {nonce}: the answer goes on in the file]]\n{ANSWER_CLOSE}{nonce}]]")
        head = text[start:cut_at]
        expect(len(head) > 2000 and LONG_ANSWER.startswith(head),
               f"the frame does not hold the answer's beginning ({len(head)} characters)")
        pointer = f"read the rest in `{path}` before you reply.\n"
        context = text[text.index("⚡ Frontier"):text.index(pointer) + len(pointer)]
        size = len(context.encode()) if sb.host.key == "codex" else len(context.encode("utf-16-le")) // 2
        expect(size <= 9000, f"frontier's context measures {size}, over the host's 9,000")
        return (f"the model request carries the banner, {len(head)} of {len(LONG_ANSWER)} characters of the "
                f"answer and {path.name}; no host cut; frontier's context measures {size} "
                f"{'bytes' if sb.host.key == 'codex' else 'UTF-16 units'}; run {result['wall']:.1f}s")

    def failure(self, sb: Sandbox) -> str:
        sb.frontier("mode", "fusion", "--models", "mock:a?fail=500,mock:b?fail=429", "--scope", sb.host.scope_alias)
        sb.script_reply()
        hook_events = ("stream-json", "--verbose", "--include-hook-events")
        result = sb.run_host(PROMPT, claude_output=hook_events)
        self.timing(sb.host.key, "failure", result["wall"])
        expect(result["rc"] == 0, f"{sb.host.key} exited {result['rc']}: {result['stderr'][-600:]}")
        untouched = self.expect_untouched(sb, result, PROMPT)
        shown = result["stdout"] + result["stderr"]
        if sb.host.key == "gemini":
            line = re.search(r"^Hook system message: (frontier: the run failed .*)$", result["stderr"], re.M)
            expect(line is not None, f"gemini's stderr lacks `Hook system message: {FAILURE_LINE}...`: "
                                     f"{result['stderr'][-600:]!r}")
            where_shown = f"gemini's stderr: {line.group(0)[:160]!r}"
        elif sb.host.key == "claude":
            events = [json.loads(l) for l in result["stdout"].splitlines() if l.startswith("{")]
            said = [json.loads(e["stdout"]).get("systemMessage", "") for e in events
                    if e.get("subtype") == "hook_response" and e.get("stdout", "").startswith("{")]
            expect(any(s.startswith(FAILURE_LINE) for s in said), f"claude's hook events lack the systemMessage: "
                                                                   f"{[e.get('subtype') for e in events]}")
            where_shown = f"claude's hook_response event: {said[0][:160]!r}"
        else:
            expect(FAILURE_LINE not in shown, "codex exec now shows the systemMessage: update docs/hooks.md")
            where_shown = "codex exec shows it nowhere (stdout, stderr), as docs/hooks.md says"
        return f"{untouched}; {where_shown}"

    def cut(self, sb: Sandbox) -> str:
        config = sb.frontier_home / "config" / "config.toml"
        before = config.read_text() if config.exists() else None
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text("context_chars = 1000\n" + (before or ""))  # top-level keys precede the tables
        (sb.repo / "big.rs").write_text("// a long line of code in a file the budget cuts\n" * 200)
        try:
            sb.arm_demo()
            sb.script_reply()
            result = sb.run_host(CUT_PROMPT, claude_output=("stream-json", "--verbose", "--include-hook-events"))
        finally:
            if before is None:
                config.unlink()
            else:
                config.write_text(before)
        self.timing(sb.host.key, "cut", result["wall"])
        expect(result["rc"] == 0, f"{sb.host.key} exited {result['rc']}: {result['stderr'][-600:]}")
        requests = sb.model_requests()
        with_banner = [r for r in requests if BANNER_PREFIX in r["text"]]
        expect(len(with_banner) == 1, f"{len(with_banner)} of {len(requests)} model requests carry the banner: the "
                                      f"host dropped the context when a systemMessage came with it")
        text = with_banner[0]["text"]
        expect(FUSED_ANSWER in text, "the request lacks the fused answer")
        expect("context: file mentioned in the prompt big.rs was cut to " in text,
               f"the relay's notes do not name the cut file: {text[text.find('(frontier notes'):][:300]!r}")
        if sb.host.key == "gemini":
            line = re.search(r"^Hook system message: (frontier: .*)$", result["stderr"], re.M)
            expect(line is not None and line.group(1).startswith(CUT_LINE),
                   f"gemini's stderr lacks `Hook system message: {CUT_LINE}...`: {result['stderr'][-600:]!r}")
            shown = f"gemini's stderr: {line.group(0)[:160]!r}"
        elif sb.host.key == "claude":
            events = [json.loads(l) for l in result["stdout"].splitlines() if l.startswith("{")]
            said = [json.loads(e["stdout"]).get("systemMessage", "") for e in events
                    if e.get("subtype") == "hook_response" and e.get("stdout", "").startswith("{")]
            expect(any(s.startswith(CUT_LINE) for s in said), f"claude's hook events lack the cut line: {said}")
            shown = f"claude's hook_response event: {[s for s in said if s][0][:160]!r}"
        else:
            shown = "codex exec shows systemMessage nowhere (as in `failure`)"
        return f"the model request carries the fused answer and the cut note; {shown}"

    # -- re-entry -------------------------------------------------------------------------

    def reentry(self) -> str:
        # No FRONTIER_HOME here: frontier passes its children only an allow-list, which
        # keeps HOME but not FRONTIER_HOME, so with FRONTIER_HOME set the member's hook
        # would read another (empty) state dir and stay quiet whatever its depth. With
        # the state under the temporary HOME, the member's hook sees the same armed scope
        # and only FRONTIER_DEPTH can keep it out.
        sb = self.sandbox(HOSTS["claude"], "claude-reentry", frontier_home=False)
        self.install_quietly(sb)
        witness_log = sb.tmp.parent / "witness.jsonl"
        self.add_witness(sb, witness_log)
        # Two members: a panel of one would answer alone, with no synth to re-enter.
        sb.frontier("mode", "fusion", "--models", f"claude-cli:{MEMBER_MODEL},mock:second", "--judge", "mock:judge",
                    "--synth", f"claude-cli:{MEMBER_MODEL}", "--scope", "claude-project")
        sb.script_reply(OUTER_MODEL, HOST_REPLY)
        sb.script_reply(MEMBER_MODEL, MEMBER_ANSWER)  # the panel member answers first,
        sb.script_reply(MEMBER_MODEL, SYNTH_ANSWER)  # then the synth
        result = sb.run_host(PROMPT, timeout=REENTRY_TIMEOUT)
        self.timing("claude", "re-entry", result["wall"])
        expect(result["rc"] == 0, f"claude exited {result['rc']}: {result['stderr'][-600:]}")
        answer = sb.host_answer(result)
        expect(HOST_REPLY in answer, f"claude answered {answer[:300]!r}, not the model's reply")

        requests = sb.model_requests()
        outer = [r for r in requests if OUTER_MODEL in r["model"]]
        inner = [r for r in requests if MEMBER_MODEL in r["model"]]
        others = [r["model"] for r in requests if r not in outer and r not in inner]
        expect(len(outer) == 1, f"{len(outer)} requests from the outer claude ({OUTER_MODEL}); models seen: "
                                f"{[r['model'] for r in requests]}")
        expect(len(inner) == 2, f"{len(inner)} requests from the member and synth claude ({MEMBER_MODEL}), want 2; "
                                f"models seen: {[r['model'] for r in requests]}")
        with_banner = [r for r in requests if "⚡ Frontier" in r["text"]]
        expect(with_banner == outer, f"{len(with_banner)} requests carry the banner, want only the outer one")
        outer_text = outer[0]["text"]
        expect(re.search(r"⚡ Frontier · fusion · custom · 2 models · \d+s", outer_text) is not None,
               "the outer request's banner is not `⚡ Frontier · fusion · custom · 2 models · <N>s`")
        expect(SYNTH_ANSWER in outer_text, "the outer request lacks the synth's answer")
        for r in inner:
            seen = frontier_markers(r["text"])
            expect(not seen, f"a member's request carries frontier's context: {seen}")
        expect(PROMPT in inner[0]["text"], "the member's request lacks the prompt")
        expect(MEMBER_ANSWER in inner[1]["text"], "the synth's request lacks the member's answer")

        witnessed = [json.loads(line) for line in witness_log.read_text().splitlines()] if witness_log.exists() else []
        depths = sorted(str(w["depth"]) for w in witnessed)
        expect(depths == ["-", "1", "1"], f"the prompt hooks ran with FRONTIER_DEPTH {depths}, want one outer "
                                          f"run (unset) and two member runs at 1")
        expect(not result["leftovers"], f"processes still running after the turn: {result['leftovers']}")
        return (f"outer {outer[0]['model']} carries the banner and the synth's answer; {len(inner)} member/synth "
                f"requests ({inner[0]['model']}) carry none; hooks ran at FRONTIER_DEPTH {depths}; "
                f"{len(requests)} requests{'; others: ' + str(others) if others else ''}; run {result['wall']:.1f}s")

    # -- the host's transcript as context ---------------------------------------------

    def installed_and_trusted(self, key: str, name: str) -> Sandbox:
        """A sandbox for `key` with frontier installed, and (Codex) the project trusted, as
        install says to (see codex_trust)."""
        sb = self.sandbox(HOSTS[key], name)
        self.install_quietly(sb)
        if key == "codex":
            config, table = sb.codex_home / "config.toml", f'[projects."{sb.repo}"]'
            if table not in config.read_text():
                config.write_text(config.read_text() + f'\n{table}\ntrust_level = "trusted"\n')
        return sb

    def transcript(self, key: str) -> str:
        sb = self.installed_and_trusted(key, f"{key}-transcript")
        # An OpenAI-compatible provider on llmock, keyed with the variable the host
        # already passes to its hooks.
        (sb.frontier_home / "config").mkdir(parents=True, exist_ok=True)
        (sb.frontier_home / "config" / "config.toml").write_text(
            f'[providers.llmock]\nkind = "openai"\nbase_url = "{self.mock.base}/v1"\napi_key_env = "LOCAL_API_KEY"\n')
        sb.script_reply(text=FIRST_REPLY)
        first = sb.run_host(FIRST_PROMPT)
        expect(first["rc"] == 0, f"{key}'s first turn exited {first['rc']}: {first['stderr'][-600:]}")
        expect(FIRST_REPLY in sb.host_answer(first), f"{key}'s first turn answered {sb.host_answer(first)[:300]!r}")
        sb.frontier("mode", "single", "--model", f"llmock:{PANEL_MODEL}", "--scope", sb.host.scope_alias)
        sb.script_reply()
        second = sb.run_host(SECOND_PROMPT, resume=True)
        self.timing(key, "second turn", second["wall"])
        expect(second["rc"] == 0, f"{key}'s second turn exited {second['rc']}: {second['stderr'][-600:]}")
        expect(HOST_REPLY in sb.host_answer(second), f"{key}'s second turn answered {sb.host_answer(second)[:300]!r}")
        expect(not second["leftovers"], f"processes still running after the turn: {second['leftovers']}")

        panel = [r for r in self.mock.requests() if r["method"] == "POST" and (r.get("body") or {}).get("model") == PANEL_MODEL]
        expect(len(panel) == 1, f"{len(panel)} requests for frontier's panel model {PANEL_MODEL!r}, want 1; "
                                f"{key} stderr: {second['stderr'][-600:]}")
        text = request_text(panel[0].get("body"))
        expect(SECOND_PROMPT in text, "the panel's request lacks the second prompt")
        block = CONTEXT_BLOCK_RE.search(text)
        expect(block is not None, f"the panel's request has no context block: {text[:600]!r}")
        inside = block.group(2)
        heading = TRANSCRIPT_HEADING_RE.search(inside)
        expect(heading is not None, f"the context block has no conversation heading: {inside[:400]!r}")
        expect(f"user: {FIRST_PROMPT}" in inside, f"the context lacks the first prompt: {inside[:600]!r}")
        expect(f"assistant: {FIRST_REPLY}" in inside, f"the context lacks the first reply: {inside[:600]!r}")
        expect(SECOND_PROMPT not in inside, "the context block holds the current prompt too")
        leaked = frontier_markers(inside)
        expect(not leaked, f"the conversation carries frontier's own relay of an earlier turn: {leaked}")
        # The path in the heading is the transcript the host wrote, in its own place.
        path = Path(heading.group(1))
        where_ = {"claude": sb.home / ".claude" / "projects", "codex": sb.codex_home / "sessions",
                  "gemini": sb.home / ".gemini" / "tmp"}[key]
        expect(path.is_file() and where_ in path.parents, f"the transcript {path} is not a file under {where_}")
        expect(FIRST_PROMPT in path.read_text(errors="replace"), f"{path} does not hold the first prompt")
        return (f"the panel's request carries the first turn from {path.relative_to(sb.home.parent)} "
                f"({heading.group(0)!r}); second turn {second['wall']:.1f}s")

    # -- consecutive prompts of one session share their prefix ----------------------------

    def session(self, key: str) -> str:
        sb = self.installed_and_trusted(key, f"{key}-session")
        (sb.frontier_home / "config").mkdir(parents=True, exist_ok=True)
        (sb.frontier_home / "config" / "config.toml").write_text(
            f'[providers.llmock]\nkind = "openai"\nbase_url = "{self.mock.base}/v1"\napi_key_env = "LOCAL_API_KEY"\n\n'
            f'[providers.llmock-anthropic]\nkind = "anthropic"\nbase_url = "{self.mock.base}/anthropic"\n'
            'api_key_env = "LOCAL_API_KEY"\n')
        members = [f"llmock:{m}" for m in SESSION_MODELS[:2]] + [f"llmock-anthropic:{SESSION_MODELS[2]}"]
        # The first turn with frontier off, so that the hooked ones have a conversation.
        sb.script_reply(text=FIRST_REPLY)
        first = sb.run_host(FIRST_PROMPT)
        expect(first["rc"] == 0, f"{key}'s first turn exited {first['rc']}: {first['stderr'][-600:]}")
        session_id = None
        if key == "claude":
            session_id = json.loads(first["stdout"]).get("session_id")
            expect(bool(session_id), f"claude's output names no session_id: {first['stdout'][:300]!r}")
        sb.frontier("mode", "fusion", "--models", ",".join(members), "--judge", f"llmock:{SESSION_MODELS[3]}",
                    "--synth", f"llmock:{SESSION_MODELS[4]}", "--scope", sb.host.scope_alias)
        turns = []
        for prompt, reply in ((SECOND_PROMPT, SECOND_REPLY), (THIRD_PROMPT, HOST_REPLY)):
            before = len(self.mock.requests())
            self.mock.queue({"type": "reply", "text": SESSION_VERDICT, "match": {"model": SESSION_MODELS[3]}})
            sb.script_reply(text=reply)
            result = sb.run_host(prompt, resume=True, session_id=session_id)
            self.timing(key, f"hooked turn {len(turns) + 2}", result["wall"])
            expect(result["rc"] == 0, f"{key} exited {result['rc']}: {result['stderr'][-600:]}")
            expect(not result["leftovers"], f"processes still running after the turn: {result['leftovers']}")
            made = [r for r in self.mock.requests()[before:] if r["method"] == "POST"
                    and (r.get("body") or {}).get("model") in SESSION_MODELS]
            by_model = {m: [r["body"] for r in made if r["body"]["model"] == m] for m in SESSION_MODELS}
            missing = [m for m, rs in by_model.items() if not rs]
            expect(not missing, f"no request for {missing} in hooked turn {len(turns) + 2}; {key} stderr: "
                                f"{result['stderr'][-600:]}")
            turns.append({m: rs[0] for m, rs in by_model.items()})
        said = []
        nonces = set()
        for model in SESSION_MODELS:
            # Compared as the text of every part in order (each message's blocks; a string
            # content is one) up to the line that closes the context, where the new turn
            # starts: OpenAI's wire joins a message's blocks into one string, Anthropic's
            # sends them as blocks, and both must begin the same. A cache mark moves to the
            # last stable part of each request; it is not content (the API caches the bytes
            # up to a mark), so the parts are compared without it.
            one, two = parts(turns[0][model]["messages"]), parts(turns[1][model]["messages"])
            shared = closing_part(one)
            expect(shared is not None, f"{model}: no part closes the context in {json.dumps(one)[:600]}")
            text_one, text_two = ("".join(text for _, text, _ in ps) for ps in (one, two))
            start = len("".join(t for _, t, _ in one[:shared]))
            close = re.compile(r"^\[\[end context ", re.M).search(text_one, start)
            expect(close is not None, f"{model}: no close line in the part that holds it")
            prefix = text_one[:close.start()]
            roles = [p[0] for p in one[:shared + 1]] == [p[0] for p in two[:shared + 1]]
            expect(roles and text_two.startswith(prefix),
                   f"{model}: the second request does not begin with the first's text through the conversation; "
                   f"first differing part: {first_difference(one[:shared], two)}")
            for turn in (f"user: {FIRST_PROMPT}", f"assistant: {FIRST_REPLY}"):
                expect(turn in prefix, f"{model}: the shared parts lack {turn!r}: {prefix[-600:]!r}")
            nonces.update(CONTEXT_NONCE_RE.findall("".join(text for _, text, _ in one + two)))
            marks, later = [i for i, p in enumerate(one) if p[2]], [i for i, p in enumerate(two) if p[2]]
            if model == SESSION_MODELS[2]:
                # The first request's mark is on a part the second shares, and the
                # second marks one at or after it within the API's 20-block look-back.
                expect(all(m < shared for m in marks), f"{model}: a cache mark at part {marks} is past the "
                                                        f"shared {shared}")
                expect(not marks or any(max(marks) <= m <= max(marks) + 20 for m in later),
                       f"{model}: the second request's marks {later} do not reach back to the first's {marks}")
                said.append(f"{model} (Anthropic) marks parts {marks} then {later}")
            size = len(prefix.encode())
            said.append(f"{model} {shared} of {len(one)} parts ({size} bytes of text) shared")
        expect(len(nonces) == 1, f"the context's nonce changed within the session: {sorted(nonces)}")
        return "; ".join(said) + f"; one nonce {next(iter(nonces))[:8]}…"

    # -- Gemini CLI's /frontier command ---------------------------------------------------

    def command(self) -> str:
        sb = self.sandbox(HOSTS["gemini"], "gemini-command")
        self.install_quietly(sb)
        command_file = sb.repo / ".gemini" / "commands" / "frontier.toml"
        expect(command_file.is_file(), f"no {command_file.relative_to(sb.repo)} after install")
        sb.arm_demo()
        before = hooked_runs(sb)
        sb.script_reply()
        result = sb.run_host(COMMAND_PROMPT)
        self.timing("gemini", "command", result["wall"])
        expect(result["rc"] == 0, f"gemini exited {result['rc']}: {result['stderr'][-600:]}")
        expect(HOST_REPLY in sb.host_answer(result), f"gemini answered {sb.host_answer(result)[:300]!r}")
        expect(not result["leftovers"], f"processes still running after the turn: {result['leftovers']}")
        requests = sb.model_requests()
        expect(len(requests) == 1, f"{len(requests)} model requests, want 1")
        turn = last_user_turn(requests[0]["body"])
        expect(turn.startswith(COMMAND_PROMPT + "\n"), f"the model's last user turn does not start with "
                                                        f"{COMMAND_PROMPT!r} and a line break: {turn[:300]!r}")
        expect("frontier run --scope gemini-project" in turn, f"the user turn is not the command's expansion: "
                                                              f"{turn[:600]!r}")
        # The conversation, not the system instruction (which tells the model about the tag).
        said = request_text(requests[0]["body"].get("contents"))
        seen = frontier_markers(requests[0]["text"]) + (["<hook_context>"] if "<hook_context>" in said else [])
        expect(not seen, f"the request carries frontier's hook context: {seen}")
        after = hooked_runs(sb)
        expect(after == before, f"the slash command made {after - before} hooked run(s)")
        # The same sandbox, still armed, does hook a plain prompt: the hook was live.
        sb.script_reply()
        plain = sb.run_host(PROMPT)
        expect(plain["rc"] == 0, f"gemini's plain turn exited {plain['rc']}: {plain['stderr'][-600:]}")
        expect(hooked_runs(sb) == after + 1, f"a plain prompt made {hooked_runs(sb) - after} hooked runs, want 1")
        return (f"the model's user turn starts {turn.splitlines()[0]!r} ({len(turn)} characters, the expanded "
                f"command), no hook context, hooked runs {before} -> {after}; a plain prompt after it: "
                f"{after + 1}; command run {result['wall']:.1f}s")

    def install_quietly(self, sb: Sandbox) -> None:
        if self.hand_registered:
            sb.register_by_hand()
        else:
            sb.frontier("install", sb.host.install_name, "--project", str(sb.repo))
        expect(sb.settings_path.is_file(), f"no {sb.host.settings} after install")

    def add_witness(self, sb: Sandbox, log: Path) -> None:
        """A second UserPromptSubmit hook that records the FRONTIER_DEPTH each hooked claude
        run sees, and prints nothing."""
        script = sb.tmp.parent / "witness.py"
        script.write_text(
            "import json, os, sys\n"
            "event = json.load(sys.stdin)\n"
            f"with open({str(log)!r}, 'a') as f:\n"
            "    f.write(json.dumps({'depth': os.environ.get('FRONTIER_DEPTH', '-'),\n"
            "                        'prompt': event.get('prompt', '')[:200]}) + '\\n')\n")
        settings = json.loads(sb.settings_path.read_text())
        groups = settings.setdefault("hooks", {}).setdefault("UserPromptSubmit", [])
        groups.append({"hooks": [{"type": "command", "timeout": 60,
                                  "command": f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}"}]})
        sb.settings_path.write_text(json.dumps(settings, indent=2) + "\n")


def main() -> int:
    repo = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--npm-bin", default=str(repo / ".e2e/npm/node_modules/.bin"),
                        help="directory holding the claude, codex and gemini executables")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--hosts", default=",".join(HOSTS), help="hosts to test (default: all)")
    parser.add_argument("--checks", default=",".join(CHECKS), help="checks to run (default: all); install "
                        "always runs, as the others need the hook registered")
    parser.add_argument("--hand-registered", action="store_true",
                        help="write the hook registration by hand instead of running `frontier install`")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    hosts = [h.strip() for h in args.hosts.split(",") if h.strip()]
    unknown = [h for h in hosts if h not in HOSTS]
    if unknown or not hosts:
        print(f"error: unknown host(s) {unknown}; known: {list(HOSTS)}", file=sys.stderr)
        return 2
    checks = {c.strip() for c in args.checks.split(",") if c.strip()}
    if checks - set(CHECKS) or not checks:
        print(f"error: unknown check(s) {sorted(checks - set(CHECKS))}; known: {list(CHECKS)}", file=sys.stderr)
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
    root = Path(tempfile.mkdtemp(prefix="frontier-hook-"))
    mock = messages = suite = None
    sandboxes: list[Sandbox] = []
    try:
        messages = MessagesServer()
        messages.start()
        messages.wait_healthy()
        mock = Llmock(exe, root)
        version = mock.wait_healthy()
        versions = "; ".join(f"{h} {cli_version(npm_bin / h)}" for h in hosts)
        print(f"llmock {version} on {mock.base}; Messages server on {messages.base}; {versions}", flush=True)
        suite = Suite(binary, npm_bin, root, messages, mock, args.hand_registered)

        for key in hosts:
            host = HOSTS[key]
            sb = suite.sandbox(host, key)
            sandboxes.append(sb)
            if not checks & {"install", "armed", "guard", "off"}:
                continue
            how = ("the hook registered by hand" if args.hand_registered
                   else f"`frontier install {host.install_name} --project REPO` registers the hook")
            if not suite.check(f"[{key}] install: {how} in {host.settings}",
                               lambda: suite.install(sb)):
                print(f"      ({key}: the checks below run anyway, on whatever install left in place)", flush=True)
            if "armed" in checks:
                suite.check(f"[{key}] armed: demo preset on {host.scope_alias} -> the model request carries the "
                            "banner and the fused answer", lambda: suite.armed(sb))
            if "guard" in checks:
                if "armed" not in checks:
                    sb.arm_demo()
                suite.check(f"[{key}] guard: a {len(SHORT_PROMPT)}-character prompt reaches the model untouched",
                            lambda: suite.guard(sb))
            if "off" in checks:
                suite.check(f"[{key}] off: after `frontier mode off --scope {host.scope_alias}` nothing of "
                            "frontier's reaches the model", lambda: suite.off(sb))
            if "relay" in checks and key in ("claude", "codex"):
                suite.check(f"[{key}] relay: a 30,000-character answer reaches the model cut under the host's "
                            "ceiling, with the path of the file that holds it whole", lambda: suite.relay(sb))
            if "failure" in checks:
                suite.check(f"[{key}] failure: a panel that all fails leaves the prompt unchanged and tells the "
                            "user one line where the host shows it", lambda: suite.failure(sb))
            if "cut" in checks:
                suite.check(f"[{key}] cut: a mentioned file the budget cuts -> the fused answer still reaches the "
                            "model, and the user is told in the host's one line", lambda: suite.cut(sb))
        if "claude" in hosts and "reentry" in checks:
            suite.check(f"[claude] re-entry: a claude-cli:{MEMBER_MODEL} panel inside the hooked project does not "
                        "re-enter frontier", suite.reentry)
        for key in [h for h in hosts if "transcript" in checks]:
            suite.check(f"[{key}] transcript: a second turn in the same session sends frontier's panel the first "
                        "turn, read from the host's own transcript", lambda: suite.transcript(key))
        for key in [h for h in hosts if "session" in checks and h in ("claude", "codex")]:
            suite.check(f"[{key}] session: two hooked prompts in one session -> each of frontier's five models' "
                        "second request begins with its first one's messages through the conversation",
                        lambda: suite.session(key))
        if "gemini" in hosts and "command" in checks:
            suite.check("[gemini] command: `gemini -p \"/frontier what is 2+2\"` with the demo armed -> the "
                        "command is expanded and the hook leaves it alone", suite.command)
    except Exception as exc:
        print(f"FAIL  hook check aborted: {type(exc).__name__}: {exc}", flush=True)
        if mock is not None:
            print(mock.log_tail(), flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        for sb in sandboxes:
            sb.stop_leftovers()
        kill_all(processes_with_home(root, below=True))
        if mock is not None:
            mock.stop()
        if messages is not None:
            messages.stop()
        shutil.rmtree(root, ignore_errors=True)

    if suite.timings:
        parts = []
        for host, runs in suite.timings.items():
            part = f"{host} " + ", ".join(f"{what} {secs:.1f}s" for what, secs in runs.items())
            if "armed" in runs and "off" in runs:
                part += f" (the armed hook added {runs['armed'] - runs['off']:+.1f}s)"
            parts.append(part)
        print("host run times: " + "; ".join(parts), flush=True)
    print(suite.summary())
    return 0 if suite.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
