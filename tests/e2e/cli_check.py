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
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from e2e_common import (CLAUDE_USAGE, CheckFailed, Checks, Llmock, MessagesServer, agent_cli_env, cli_version, expect,
                        request_text, write_codex_config, write_gemini_auth)

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


def verdict_for(labels: list[str]) -> str:
    """A valid verdict over `labels`: scores 9, 8, 7... in label order, ranked that way."""
    scores = {label: {"score": 9 - i, "reason": f"answer {label} is scripted"} for i, label in enumerate(labels)}
    return json.dumps({"scores": scores, "ranking": labels, "consensus": ["nothing is written"],
                       "contradictions": [], "partial_coverage": [], "unique_insights": [],
                       "blind_spots": ["network access"]})


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
        # codex: a `local` provider on llmock's Responses API, without retries of its own.
        write_codex_config(self.codex_home, mock.base)
        # gemini: API-key auth.
        write_gemini_auth(self.home)
        self.env = agent_cli_env([str(npm_bin)], self.home, self.tmp, self.codex_home, messages.base, mock.base, KEYS)
        self.env["FRONTIER_HOME"] = str(self.frontier_home)

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
        want = {"input_tokens": CLAUDE_INPUT, "output_tokens": CLAUDE_USAGE["output_tokens"],
                "cached_input_tokens": CLAUDE_USAGE["cache_read_input_tokens"],
                "cache_write_tokens": CLAUDE_USAGE["cache_creation_input_tokens"]}
        expect(usage == want, f"{m['model']} usage {usage}, want {want} (input + cache writes + cache reads)")
    else:
        expect(usage.get("input_tokens", 0) > 0 and usage.get("output_tokens", 0) > 0,
               f"{m['model']} reports no usage: {usage}")
    return m


def usage_str(m: dict) -> str:
    u = m.get("usage") or {}
    return f"{u.get('input_tokens')}/{u.get('output_tokens')}"


class Suite(Checks):
    def __init__(self, clis: list[str], frontier: Frontier, messages: MessagesServer, mock: Llmock) -> None:
        super().__init__()
        self.clis = clis
        self.frontier = frontier
        self.messages = messages
        self.mock = mock
        self.known = 0

    def before_each(self) -> None:
        self.messages.reset()
        self.mock.reset()

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
