#!/usr/bin/env python3
"""End-to-end check of frontier's HTTP providers against llmock, a third-party mock
LLM server with fault injection (https://pypi.org/project/llmock/, pinned in setup).

    python tests/e2e/llmock_check.py target/debug/frontier [--llmock PATH] [--kinds openai,anthropic,gemini]

Starts `llmock serve` on a free loopback port, points one provider of each kind
(openai, anthropic, gemini) at it, and runs the real frontier binary in a cleared
environment:

  (a) a three-member panel, one member per API, answers;
  (b) for each API and each fault (429 with Retry-After, 500, 503, 529, a dropped
      connection, a truncated stream, a malformed chunk, a stalled stream), the faulted
      member retries once and ends with the exact scripted answer;
  (c) a 401 fails its member after exactly one attempt, and the run goes on;
  (d) llmock's own verdict over every case has no error and no warning;
  (e) context (docs/context.md): `run -f` with a file, a directory (holding a .gitignored
      file, a binary and a .env), a glob, `--diff` in a git repository, and text piped
      into `frontier run "q"`: every panel, judge and synth request body carries exactly
      the expected sources and none of the excluded ones.

  (f) parameters (docs/configuration.md): `--param` on each API's member puts temperature,
      the output cap and the reasoning level in that API's own fields (OpenAI
      `temperature`/`max_completion_tokens`/`reasoning_effort`, Anthropic
      `temperature`/`max_tokens`/`thinking`, Gemini `generationConfig`); a parameter a
      route can't take (a temperature over 1 on Anthropic) exits 2 before any request.

  (g) a cacheable synth (docs/configuration.md): with judge and synth one model on one route,
      the synth's request body begins with the judge's messages (Gemini: contents) byte
      for byte, then the verdict as the model's turn and the synth's task; on Anthropic
      both requests mark the system text and the judge's message with cache_control.

  (h) thinking is not stalling: a member whose first token comes after 8 s, with
      --idle-timeout 3, answers in one attempt; a stall after its first chunks is still
      cut by the idle timeout and retried.

  (i) rounds (docs/configuration.md): with `--rounds 2`, each member's second-round request
      carries the other members' first answers, not its own, and no model name.

  (j) the council: `--judge council` with 3 members makes 3 ranking requests, one from
      each member, none containing the ranker's own answer nor a model name; scripted
      rankings are read on each API and aggregated (Borda).

  (k) sessions (docs/sessions.md): a run with `-f` and two follow-ups (`--continue`), one
      member per API, judge and synth on llmock too: each member's request of a turn
      begins with every message of its request of the turn before, the same text byte for
      byte (the earlier question with its context block, then the final answer), and then
      the new prompt; on Anthropic the follow-up marks the end of the thread with
      cache_control on a message the next turn repeats; on OpenAI every request of the
      session to one model carries one prompt_cache_key.

    --only context|params|cache|thinking|rounds|council|sessions runs just the (e) to (k)
    cases (and --only retries everything else).

Standard library only. Prints one line per check and ends with `N passed, M failed`;
exits non-zero on any failure. llmock is stopped by its PID whatever happens.
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
import time
from pathlib import Path

from e2e_common import CheckFailed, Checks, Llmock, expect, request_text

PROMPT = "In one sentence: why do HTTP clients retry with backoff?"

# One provider per API kind. anthropic and gemini base URLs carry no /v1: frontier adds
# /v1/messages and /v1beta/models/...; llmock serves them under /anthropic and /gemini.
KINDS = {
    "openai": {"path": "/v1", "model": "gpt-4o-mini", "key_env": "E2E_OPENAI_KEY"},
    "anthropic": {"path": "/anthropic", "model": "claude-sonnet-4-5", "key_env": "E2E_ANTHROPIC_KEY"},
    "gemini": {"path": "/gemini", "model": "gemini-2.5-flash", "key_env": "E2E_GEMINI_KEY"},
}
# Dummy keys, distinct so a leak can be spotted in frontier's output.
KEYS = {kind: f"e2e-{kind}-key-7f3a9c" for kind in KINDS}

# The config's idle timeout; the stall case lowers it with --idle-timeout.
CONFIG_IDLE_SECS = 5
STALL_IDLE_SECS = 1
FIRST_TOKEN_SECS = 8.0  # a reasoning model's silence before it writes
FIRST_TOKEN_IDLE_SECS = 3  # shorter than that silence: it must not count
STALL_SECONDS = 6.0  # longer than both: only the idle timeout can end the stall early
RETRY_AFTER_SECS = 1

# The text the faulted member is scripted to say, so that a retried stream can be
# checked for leftovers of the broken attempt (duplicated or missing words).
SCRIPTED = (
    "Retries with exponential backoff and jitter give a struggling server room to "
    "recover instead of hammering it with a synchronised storm of identical requests; "
    "honouring Retry-After lands the next attempt outside the rate-limit window, and "
    "capping the attempts keeps one outage from being amplified into a bigger one, "
    "while a read timeout turns a hung stream into a failure that can be retried."
)

# Which chunk a stream fault hits, per API: late enough that some text was already
# streamed (so frontier must discard it), early enough that the answer is not complete.
# openai: role chunk, then one chunk per word; anthropic: message_start,
# content_block_start, ping, then text deltas; gemini: a text piece per chunk.
FAULT_CHUNK = {"openai": 3, "anthropic": 5, "gemini": 2}

CHUNK_DELAY_MS = 2  # llmock's pause between streamed chunks

RUN_TIMEOUT = 60  # seconds a frontier run may take before the check gives up on it


# Paced like real generation. Without a pause the whole stream is in the socket buffer
# before the client's hang-up arrives, and llmock then records an attempt the client
# abandoned (after a malformed chunk) as completed.
LLMOCK_ARGS = ("--stream-chunk-delay-ms", str(CHUNK_DELAY_MS))


class Frontier:
    """The frontier binary, run in a cleared environment with its own FRONTIER_HOME."""

    def __init__(self, binary: str, workdir: Path, mock: Llmock, kinds: list[str]) -> None:
        self.binary = binary
        self.home = workdir / "home"
        self.frontier_home = workdir / "frontier"
        self.home.mkdir()
        (self.frontier_home / "config").mkdir(parents=True)
        lines = [
            f"idle_timeout_secs = {CONFIG_IDLE_SECS}",
            "member_timeout_secs = 30",
            "budget_secs = 60",
            "",
            "[retry]",
            "max_attempts = 3",
            "base_delay_ms = 100",
            "max_delay_ms = 1000",
        ]
        for kind in kinds:
            spec = KINDS[kind]
            lines += [
                "",
                f"[providers.llmock-{kind}]",
                f'kind = "{kind}"',
                f'base_url = "{mock.base}{spec["path"]}"',
                f'api_key_env = "{spec["key_env"]}"',
            ]
            if kind == "openai":
                # llmock takes OpenAI's session cache key; case (k) checks each request has one.
                lines.append("prompt_cache_key = true")
        # Prices for every llmock route, so each member's report carries a cost.
        lines += ["", "[prices]"]
        lines += [f'"{member_id(kind)}" = {{ input = 1.0, output = 2.0 }}' for kind in kinds]
        (self.frontier_home / "config" / "config.toml").write_text("\n".join(lines) + "\n")
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "FRONTIER_HOME": str(self.frontier_home),
            **{KINDS[k]["key_env"]: KEYS[k] for k in kinds},
        }

    def run(self, models: list[str], *extra: str, cwd: Path | None = None, stdin: bytes | None = None,
            prompt: str = PROMPT, expect_json: bool = True) -> dict:
        argv = [self.binary, "run", "--json", "--models", ",".join(models), *extra, prompt]
        try:
            proc = subprocess.run(argv, env=self.env, cwd=cwd or self.home,
                                  stdin=subprocess.DEVNULL if stdin is None else None, input=stdin,
                                  capture_output=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"frontier did not finish within {RUN_TIMEOUT}s") from None
        stdout = proc.stdout.decode(errors="replace")
        stderr = proc.stderr.decode(errors="replace")
        for kind, key in KEYS.items():
            expect(key not in stdout and key not in stderr, f"the {kind} API key leaked into frontier's output")
        try:
            report = json.loads(stdout)
        except ValueError:
            if not expect_json:
                return {"rc": proc.returncode, "report": None, "stderr": stderr}
            raise CheckFailed(f"exit {proc.returncode}, stdout is not JSON: {stdout[:300]!r}; stderr: {stderr[-500:]}") from None
        return {"rc": proc.returncode, "report": report, "stderr": stderr}


def member_id(kind: str) -> str:
    return f"llmock-{kind}:{KINDS[kind]['model']}"


def member(report: dict, kind: str) -> dict:
    for m in report["panel"]:
        if m["model"] == member_id(kind):
            return m
    raise CheckFailed(f"no panel member {member_id(kind)} in the report")


def describe(m: dict) -> str:
    return f"{m['model']}: ok={m['ok']} error={m.get('error')!r}"


def expect_member_ok(report: dict, kind: str) -> dict:
    m = member(report, kind)
    expect(m["ok"], f"member failed: {describe(m)}")
    expect(bool(m.get("content")), f"{m['model']} has no content")
    usage = m.get("usage") or {}
    expect(usage.get("input_tokens", 0) > 0 and usage.get("output_tokens", 0) > 0,
           f"{m['model']} reports no usage: {usage}")
    # $1 / $2 per million tokens: the cost follows from the reported usage.
    want = (usage["input_tokens"] * 1.0 + usage["output_tokens"] * 2.0) / 1_000_000
    cost = m.get("cost_usd")
    expect(cost is not None and abs(cost - want) < 1e-12, f"{m['model']} costs {cost}, not {want}")
    return m


def expect_run_ok(result: dict) -> dict:
    report = result["report"]
    expect(result["rc"] == 0, f"exit {result['rc']} (status {report.get('status')}, "
                              f"failure {report.get('failure_reason')}); stderr: {result['stderr'][-400:]}")
    expect(report.get("status") == "ok", f"status {report.get('status')!r}")
    expect(bool(report.get("final")), "no final answer")
    return report


def calls_of(requests: list[dict], kind: str) -> list[list[dict]]:
    """The requests to `kind`'s API grouped by body (the attempts of one call), in order."""
    provider = "openai" if kind == "openai" else kind
    groups: dict[str, list[dict]] = {}
    for r in sorted(requests, key=lambda r: r["seq"]):
        if r["provider"] == provider:
            groups.setdefault(r["fingerprint"], []).append(r)
    return list(groups.values())


