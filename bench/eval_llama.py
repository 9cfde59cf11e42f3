#!/usr/bin/env python3
"""`frontier eval` against a real model: SmolLM2-135M-Instruct behind a real llama.cpp
server (xllamacpp, installed by tests/e2e/setup), a panel of that one model at three
temperatures against the model alone. Prints a Markdown table for docs/benchmarks.md.

    .e2e/venv/bin/python bench/eval_llama.py target/release/frontier \
        --model .e2e/models/SmolLM2-135M-Instruct.Q4_1.gguf [--defaults] [--keep DIR]

What it does, in a temporary directory with a cleared environment:

  1. starts llama.cpp's server in a child process on a free loopback port, with
     `--slots` parallel slots and every generation stopped at `--n-predict` tokens
     (a 135M model can ramble until its context is full);
  2. writes a FRONTIER_HOME: an `openai`-kind provider at the server's /v1, a model
     `smollm2` routed to it, and a preset `trio`: `smollm2` three times, at temperatures
     0.2, 0.7 and 1.2, judged and synthesised by `smollm2` at its default temperature;
  3. runs `frontier eval --sample --json` with the contenders `smollm2`, `trio` and
     `trio --judge none` (`-c` repeatable; `--contender` replaces the list), with
     `--concurrency` and `--per-provider` equal to the server's slots;
  4. with `--defaults` (or `--defaults-only`, which skips step 3), arms `trio` for the
     working directory (`frontier mode fusion --preset trio`) and runs `frontier eval
     --sample --json` once more without `-c`: the armed preset against each member alone
     at its temperature.

`--judge-probe N` runs none of the evals: it sends the first N sample questions through
`frontier run --preset trio --json`, N at once, and prints how many runs' judges gave a
verdict (the eval keeps each run's answer and totals, not whether its judge worked).

For each eval it prints the table (accuracy with its 95% interval, mean answer length,
tokens, p50/p95 latency per item), the eval's wall time and the paths of its report and
chart; `--keep DIR` copies each eval's directory (report.md, chart.svg, results.jsonl)
there. The server is stopped by its process group whatever happens.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from e2e_common import free_port, log_tail, stop_group  # noqa: E402

ALIAS = "smollm2"
PRESET = "trio"
TEMPERATURES = (0.2, 0.7, 1.2)
CONTENDERS = [ALIAS, PRESET, f"{PRESET} --judge none"]
HEALTH_DEADLINE = 120.0
# Per call: a judge's prompt holds three answers and is read at ~100-250 tokens/s on 2
# cores, behind whatever the other slots are doing.
CALL_TIMEOUT = 300
# The whole eval; the script gives up (and stops frontier) past this.
EVAL_DEADLINE = 3600


def serve(model: str, port: int, slots: int, n_predict: int, ctx_per_slot: int) -> None:
    """The child process: llama.cpp's server until it is killed."""
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = model
    params.n_parallel = slots
    params.n_ctx = ctx_per_slot * slots  # shared among the slots
    params.n_predict = n_predict
    params.port = port
    params.hostnames = ["127.0.0.1"]
    params.use_jinja = True
    params.model_alias = {ALIAS}
    params.cpuparams.n_threads = os.cpu_count() or 2
    server = xllamacpp.Server(params)  # returns once it listens
    from importlib.metadata import version

    print(f"xllamacpp {version('xllamacpp')} listening on {server.listening_address}", flush=True)
    threading.Event().wait()


def wait_healthy(base: str, server: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + HEALTH_DEADLINE
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}:\n{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=2) as resp:
                if json.loads(resp.read()).get("status") == "ok":
                    return
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"no healthy server after {HEALTH_DEADLINE:.0f}s:\n{log_tail(log_path)}")


def write_home(home: Path, base: str) -> None:
    (home / "config" / "presets").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(
        f"member_timeout_secs = {CALL_TIMEOUT}\n"
        f"budget_secs = {3 * CALL_TIMEOUT}\n"
        "history = false\n\n"
        "[providers.llama]\n"
        'kind = "openai"\n'
        f'base_url = "{base}/v1"\n\n'
        f"[models.{ALIAS}]\n"
        'description = "SmolLM2-135M-Instruct (Q4_1) on a local llama.cpp server"\n'
        f'routes = ["llama:{ALIAS}"]\n'
    )
    members = ", ".join(f'{{ model = "{ALIAS}", temperature = {t} }}' for t in TEMPERATURES)
    (home / "config" / "presets" / f"{PRESET}.toml").write_text(
        f'description = "{ALIAS} three times, at temperatures {", ".join(map(str, TEMPERATURES))}"\n'
        f"panel = [{members}]\n"
        f'judge = "{ALIAS}"\n'
        f'synth = "{ALIAS}"\n'
    )