def panel_attempts(requests: list[dict], kind: str) -> list[dict]:
    """Every attempt of `kind`'s panel call: the first call to that API in the run."""
    calls = calls_of(requests, kind)
    expect(bool(calls), f"llmock saw no request to the {kind} API")
    return calls[0]


def summarise(attempts: list[dict]) -> str:
    return ", ".join(f"#{a['seq']} {a['status']}{' ' + a['fault'] if a['fault'] else ''}"
                     f"{'' if a['completed'] else ' (incomplete)'}" for a in attempts)


# -- the cases -----------------------------------------------------------------

def stream_fault(kind: str, fault: str) -> dict:
    behavior = {"type": "stream_fault", "kind": fault, "after_chunks": FAULT_CHUNK[kind],
                "match": {"provider": kind}}
    if fault == "stall":
        behavior["stall_seconds"] = STALL_SECONDS
    return behavior


# name, behaviours to queue for the faulted API (besides the scripted reply), how many
# attempts carry the fault, the journal's label for it, extra frontier arguments.
FAULTS = [
    ("429 with Retry-After", lambda k: [{"type": "fail", "status": 429, "retry_after": RETRY_AFTER_SECS,
                                         "match": {"provider": k}}], "scenario:429", ()),
    ("500 without Retry-After", lambda k: [{"type": "fail", "status": 500, "match": {"provider": k}}],
     "scenario:500", ()),
    ("503", lambda k: [{"type": "fail", "status": 503, "match": {"provider": k}}], "scenario:503", ()),
    ("529 overloaded", lambda k: [{"type": "fail", "status": 529, "match": {"provider": k}}],
     "scenario:529", ()),
    ("dropped connection mid-stream", lambda k: [stream_fault(k, "disconnect")], "stream:disconnect", ()),
    ("truncated stream", lambda k: [stream_fault(k, "truncate")], "stream:truncate", ()),
    ("malformed chunk", lambda k: [stream_fault(k, "malformed")], "stream:malformed", ()),
    ("stalled stream", lambda k: [stream_fault(k, "stall")], "stream:stall",
     ("--idle-timeout", str(STALL_IDLE_SECS))),
]


class Suite(Checks):
    def __init__(self, mock: Llmock, frontier: Frontier, kinds: list[str]) -> None:
        super().__init__()
        self.mock = mock
        self.frontier = frontier
        self.kinds = kinds
        self.models = [member_id(k) for k in kinds]
        # (case name, verdict JSON, verdict text) for every case, for check (d).
        self.verdicts: list[tuple[str, dict, str]] = []

    def before_each(self) -> None:
        self.mock.reset()

    def after_each(self) -> None:
        # llmock's verdict covers the attempts since the reset: read it before the next one.
        try:
            verdict, text = self.mock.verdict()
            self.verdicts.append((self.case, verdict, text))
        except (OSError, ValueError) as exc:
            self.verdicts.append((self.case, {"errors": 1, "warnings": 0, "findings": []},
                                  f"could not read the verdict: {exc}"))

    def baseline(self) -> str:
        result = self.frontier.run(self.models)
        report = expect_run_ok(result)
        for kind in self.kinds:
            expect_member_ok(report, kind)
        expect(report["failed_models"] == [], f"failed_models {report['failed_models']}")
        requests = self.mock.requests()
        for kind in self.kinds:
            attempts = panel_attempts(requests, kind)
            expect(len(attempts) == 1, f"{kind}: {len(attempts)} attempts without a fault: {summarise(attempts)}")
        judge = report.get("judge") or {}
        synth = report.get("synth") or {}
        expect(judge.get("error_kind") is None, f"judge call failed on the wire: {judge.get('error')}")
        expect(synth.get("ok") is True, f"synth failed: {synth.get('error')}")
        usage = ", ".join(f"{k} {member(report, k)['usage']['input_tokens']}/"
                          f"{member(report, k)['usage']['output_tokens']}" for k in self.kinds)
        return f"tokens in/out: {usage}; judge ok={judge.get('ok')}, final from {report.get('final_source')}"

    def judged_by(self, kind: str) -> str:
        """Judge and synth on one API: its structured-output request must go through. The
        synth is another model of that API: with the judge's own model the judge's request
        is a shared prefix, which asks for its JSON in words (case (f))."""
        result = self.frontier.run(self.models, "--judge", member_id(kind), "--synth", f"llmock-{kind}:synth-{kind}")
        report = expect_run_ok(result)
        for k in self.kinds:
            expect_member_ok(report, k)
        judge = report.get("judge") or {}
        synth = report.get("synth") or {}
        expect(judge.get("model") == member_id(kind), f"judge was {judge.get('model')}")
        expect(judge.get("error_kind") is None, f"judge call failed on the wire: {judge.get('error')}")
        expect(synth.get("ok") is True, f"synth failed: {synth.get('error')}")
        # The member's call, the judge's (plus one re-ask when its JSON was invalid), the synth's.
        calls = len(calls_of(self.mock.requests(), kind))
        want = 3 if judge.get("ok") else 4
        if judge.get("ok"):
            expect(report.get("analysis") is not None, "judge ok but no analysis")
            outcome = "judge ok, analysis present"
        else:
            expect(any("judge" in n for n in report.get("notes", [])), f"no note on the failed judge: {report.get('notes')}")
            outcome = f"judge's JSON rejected after a re-ask ({judge.get('error')}), synth used the raw answers"
        expect(calls in (3, 4) and (judge.get("ok") or calls == want),
               f"{calls} calls to {kind}; want the member's, the judge's (a re-ask if invalid) and the synth's")
        return f"{calls} calls; {outcome}"

    def fault(self, kind: str, behaviors: list[dict], label: str, extra: tuple[str, ...]) -> str:
        stream_faulted = label.startswith("stream:")
        # The scripted text covers the faulted attempt (when a stream fault lets the
        # request through) and the retry; a `fail` answers before any reply is consumed.
        reply = {"type": "reply", "text": SCRIPTED, "times": 2 if stream_faulted else 1,
                 "match": {"provider": kind}}
        self.mock.queue(*behaviors, reply)
        started = time.monotonic()
        result = self.frontier.run(self.models, *extra)
        wall = time.monotonic() - started
        report = expect_run_ok(result)
        for k in self.kinds:
            expect_member_ok(report, k)
        m = member(report, kind)
        expect(m["content"] == SCRIPTED, f"retried answer is not the scripted text: {m['content']!r}")
        attempts = panel_attempts(self.mock.requests(), kind)
        expect(len(attempts) == 2, f"expected 2 attempts, saw {len(attempts)}: {summarise(attempts)}")
        first, retry = attempts
        expect((first["fault"] or "").startswith(label), f"first attempt was not faulted as {label}: {summarise(attempts)}")
        expect(retry["status"] == 200 and retry["completed"] and not retry["fault"],
               f"the retry did not succeed cleanly: {summarise(attempts)}")
        gap = retry["started_at"] - first["ended_at"]
        if first.get("retry_after"):
            expect(gap >= first["retry_after"] - 0.05,
                   f"retried {gap:.2f}s after a {first['status']} that asked for {first['retry_after']}s")
        if label == "stream:stall":
            stalled = first["ended_at"] - first["started_at"]
            expect(stalled < STALL_IDLE_SECS + 1.5,
                   f"the stalled attempt lasted {stalled:.1f}s; --idle-timeout {STALL_IDLE_SECS} should end it")
        pending = self.mock.get("/_llmock/scenario")["pending"]
        expect(pending == [], f"behaviours left unconsumed: {pending}")
        return f"{summarise(attempts)}; retried after {gap:.2f}s; run {wall:.1f}s"

    def slow_first_token(self, kind: str) -> str:
        """A first token after 8 s with --idle-timeout 3: one attempt, no retry."""
        slow = {"type": "slow_first_token", "seconds": FIRST_TOKEN_SECS, "match": {"provider": kind, "stream": True}}
        reply = {"type": "reply", "text": SCRIPTED, "times": 1, "match": {"provider": kind}}
        self.mock.queue(slow, reply)
        started = time.monotonic()
        result = self.frontier.run(self.models, "--idle-timeout", str(FIRST_TOKEN_IDLE_SECS))
        wall = time.monotonic() - started
        report = expect_run_ok(result)
        m = member(report, kind)
        expect(m["ok"] and m["content"] == SCRIPTED, f"{kind} did not answer: {m.get('error')}")
        attempts = panel_attempts(self.mock.requests(), kind)
        expect(len(attempts) == 1, f"expected 1 attempt, saw {len(attempts)}: {summarise(attempts)}")
        expect(m["latency_ms"] >= FIRST_TOKEN_SECS * 1000 - 100, f"answered in {m['latency_ms']} ms, before the 8 s delay")
        return f"{summarise(attempts)}; answered in {m['latency_ms']} ms; run {wall:.1f}s"

    def unauthorized(self, kind: str) -> str:
        self.mock.queue({"type": "fail", "status": 401, "message": "invalid x-api-key",
                         "match": {"provider": kind}})
        result = self.frontier.run(self.models)
        report = expect_run_ok(result)
        m = member(report, kind)
        expect(not m["ok"], f"the member answered despite a 401: {describe(m)}")
        expect(m.get("error_kind") == "auth", f"error_kind {m.get('error_kind')!r}, want 'auth' ({m.get('error')})")
        expect(member_id(kind) in report["failed_models"], f"failed_models {report['failed_models']}")
        for k in self.kinds:
            if k != kind:
                expect_member_ok(report, k)
        attempts = panel_attempts(self.mock.requests(), kind)
        expect(len(attempts) == 1, f"a 401 was retried: {summarise(attempts)}")
        return f"one attempt ({summarise(attempts)}); member error: {m.get('error')}"

    def verdict_clean(self) -> str:
        calls = attempts = faults = 0
        problems = []
        for name, verdict, text in self.verdicts:
            calls += verdict.get("calls", 0)
            attempts += verdict.get("attempts", 0)
            faults += verdict.get("faults_injected", 0)
            if verdict.get("errors") or verdict.get("warnings") or verdict.get("findings"):
                problems.append(f"--- {name}\n{text}")
        expect(not problems, "llmock flagged frontier:\n" + "\n".join(problems))
        return (f"{len(self.verdicts)} cases, {calls} calls, {attempts} attempts, "
                f"{faults} faults injected: no FAIL, no WARN")