def frontier(argv: list[str], env: dict, cwd: Path, timeout: float = 60) -> str:
    proc = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"{shlex.join(argv[1:])} exited {proc.returncode}:\n{proc.stderr}")
    return proc.stdout


def run_eval(argv: list[str], env: dict, cwd: Path, work: Path) -> tuple[dict, float, dict]:
    """Runs one eval, passing its progress lines through; returns (summary, wall seconds,
    the paths it printed by name)."""
    out_path = work / "eval.stdout"
    paths: dict = {}
    print(f"$ frontier {shlex.join(argv[1:])}", file=sys.stderr, flush=True)
    started = time.monotonic()
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        timer = threading.Timer(EVAL_DEADLINE, lambda: stop_group(proc, grace=10))
        timer.start()
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                sys.stderr.write("  " + line)
                name, _, value = line.strip().partition(": ")
                if name in ("report", "chart") and value:
                    paths[name] = value
            code = proc.wait()
        finally:
            timer.cancel()
            stop_group(proc, grace=10)
    wall = time.monotonic() - started
    if code != 0:
        raise SystemExit(f"the eval exited {code} after {wall:.0f}s; stdout:\n{out_path.read_text()[-2000:]}")
    return json.loads(out_path.read_text()), wall, paths


def judge_probe(binary: str, env: dict, cwd: Path, count: int) -> int:
    """Runs the first `count` sample questions through the trio at once; prints each
    judge's outcome."""
    questions = [json.loads(line)["prompt"] for line in
                 (Path(__file__).resolve().parent.parent / "evals" / "sample.jsonl").read_text().splitlines()[:count]]
    argv = [binary, "run", "--preset", PRESET, "--json"]
    procs = [subprocess.Popen([*argv, q], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) for q in questions]
    verdicts = 0
    for question, proc in zip(questions, procs):
        out, _ = proc.communicate(timeout=3 * CALL_TIMEOUT + 60)
        report = json.loads(out)
        judge = report.get("judge") or {}
        verdicts += bool(judge.get("ok"))
        outcome = "verdict" if judge.get("ok") else f"no verdict: {judge.get('error')}"
        print(f"- {question!r}: judge {outcome} ({(judge.get('usage') or {}).get('output_tokens')} tokens out); "
              f"final from the {report.get('final_source')}")
    print(f"judges that gave a verdict: {verdicts} of {len(questions)}")
    return 0


def pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def table(summary: dict, wall: float) -> str:
    rows = ["| contender | accuracy | 95% interval | answered / failed | mean answer chars | tokens in | tokens out "
            "| p50 s | p95 s |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in summary["contenders"]:
        acc = c.get("accuracy")
        a = f"{pct(acc['interval']['estimate'])} ({acc['correct']}/{acc['scored']})" if acc else "-"
        iv = f"{pct(acc['interval']['low'])}–{pct(acc['interval']['high'])}" if acc else "-"
        chars = c.get("mean_answer_chars")
        lat = c["latency"]
        secs = [f"{lat[k] / 1000:.1f}" if lat.get(k) is not None else "-" for k in ("p50_ms", "p95_ms")]
        rows.append(f"| `{c['label']}` | {a} | {iv} | {c['answered']} / {c['failed']} "
                    f"| {chars:.0f} | {c['spend']['input_tokens']} | {c['spend']['output_tokens']} "
                    f"| {secs[0]} | {secs[1]} |" if chars is not None else
                    f"| `{c['label']}` | {a} | {iv} | {c['answered']} / {c['failed']} | - "
                    f"| {c['spend']['input_tokens']} | {c['spend']['output_tokens']} | {secs[0]} | {secs[1]} |")
    g = summary.get("grading") or {}
    tail = [f"wall time of the whole eval: {wall:.0f} s ({wall / 60:.1f} min); {summary['items']} items; "
            f"complete: {summary['complete']}; grader tokens: {g.get('input_tokens', 0)} in / "
            f"{g.get('output_tokens', 0)} out"]
    tail += [f"note: {n}" for n in summary.get("notes", [])]
    shapes = [f"- `{c['label']}`: {c['shape']}" for c in summary["contenders"]]
    return "\n".join(rows + [""] + shapes + [""] + tail)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", nargs="?", help="the frontier binary")
    parser.add_argument("--model", required=True, help="the SmolLM2 GGUF file")
    parser.add_argument("--slots", type=int, default=4, help="the server's parallel slots (and the eval's concurrency)")
    parser.add_argument("--n-predict", type=int, default=64, help="the most tokens the server generates per call")
    parser.add_argument("--ctx-per-slot", type=int, default=2048, help="context tokens per slot")
    parser.add_argument("-c", "--contender", action="append", help="a contender (default: smollm2, trio, "
                                                                    "'trio --judge none')")
    parser.add_argument("--set", help="a JSONL set instead of --sample (for a quick trial)")
    parser.add_argument("--defaults", action="store_true", help="also run the default contenders of the armed trio")
    parser.add_argument("--defaults-only", action="store_true", help="run only the default contenders")
    parser.add_argument("--keep", help="copy each eval's directory here")
    parser.add_argument("--judge-probe", type=int, metavar="N",
                        help="instead of the evals: N runs of the trio, and whether each judge gave a verdict")
    parser.add_argument("--serve", nargs=4, help=argparse.SUPPRESS)  # the child's mode: port slots n_predict ctx
    args = parser.parse_args()

    if args.serve:
        serve(args.model, *map(int, args.serve))
        return 0
    if not args.frontier:
        parser.error("the frontier binary is required")
    binary = str(Path(args.frontier).resolve())
    model = str(Path(args.model).resolve())
    for path, what in ((binary, "frontier binary"), (model, "model")):
        if not os.path.isfile(path):
            print(f"error: the {what} {path} does not exist (run tests/e2e/setup)", file=sys.stderr)
            return 2

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="frontier-eval-llama-"))
    log_path = work / "llama-server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = None
    log = open(log_path, "wb")
    try:
        t0 = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--model", model, "--serve", str(port), str(args.slots),
             str(args.n_predict), str(args.ctx_per_slot)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(base, server, log_path)
        print(f"server ready in {time.monotonic() - t0:.1f}s at {base}", file=sys.stderr, flush=True)

        home, cwd = work / "frontier", work / "project"
        cwd.mkdir()
        write_home(home, base)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(work), "FRONTIER_HOME": str(home),
               "NO_COLOR": "1"}
        print(frontier([binary, "preset", "show", PRESET], env, cwd), file=sys.stderr)

        if args.judge_probe:
            return judge_probe(binary, env, cwd, args.judge_probe)
        source = ["--sample"] if not args.set else [str(Path(args.set).resolve())]
        shared = ["--json", "--concurrency", str(args.slots), "--per-provider", str(args.slots),
                  "--timeout", str(CALL_TIMEOUT)]
        contenders = args.contender or CONTENDERS
        runs = [] if args.defaults_only else [
            ("contenders given", False, [binary, "eval", *source, *[a for c in contenders for a in ("-c", c)], *shared])]
        if args.defaults or args.defaults_only:
            runs.append(("default contenders (the armed preset and each member alone)", True,
                         [binary, "eval", *source, *shared]))

        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), platform.machine()) if Path("/proc/cpuinfo").exists() else ""
        print(f"machine: {os.cpu_count()} cores, {platform.system()} {platform.machine()}, {cpu}")
        print(f"server: llama.cpp (xllamacpp), {Path(model).name}, {args.slots} slots x {args.ctx_per_slot} "
              f"context, n_predict {args.n_predict}")
        for title, arm, argv in runs:
            if arm:
                print(f"$ frontier mode fusion --preset {PRESET}", file=sys.stderr, flush=True)
                frontier([binary, "mode", "fusion", "--preset", PRESET], env, cwd)
            summary, wall, paths = run_eval(argv, env, cwd, work)
            print()
            print(f"### {title}")
            print()
            print(f"`frontier {shlex.join(argv[1:])}`")
            print()
            print(table(summary, wall))
            for name, path in paths.items():
                print(f"{name}: {path}")
            if args.keep and paths.get("report"):
                dest = Path(args.keep) / summary["eval_id"]
                shutil.copytree(Path(paths["report"]).parent, dest, dirs_exist_ok=True)
                print(f"kept: {dest}")
            sys.stdout.flush()
    finally:
        if server is not None:
            stop_group(server, grace=15)
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