# -- (e) context ---------------------------------------------------------------

CONTEXT_PROMPT = "In one sentence: what do these sources do?"
# Text that must never reach a model: each excluded file holds one of these.
NEVER = {
    "proj/ignored.log": "IGNORED-7d1e",
    "proj/.env": "ENV-SECRET-51aa",
    "proj/logo.png": "PNG-BYTES-0c9f",
    "proj/.hidden.md": "HIDDEN-22b4",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env={**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"})


def context_tree(root: Path) -> Path:
    """A git repository with a project directory holding what a walk must tell apart."""
    proj = root / "proj"
    proj.mkdir(parents=True)
    (root / "notes.md").write_text("NOTES-TEXT-a31f: the pool holds four connections.\n")
    (proj / ".gitignore").write_text("ignored.log\n")
    (proj / "a.rs").write_text("fn a() { /* A-RS-TEXT-9b2c */ }\n")
    (proj / "b.md").write_text("B-MD-TEXT-4e8d\n")
    (proj / "ignored.log").write_text(NEVER["proj/ignored.log"] + "\n")
    (proj / ".env").write_text(f"KEY={NEVER['proj/.env']}\n")
    (proj / ".hidden.md").write_text(NEVER["proj/.hidden.md"] + "\n")
    (proj / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + NEVER["proj/logo.png"].encode())
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "one")
    return root


def headings(text: str) -> list[str]:
    """The sources a request's context block names, as `kind path` in order."""
    out = []
    for line in text.splitlines():
        if line.startswith("--- ") and line.endswith(" ---") and " bytes" in line:
            out.append(line[4:line.rindex(" (")])
    return out


class ContextCases:
    def __init__(self, mock: Llmock, frontier: Frontier, models: list[str], root: Path) -> None:
        self.mock = mock
        self.frontier = frontier
        self.models = models
        self.root = root

    def check(self, extra: tuple[str, ...], want: list[str], carries: list[str], stdin: bytes | None = None,
              never: list[str] = ()) -> str:
        result = self.frontier.run(self.models, *extra, cwd=self.root, stdin=stdin, prompt=CONTEXT_PROMPT)
        report = expect_run_ok(result)
        requests = self.mock.requests()
        # Three members, the judge (and a re-ask when its JSON was invalid), the synth.
        expect(len(requests) >= len(self.models) + 2, f"only {len(requests)} requests")
        for r in requests:
            text = request_text(r.get("body"))
            where = f"request #{r['seq']} to {r['provider']}"
            expect(headings(text) == want, f"{where} names {headings(text)}, want {want}")
            for needle in carries:
                expect(needle in text, f"{where} lacks {needle!r}")
            for needle in [*NEVER.values(), *never]:
                expect(needle not in text, f"{where} carries {needle!r}")
            expect(CONTEXT_PROMPT in text, f"{where} lacks the prompt")
        sources = [(c["kind"], c.get("path"), c.get("skipped")) for c in report.get("context", [])]
        return f"{len(requests)} requests each carry {want}; report: {sources}"

    def file(self) -> str:
        return self.check(("-f", "notes.md"), ["file notes.md"], ["NOTES-TEXT-a31f"])

    def directory(self) -> str:
        detail = self.check(("-f", "proj"), ["file proj/a.rs", "file proj/b.md"],
                            ["A-RS-TEXT-9b2c", "B-MD-TEXT-4e8d"])
        return detail

    def glob(self) -> str:
        return self.check(("-f", "proj/*.rs"), ["file proj/a.rs"], ["A-RS-TEXT-9b2c"], never=["B-MD-TEXT-4e8d"])

    def diff(self) -> str:
        (self.root / "proj" / "a.rs").write_text("fn a() { /* A-RS-TEXT-9b2c */ changed_for_e2e() }\n")
        (self.root / "proj" / ".env").write_text("KEY=ENV-SECRET-CHANGED-77c0\n")
        try:
            return self.check(("--diff",), ["git diff HEAD"], ["+fn a() { /* A-RS-TEXT-9b2c */ changed_for_e2e() }"],
                              never=["ENV-SECRET-CHANGED-77c0", "NOTES-TEXT-a31f"])
        finally:
            git(self.root, "checkout", "-q", "--", ".")

    def piped(self) -> str:
        log = (self.root / "notes.md").read_bytes()
        return self.check((), ["stdin"], ["NOTES-TEXT-a31f"], stdin=log)


# What each API's request body must carry for --param temperature=0.5,
# max_output_tokens=256, reasoning=high (Anthropic: thinking needs temperature 1, and the
# thinking budget of `high`, 24576 tokens, comes on top of the answer's 256).
PARAMS = {
    "openai": (("temperature=0.5", "max_output_tokens=256", "reasoning=high"),
               {"/temperature": 0.5, "/max_completion_tokens": 256, "/reasoning_effort": "high"}),
    "anthropic": (("temperature=1", "max_output_tokens=256", "reasoning=high"),
                  {"/temperature": 1.0, "/max_tokens": 256 + 24576,
                   "/thinking": {"type": "enabled", "budget_tokens": 24576}}),
    "gemini": (("temperature=0.5", "max_output_tokens=256", "reasoning=high"),
               {"/generationConfig/temperature": 0.5, "/generationConfig/maxOutputTokens": 256,
                "/generationConfig/thinkingConfig": {"thinkingBudget": 24576}}),
}


def pointer(body: object, path: str) -> object:
    """The value at a JSON pointer of simple keys, or None."""
    for key in path.strip("/").split("/"):
        if not isinstance(body, dict) or key not in body:
            return None
        body = body[key]
    return body


class ParamCases:
    """(f): each API's member run alone with parameters; the bodies llmock received."""

    def __init__(self, mock: Llmock, frontier: Frontier, kinds: list[str]) -> None:
        self.mock, self.frontier, self.kinds = mock, frontier, kinds

    def translated(self, kind: str) -> str:
        self.mock.reset()
        model = member_id(kind)
        flags, want = PARAMS[kind]
        extra: list[str] = []
        for flag in flags:
            extra += ["--param", f"{model}.{flag}"]
        result = self.frontier.run([model, "mock:b"], "--judge", "mock:b", "--synth", "mock:b", *extra)
        report = expect_run_ok(result)
        shown = member(report, kind).get("params")
        expect(shown is not None, f"the report records no params for {model}")
        bodies = [r["body"] for r in self.mock.requests() if r.get("body") is not None]
        expect(len(bodies) == 1, f"expected one request to llmock, got {len(bodies)}")
        got = {path: pointer(bodies[0], path) for path in want}
        expect(got == want, f"body fields {got}, want {want}")
        return f"{', '.join(f'{p}={v}' for p, v in got.items())}; report {shown}"

    def refused(self) -> str:
        self.mock.reset()
        model = member_id("anthropic")
        result = self.frontier.run([model, "mock:b"], "--param", f"{model}.temperature=1.5", expect_json=False)
        raise_unless_refused(result, model)
        seen = self.mock.requests()
        expect(not seen, f"llmock received {len(seen)} request(s)")
        return "exit 2, llmock's request log empty"


def raise_unless_refused(result: dict, model: str) -> None:
    expect(result["rc"] == 2, f"exit {result['rc']}, want 2; stderr {result['stderr'][-300:]!r}")
    want = f"error: model `{model}` (route `{model}`) does not take parameter `temperature`"
    expect(want in result["stderr"], f"stderr {result['stderr'][-300:]!r} lacks {want!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="API kinds to test (default: all)")
    parser.add_argument("--only", choices=["retries", "context", "params", "cache", "thinking", "rounds", "council",
                                                     "sessions"],
                        help="run only these cases")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        print(f"error: unknown kind(s) {unknown}; known: {list(KINDS)}", file=sys.stderr)
        return 2

    # A SIGTERM (CI giving up, Ctrl-C in a wrapper) still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="frontier-llmock-"))
    mock = None
    suite = None
    try:
        mock = Llmock(exe, workdir, LLMOCK_ARGS)
        version = mock.wait_healthy()
        print(f"llmock {version} on {mock.base}; frontier {binary}; APIs: {', '.join(kinds)}", flush=True)
        frontier = Frontier(binary, workdir, mock, kinds)
        suite = Suite(mock, frontier, kinds)

        if args.only in (None, "retries"):
            retry_cases(suite, kinds)
        if args.only in (None, "params"):
            cases = ParamCases(mock, frontier, kinds)
            for kind in kinds:
                suite.check(f"(f) {kind}: each parameter in the API's own field", lambda k=kind: cases.translated(k))
            if "anthropic" in kinds:
                suite.check("(f) anthropic: temperature 1.5 refused, exit 2, no request", cases.refused)
        if args.only in (None, "cache"):
            for kind in kinds:
                suite.check(f"(g) {kind}: the synth continues the judge's conversation",
                            lambda k=kind: cache_case(suite, k))
        if args.only in (None, "thinking"):
            for kind in kinds:
                suite.check(f"(h) {kind}: first token after {FIRST_TOKEN_SECS:.0f}s with --idle-timeout "
                            f"{FIRST_TOKEN_IDLE_SECS}: one attempt", lambda k=kind: suite.slow_first_token(k))
                suite.check(f"(h) {kind}: a stall after the first chunks is cut by the idle timeout and retried",
                            lambda k=kind: suite.fault(k, [stream_fault(k, "stall")], "stream:stall",
                                                       ("--idle-timeout", str(STALL_IDLE_SECS))))
        if args.only in (None, "rounds"):
            shapes = ShapeCases(mock, frontier, kinds)
            suite.check("(i) --rounds 2: each second-round request carries the others' first answers, not its "
                        "own, and no model name", shapes.rounds)
        if args.only in (None, "council") and len(kinds) >= 3:
            shapes = ShapeCases(mock, frontier, kinds)
            suite.check("(j) --judge council with 3 members: 3 ranking requests, none with the ranker's own "
                        "answer", shapes.council)
        if args.only in (None, "sessions"):
            suite.check("(k) two follow-ups: each member's request begins with its previous turn's messages, "
                        "byte for byte", lambda: session_case(suite, workdir / "session"))
        if args.only in (None, "context"):
            cases = ContextCases(mock, frontier, suite.models, context_tree(workdir / "ctx"))
            suite.check("(e) -f a file: every request carries it", cases.file)
            suite.check("(e) -f a directory: its text files, no ignored, hidden, binary or .env file", cases.directory)
            suite.check("(e) -f a glob: the files it matches and no other", cases.glob)
            suite.check("(e) --diff: the work tree's changes, no secret file's", cases.diff)
            suite.check("(e) piped stdin with a prompt argument: carried as context", cases.piped)
        # The verdict check reads what the cases collected; it queues and runs nothing.
        name = "(d) llmock verdict over every case"
        try:
            detail = suite.verdict_clean()
            suite.passed += 1
            print(f"PASS  {name}  {detail}", flush=True)
        except CheckFailed as exc:
            suite.failed += 1
            print(f"FAIL  {name}  {exc}", flush=True)
        if suite.verdicts:
            print("llmock verdict text of the last case:")
            print("    " + suite.verdicts[-1][2].strip().replace("\n", "\n    "))
    except Exception as exc:
        print(f"FAIL  llmock check aborted: {type(exc).__name__}: {exc}", flush=True)
        if mock is not None:
            print(mock.log_tail(), flush=True)
        if suite is None:
            print("0 passed, 1 failed")
            return 1
        suite.failed += 1
    finally:
        if mock is not None:
            mock.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{suite.passed} passed, {suite.failed} failed")
    return 0 if suite.failed == 0 else 1


# -- (i), (j) rounds and the council ----------------------------------------------

def shown_text(body: object) -> str:
    """What a request shows its model: every string of the body but its `model` field
    (which names the model by design; Gemini's is in the path)."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "model"}
    return request_text(body)


def first_answer(kind: str) -> str:
    return f"FIRST-ANSWER-{kind}-5e1b: retry with backoff so a struggling server can recover."


class ShapeCases:
    """(i) and (j): the requests of later rounds and of the council, as llmock saw them.
    The judge (for rounds) and the synth are offline mocks, so llmock sees only the
    panel's and the rankers' requests."""

    def __init__(self, mock: Llmock, frontier: Frontier, kinds: list[str]) -> None:
        self.mock, self.frontier, self.kinds = mock, frontier, kinds
        self.models = [member_id(k) for k in kinds]

    def script_first_answers(self) -> None:
        self.mock.reset()
        self.mock.queue(*[{"type": "reply", "text": first_answer(k), "times": 1, "match": {"provider": k}}
                          for k in self.kinds])

    def by_kind(self) -> dict[str, list[dict]]:
        """Each API's requests in order (one member each), attempts of one call merged."""
        return {k: [attempts[-1] for attempts in calls_of(self.mock.requests(), k)] for k in self.kinds}

    def expect_no_model_name(self, text: str, where: str) -> None:
        for kind in self.kinds:
            for name in (KINDS[kind]["model"], f"llmock-{kind}"):
                expect(name not in text, f"{where} names {name!r}")

    def rounds(self) -> str:
        self.script_first_answers()
        report = expect_run_ok(self.frontier.run(self.models, "--rounds", "2", "--judge", "mock:j",
                                                 "--synth", "mock:s"))
        earlier = report.get("rounds") or []
        expect(len(earlier) == 1, f"the report keeps {len(earlier)} earlier rounds, want 1")
        firsts = {m["model"]: m.get("content") for m in earlier[0]["members"]}
        for kind in self.kinds:
            expect(firsts.get(member_id(kind)) == first_answer(kind), f"{kind}'s first answer: {firsts}")
        seen = self.by_kind()
        for kind in self.kinds:
            calls = seen[kind]
            expect(len(calls) == 2, f"{kind}: {len(calls)} calls, want two rounds")
            first, second = (shown_text(c.get("body")) for c in calls)
            expect(first_answer(kind) not in first, f"{kind}'s first request already holds an answer")
            where = f"{kind}'s second-round request"
            for other in self.kinds:
                has = first_answer(other) in second
                expect(has == (other != kind), f"{where} {'lacks' if not has else 'carries'} {other}'s first answer")
            expect("## Other answers" in second, f"{where} lacks the other answers' heading")
            self.expect_no_model_name(second, where)
        return (f"{2 * len(self.kinds)} panel requests; each revision carries {len(self.kinds) - 1} other answers, "
                f"not its own, no model name; final from {report.get('final_source')}")

    def council(self) -> str:
        # A first run learns the labels the fixed seed gives; the second scripts each
        # member's ranking of the others' labels (best first in label order), so the
        # rankings can be counted.
        self.script_first_answers()
        flags = ("--judge", "council", "--synth", "mock:s", "--seed", "7")
        first = expect_run_ok(self.frontier.run(self.models, *flags))
        labels = {m["model"]: m.get("label") for m in first["panel"]}
        self.script_first_answers()
        self.mock.queue(*[{"type": "reply", "text": json.dumps({"ranking": sorted(
            l for m, l in labels.items() if m != member_id(k) and l)}), "times": 1, "match": {"provider": k}}
            for k in self.kinds])
        report = expect_run_ok(self.frontier.run(self.models, *flags))
        seen = self.by_kind()
        rankings = 0
        for kind in self.kinds:
            calls = seen[kind]
            expect(len(calls) == 2, f"{kind}: {len(calls)} calls, want its answer and its ranking")
            text = shown_text(calls[1].get("body"))
            where = f"{kind}'s ranking request"
            expect('{"ranking": [...]}' in text, f"{where} does not ask for a ranking")
            rankings += 1
            expect(first_answer(kind) not in text, f"{where} carries the ranker's own answer")
            for other in self.kinds:
                if other != kind:
                    expect(first_answer(other) in text, f"{where} lacks {other}'s answer")
            self.expect_no_model_name(text, where)
        council = report.get("council") or {}
        rankers = council.get("rankers") or []
        expect(len(rankers) == len(self.kinds), f"the report has {len(rankers)} rankers")
        expect(report.get("judge") is None, "a council run has no judge call")
        left_out = [f"{r['call']['model']}: {r.get('error')}" for r in rankers if not r.get("ranking")]
        expect(not left_out, f"scripted rankings left out: {left_out}")
        aggregate = council.get("aggregate") or []
        points = sum(s["points"] for s in aggregate)
        expect(len(aggregate) == 3 and all(s["ballots"] == 2 for s in aggregate) and points == 3,
               f"the Borda aggregate of three rankings of two is not 3 labels x 2 ballots, 3 points: {aggregate}")
        order = " > ".join(f"{s['label']} {s['points']}" for s in aggregate)
        return (f"{rankings} ranking requests, none with the ranker's own answer or a model name; "
                f"3 rankings counted on the three APIs; aggregate {order}")


def cache_case(suite: Suite, kind: str) -> str:
    """Judge and synth on one model of `kind`: llmock is scripted to give the judge a
    verdict (asked in words, as a shared prefix carries no schema on the wire)."""
    model = f"judge-{kind}"
    judge = f"llmock-{kind}:{model}"
    labels = [chr(ord("A") + i) for i in range(len(suite.models))]
    verdict = json.dumps({
        "scores": {l: {"score": 9 - i, "reason": f"answer {l} is sound"} for i, l in enumerate(labels)},
        "ranking": labels, "consensus": ["backoff spreads retries"], "contradictions": [],
        "partial_coverage": [], "unique_insights": [], "blind_spots": [],
    })
    suite.mock.queue({"type": "reply", "text": verdict, "times": 1, "match": {"model": model}})
    report = expect_run_ok(suite.frontier.run(suite.models, "--judge", judge, "--synth", judge))
    expect((report.get("judge") or {}).get("ok") is True, f"judge failed: {(report.get('judge') or {}).get('error')}")
    expect((report.get("synth") or {}).get("ok") is True, "synth failed")
    expect(report.get("final_source") == "synth", f"final from {report.get('final_source')}")
    asked = [r for r in suite.mock.requests() if model in (r.get("model") or "") or model in (r.get("path") or "")]
    expect(len(asked) == 2, f"{len(asked)} requests to {model}; want the judge's and the synth's")
    first, then = asked[0]["body"], asked[1]["body"]
    key = "contents" if kind == "gemini" else "messages"
    a, b = first.get(key) or [], then.get(key) or []
    expect(len(b) == len(a) + 2, f"the synth sent {len(b)} {key}, the judge {len(a)}")
    expect(json.dumps(b[:len(a)]) == json.dumps(a), f"the synth's {key} do not begin with the judge's")
    roles = [m.get("role") for m in b[len(a):]]
    expect(roles == ["model" if kind == "gemini" else "assistant", "user"], f"then {roles}")
    for name in ("system", "systemInstruction"):
        expect(json.dumps(first.get(name)) == json.dumps(then.get(name)), f"`{name}` differs from the judge's")
    for name in ("tools", "tool_choice", "response_format", "generationConfig"):
        expect(name not in first and name not in then, f"a shared prefix carries `{name}`, which keys the cache")
    detail = f"{key}: {len(a)} shared + {roles}"
    if kind == "anthropic":
        marks = [first["system"][0].get("cache_control"), a[-1]["content"][0].get("cache_control")]
        expect(marks == [{"type": "ephemeral"}] * 2, f"cache_control marks {marks}")
        detail += "; system and judge's message marked ephemeral in both"
    pending = suite.mock.get("/_llmock/scenario")["pending"]
    expect(pending == [], f"behaviours left unconsumed: {pending}")
    return detail


def said(kind: str, message: dict) -> tuple[str, str]:
    """A message of `kind`'s wire as (role, text): its text blocks or parts joined, with
    any cache mark left out (a mark keys the cache, it is not text the model reads)."""
    if kind == "gemini":
        return message.get("role", ""), "".join(p.get("text", "") for p in message.get("parts") or [])
    content = message.get("content")
    if isinstance(content, list):
        content = "".join(b.get("text", "") for b in content)
    return message.get("role", ""), content or ""


def session_case(suite: Suite, root: Path) -> str:
    """(k): three turns of one thread; each member's requests compared turn to turn."""
    suite.mock.reset()
    root.mkdir(parents=True, exist_ok=True)
    (root / "notes.txt").write_text("The pool hands out connections under a lock.\n" * 20)
    stages = ("--judge", suite.models[0], "--synth", suite.models[0])
    prompts = [PROMPT, "And what jitter should the backoff add?", "Summarise both answers in a line."]
    reports = [expect_run_ok(suite.frontier.run(suite.models, *stages, "-f", "notes.txt", cwd=root, prompt=prompts[0]))]
    for prompt in prompts[1:]:
        reports.append(expect_run_ok(suite.frontier.run(suite.models, *stages, "--continue", cwd=root, prompt=prompt)))
    ids = [r["run_id"] for r in reports]
    expect([r.get("thread", {}).get("parent") for r in reports[1:]] == ids[:2], f"links {[r.get('thread') for r in reports]}")
    requests = suite.mock.requests()
    details = []
    keys = {}
    for kind in suite.kinds:
        spec = KINDS[kind]
        key = "contents" if kind == "gemini" else "messages"
        # Each turn's member request: the one whose last message is that turn's prompt.
        asked = []
        for prompt in prompts:
            mine = [r for r in requests if spec["model"] in (r.get("model") or r.get("path") or "")
                    and said(kind, (r["body"].get(key) or [{}])[-1])[1].endswith(prompt)]
            expect(len(mine) == 1, f"{kind}: {len(mine)} member requests end with {prompt!r}")
            asked.append(mine[0]["body"])
        for turn in (1, 2):
            before, after = asked[turn - 1], asked[turn]
            a = [said(kind, m) for m in before.get(key) or []]
            b = [said(kind, m) for m in after.get(key) or []]
            expect(len(b) == len(a) + 2 and b[:len(a)] == a,
                   f"{kind}: turn {turn + 1}'s {len(b)} {key} do not begin with turn {turn}'s {len(a)}")
            expect(b[len(a)][1] == reports[turn - 1]["final"].strip() or b[len(a)][1] == reports[turn - 1]["final"],
                   f"{kind}: turn {turn + 1} does not carry turn {turn}'s final answer next")
            for name in ("system", "systemInstruction"):
                expect(json.dumps(before.get(name)) == json.dumps(after.get(name)), f"{kind}: `{name}` changed")
        question = next((t for r, t in map(lambda m: said(kind, m), asked[0].get(key) or []) if r == "user"), "")
        expect("[[context " in question and "The pool hands out connections" in question,
               f"{kind}: the first turn's context is not in the replayed question")
        if kind == "anthropic":
            marked = [i for i, m in enumerate(asked[1]["messages"])
                      if isinstance(m.get("content"), list) and any(b.get("cache_control") for b in m["content"])]
            expect(marked != [] and marked[-1] < len(asked[2]["messages"]) - 1,
                   f"anthropic: turn 2 marks {marked}, which turn 3 does not repeat")
            details.append(f"anthropic marks message {marked[-1]}")
        if kind == "openai":
            keys = {r["body"].get("prompt_cache_key") for r in requests
                    if spec["model"] in (r.get("model") or "")}
        details.append(f"{kind}: {len(asked[2].get(key) or [])} {key} on turn 3")
    if "openai" in suite.kinds:
        expect(len(keys) == 1 and None not in keys, f"openai: prompt_cache_key values {keys}")
    return "; ".join(details)


def retry_cases(suite: Suite, kinds: list[str]) -> None:
    """Cases (a) to (c): answers, retries and a 401 on each API."""
    suite.check("(a) panel of " + " + ".join(kinds) + " answers", suite.baseline)
    for kind in kinds:
        suite.check(f"(a) judge and synth on {kind}", lambda k=kind: suite.judged_by(k))
    for name, make, label, extra in FAULTS:
        for kind in kinds:
            suite.check(f"(b) {kind}: {name} -> retried, member ok",
                        lambda k=kind, mk=make, lb=label, ex=extra: suite.fault(k, mk(k), lb, ex))
    for kind in kinds:
        suite.check(f"(c) {kind}: 401 -> one attempt, member failed, run ok",
                    lambda k=kind: suite.unauthorized(k))


if __name__ == "__main__":
    sys.exit(main())
