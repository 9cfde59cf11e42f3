#!/usr/bin/env python3
"""End-to-end check of `frontier eval` (docs/eval.md) against llmock, whose scripted
replies are the ground truth the eval's numbers must reproduce exactly.

    python tests/e2e/eval_check.py target/debug/frontier [--llmock PATH] [--rpm R]
        [--only reference,position,preference,chart,resume,ratelimit]

Starts two `llmock serve` instances on free loopback ports, one plain and one with
`--rpm R` (429 with the real wait beyond R requests a minute), points an `openai`-kind
provider at each (`local`, `limited`), and runs the real frontier binary in a cleared
environment with its own FRONTIER_HOME:

  (a) references: a 10-item set whose references are "42" or "41" (`numeric`), and two
      contenders, `local:right` (always says 42) and `local:wrong` (always 41): each
      contender's accuracy in `eval --json` is exactly the count the set implies, and
      each model was asked each item once;
  (b) a grader that always prefers the answer shown first, over a set without
      references: the contender's pairs against the baseline are all ties (grading in
      both orders cancels the position bias), and the grader got 2 requests per item;
  (c) a grader that prefers one side: with `--concurrency 1` the eval grades each item
      contender-first, then baseline-first, so a FIFO of verdicts `A, B, A, B, ...` is a
      grader that always prefers the contender (all wins) and `B, A, ...` one that always
      prefers the baseline (all losses); the order the grader saw the answers in is
      checked request by request;
  (chart) the chart of each eval so far (chart.svg in its directory) opens as an image:
      rsvg-convert (librsvg, a real SVG renderer) turns it into a PNG of the SVG's size,
      and the PNG is not blank; the chart of (a) names both contenders;
  (d) interrupted and resumed: slow contenders (llmock `delay`), 8 items,
      `--concurrency 2`; a SIGINT once results.jsonl has a few lines exits 130 naming
      `frontier eval --resume ID`; the resume completes; over both invocations every
      (model, item) pair recorded before the interrupt was requested exactly once, every
      pair at least once, and each answer is recorded once;
  (e) rate limits: 500 generated items, two contenders on the `--rpm` instance,
      `--concurrency 8 --per-provider 8`: the eval completes with every item answered,
      some calls met a 429, and llmock's verdict shows no retry storm and no ignored
      Retry-After; from the first 429 on, the calls answered keep up with at least 60%
      of the limit (the pacer speeds up again after slowing down); memory is flat: the
      frontier process's peak RSS on 500 items is within 1.3x of its peak on 50 items
      (both printed).

Ends with llmock's verdict over the whole check (both instances), printed, with no error.
`--only` runs some of the cases (by the names above).

Standard library only. Prints one line per check and ends with `N passed, M failed`;
exits non-zero on any failure. Both llmock instances are stopped by their PIDs whatever
happens.
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
from collections import Counter
from pathlib import Path

from e2e_common import CheckFailed, Checks, Llmock, expect, request_text

KEY_ENV = "E2E_EVAL_KEY"
KEY = "e2e-eval-key-5c1d8e"  # a dummy, distinct so a leak can be spotted in the output

CASES = ("reference", "position", "preference", "chart", "resume", "ratelimit")

EVAL_TIMEOUT = 120  # seconds one eval may take before the check gives up on it
DEFAULT_RPM = 600  # 1000 calls: 600 from the full bucket, 400 at 10 a second
FLAT_RSS_RATIO = 1.3
# Once over its limit, the eval must still use most of it: a pacer that never speeds up
# again after a 429 ran at 40% of it.
KEEP_UP = 0.6
RESUME_DELAY_SECS = 0.5  # each of (d)'s contender calls, so the eval can be caught half way
RESUME_INTERRUPT_AT = 4  # results.jsonl lines (of 16) before the SIGINT


def marker(item_id: str) -> str:
    """The tag each prompt carries, so llmock's request log names the item it was sent."""
    return f"[item {item_id}]"


def write_set(path: Path, items: list[dict]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


def numeric_items(count: int, prefix: str, every: int = 3) -> list[dict]:
    """`count` items with numeric references: "41" on every `every`-th, "42" on the others."""
    items = []
    for n in range(1, count + 1):
        item_id = f"{prefix}{n:03d}"
        ref = "41" if n % every == 0 else "42"
        items.append({"id": item_id, "prompt": f"{marker(item_id)} What is 40 + {int(ref) - 40}?",
                      "reference": ref, "match": "numeric"})
    return items


def open_items(count: int, prefix: str) -> list[dict]:
    """`count` items without a reference: graded pairwise."""
    topics = ["a mutex", "a semaphore", "backpressure", "a circuit breaker", "idempotency", "a bloom filter"]
    return [{"id": f"{prefix}{n}", "prompt": f"{marker(f'{prefix}{n}')} In one line: what is {topics[n % len(topics)]}?"}
            for n in range(1, count + 1)]


def reply(model: str, text: str, times: int | None = None) -> dict:
    return {"type": "reply", "text": text, "times": times, "match": {"model": model}}


class Frontier:
    """The frontier binary, in a cleared environment with its own FRONTIER_HOME whose
    config points provider `local` at the plain llmock and `limited` at the rate-limited
    one."""

    def __init__(self, binary: str, workdir: Path, plain: Llmock, limited: Llmock | None) -> None:
        self.binary = binary
        self.workdir = workdir
        self.home = workdir / "home"
        self.frontier_home = workdir / "frontier"
        self.home.mkdir()
        (self.frontier_home / "config").mkdir(parents=True)
        lines = []
        for name, mock in (("local", plain), ("limited", limited)):
            if mock is None:
                continue
            lines += [f"[providers.{name}]", 'kind = "openai"', f'base_url = "{mock.base}/v1"',
                      f'api_key_env = "{KEY_ENV}"', ""]
        (self.frontier_home / "config" / "config.toml").write_text("\n".join(lines))
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "FRONTIER_HOME": str(self.frontier_home),
            "LANG": "C.UTF-8",
            KEY_ENV: KEY,
        }

    @property
    def evals_dir(self) -> Path:
        return self.frontier_home / "state" / "evals"

    def start(self, args: list[str], key: str = KEY) -> tuple[subprocess.Popen, Path]:
        """Starts `frontier eval ARGS` with stdout and stderr going to files in a fresh
        directory; returns the process and that directory."""
        out_dir = Path(tempfile.mkdtemp(prefix="eval-", dir=self.workdir))
        with open(out_dir / "stdout", "wb") as stdout, open(out_dir / "stderr", "wb") as stderr:
            proc = subprocess.Popen([self.binary, "eval", *args], env={**self.env, KEY_ENV: key}, cwd=self.workdir,
                                    stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        return proc, out_dir

    def wait(self, proc: subprocess.Popen, out_dir: Path, timeout: float = EVAL_TIMEOUT) -> dict:
        """Waits for `proc` (SIGKILL at the deadline) with `os.wait4`, for its peak RSS.
        Returns rc (None after a timeout), stdout, stderr, the parsed JSON of stdout (or
        None), the peak RSS in KiB and the wall seconds."""
        started = time.monotonic()
        timer = threading.Timer(timeout, lambda: proc.poll() is None and proc.kill())
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        timed_out = proc.returncode == -signal.SIGKILL
        stdout = (out_dir / "stdout").read_text(errors="replace")
        stderr = (out_dir / "stderr").read_text(errors="replace")
        expect(KEY not in stdout and KEY not in stderr, "the API key leaked into frontier's output")
        try:
            report = json.loads(stdout)
        except ValueError:
            report = None
        return {"rc": None if timed_out else proc.returncode, "stdout": stdout, "stderr": stderr, "report": report,
                "maxrss_kib": usage.ru_maxrss, "wall": time.monotonic() - started}

    def eval(self, args: list[str], key: str = KEY, timeout: float = EVAL_TIMEOUT) -> dict:
        proc, out_dir = self.start(args, key)
        return self.wait(proc, out_dir, timeout)


def summary_of(result: dict) -> dict:
    """The eval's `--json` summary, once it exited 0."""
    report = result["report"]
    expect(result["rc"] == 0 and report is not None,
           f"exit {result['rc']}; stdout {result['stdout'][:300]!r}; stderr {result['stderr'][-600:]!r}")
    return report


def contender(summary: dict, label: str) -> dict:
    for c in summary["contenders"]:
        if c["label"] == label:
            return c
    raise CheckFailed(f"no contender {label!r} in the summary: {[c['label'] for c in summary['contenders']]}")


def asked(requests: list[dict], model: str) -> list[dict]:
    """llmock's record of every attempt sent to `model`, in arrival order."""
    return [r for r in requests if r.get("model") == model]


def item_of(record: dict, ids: list[str]) -> str:
    """The item whose marker the request carries (exactly one)."""
    text = request_text(record.get("body"))
    found = [i for i in ids if marker(i) in text]
    expect(len(found) == 1, f"request #{record['seq']} to {record.get('model')} carries {len(found)} item markers")
    return found[0]


# -- the cases -----------------------------------------------------------------

class Cases:
    def __init__(self, frontier: Frontier, plain: Llmock, limited: Llmock | None, rpm: int) -> None:
        self.frontier = frontier
        self.plain = plain
        self.limited = limited
        self.rpm = rpm
        self.dir = frontier.workdir
        # (e)'s eval results by item count, for the checks that read them.
        self.rate_results: dict[int, dict] = {}

    def reference(self) -> str:
        """(a) accuracy against references equals the scripted truth."""
        items = numeric_items(10, "a")
        path = write_set(self.dir / "reference.jsonl", items)
        self.plain.queue(reply("right", "42"), reply("wrong", "41"))
        summary = summary_of(self.frontier.eval([str(path), "-c", "local:right", "-c", "local:wrong", "--json"]))
        truth = {"local:right": sum(i["reference"] == "42" for i in items),
                 "local:wrong": sum(i["reference"] == "41" for i in items)}
        got = {}
        for label, want in truth.items():
            acc = contender(summary, label)["accuracy"]
            expect(acc is not None, f"{label} has no accuracy")
            got[label] = (acc["correct"], acc["scored"])
            expect((acc["correct"], acc["scored"]) == (want, len(items)),
                   f"{label}: {acc['correct']}/{acc['scored']} correct, the script says {want}/{len(items)}")
            expect(abs(acc["interval"]["estimate"] - want / len(items)) < 1e-12,
                   f"{label}: estimate {acc['interval']['estimate']}, not {want / len(items)}")
        expect(summary["complete"] is True, "the summary is not complete")
        requests = self.plain.requests()
        ids = [i["id"] for i in items]
        for model in ("right", "wrong"):
            per_item = Counter(item_of(r, ids) for r in asked(requests, model))
            expect(per_item == Counter(ids), f"{model} was asked {dict(per_item)}, not each item once")
        return ", ".join(f"{label} {c}/{s}" for label, (c, s) in got.items())

    def position(self) -> str:
        """(b) a grader that always says A: every pair is a tie."""
        items = open_items(5, "b")
        path = write_set(self.dir / "position.jsonl", items)
        self.plain.queue(reply("b-base", "A careful answer from the baseline."),
                         reply("b-new", "A different answer from the contender."),
                         reply("grader-first", "A"))
        summary = summary_of(self.frontier.eval([str(path), "-c", "local:b-base", "-c", "local:b-new",
                                                 "--grader", "local:grader-first", "--json"]))
        expect(summary["baseline"] == "local:b-base", f"baseline {summary['baseline']!r}")
        versus = contender(summary, "local:b-new")["versus"]
        want = {"wins": 0, "ties": len(items), "losses": 0, "ungraded": 0}
        got = {k: versus[k] for k in want} if versus else None
        expect(got == want, f"versus {got}, want {want}")
        grader_calls = asked(self.plain.requests(), "grader-first")
        expect(len(grader_calls) == 2 * len(items),
               f"the grader got {len(grader_calls)} requests, want {2 * len(items)} (2 per item)")
        per_item = Counter(item_of(r, [i["id"] for i in items]) for r in grader_calls)
        expect(set(per_item.values()) == {2}, f"grader requests per item: {dict(per_item)}")
        return f"versus {got}; grader requests {len(grader_calls)}"

    def preference(self, grader: str, verdicts: tuple[str, str], want: str) -> str:
        """(c) a FIFO of verdicts that always prefers one side, with --concurrency 1."""
        items = open_items(4, f"c{grader[-1]}")
        path = write_set(self.dir / f"{grader}.jsonl", items)
        base_text, new_text = "Baseline: the answer as the preset gives it.", "Contender: its own answer."
        self.plain.queue(reply("c-base", base_text), reply("c-new", new_text))
        self.plain.queue(*[reply(grader, v, times=1) for _ in items for v in verdicts])
        summary = summary_of(self.frontier.eval([str(path), "-c", "local:c-base", "-c", "local:c-new",
                                                 "--grader", f"local:{grader}", "--concurrency", "1", "--json"]))
        versus = contender(summary, "local:c-new")["versus"]
        counts = {"wins": 0, "ties": 0, "losses": 0, "ungraded": 0}
        counts[want] = len(items)
        got = {k: versus[k] for k in counts} if versus else None
        # The order the grader was shown the answers in: contender first, then baseline
        # first, for each item in turn.
        calls = asked(self.plain.requests(), grader)
        ids = [i["id"] for i in items]
        seen = []
        for r in calls:
            text = request_text(r.get("body"))
            first = "contender" if text.find(new_text) < text.find(base_text) else "baseline"
            seen.append((item_of(r, ids), first))
        wanted_order = [(i, side) for i in ids for side in ("contender", "baseline")]
        expect(seen == wanted_order, f"the grader saw (item, shown first) {seen}, the FIFO assumes {wanted_order}")
        expect(got == counts, f"versus {got}, want {counts}")
        left = [b for b in self.plain.pending() if b.get("match", {}).get("model") == grader]
        expect(not left, f"{len(left)} scripted verdicts were not consumed")
        return f"verdicts {'/'.join(verdicts)} per item: versus {got}"

    def chart(self) -> str:
        """(chart) every eval's chart.svg renders as an image in a real renderer."""
        renderer = shutil.which("rsvg-convert")
        expect(renderer is not None, "rsvg-convert is not installed (tests/e2e/setup installs librsvg2-bin)")
        charts = sorted(self.frontier.evals_dir.glob("*/chart.svg"))
        expect(len(charts) >= 3, f"{len(charts)} charts written, not one per eval so far")
        sizes = []
        for svg in charts:
            png = svg.with_suffix(".png")
            done = subprocess.run([renderer, "--format=png", "--output", str(png), str(svg)],
                                  capture_output=True, text=True, timeout=60)
            expect(done.returncode == 0, f"rsvg-convert failed on {svg}: {done.stderr.strip()}")
            data = png.read_bytes()
            expect(data[:8] == b"\x89PNG\r\n\x1a\n", f"{png} is not a PNG")
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
            text = svg.read_text()
            expect(f'width="{width}"' in text and f'height="{height}"' in text,
                   f"{png} is {width}x{height}, not the SVG's size")
            # A chart is lines, points and words: far more than a blank page compresses to.
            expect(len(data) > 5000, f"{png} is {len(data)} bytes: blank?")
            sizes.append(f"{width}x{height} {len(data) // 1024} KiB")
        # Ids made in one second sort by their random end: find (a)'s eval by its contenders.
        def labels(svg: Path) -> list[str]:
            definition = json.loads((svg.parent / "eval.json").read_text())
            return [c["label"] for c in definition["contenders"]]
        reference = [svg for svg in charts if labels(svg) == ["local:right", "local:wrong"]]
        expect(len(reference) == 1, f"{len(reference)} charts of (a)'s eval, not one")
        text = reference[0].read_text()
        expect("local:right" in text and "local:wrong" in text, "the chart of (a) does not name both contenders")
        return f"{len(charts)} charts rendered: " + ", ".join(sizes)

    def resume(self) -> str:
        """(d) Ctrl-C half way, then --resume: nothing finished is asked again."""
        items = numeric_items(8, "d")
        ids = [i["id"] for i in items]
        path = write_set(self.dir / "resume.jsonl", items)
        self.plain.queue({"type": "delay", "seconds": RESUME_DELAY_SECS, "times": None, "match": {"model": "d-*"}},
                         reply("d-one", "42"), reply("d-two", "41"))
        before = set(self.frontier.evals_dir.iterdir()) if self.frontier.evals_dir.exists() else set()
        proc, out_dir = self.frontier.start([str(path), "-c", "local:d-one", "-c", "local:d-two",
                                             "--concurrency", "2", "--json"])
        deadline = time.monotonic() + 30
        eval_dir = None
        lines = 0
        try:
            while time.monotonic() < deadline and proc.poll() is None:
                new = set(self.frontier.evals_dir.iterdir()) - before if self.frontier.evals_dir.exists() else set()
                if new:
                    eval_dir = next(iter(new))
                    results = eval_dir / "results.jsonl"
                    lines = len(results.read_text().splitlines()) if results.exists() else 0
                    if lines >= RESUME_INTERRUPT_AT:
                        proc.send_signal(signal.SIGINT)
                        break
                time.sleep(0.02)
        finally:
            first = self.frontier.wait(proc, out_dir, timeout=30)
        expect(eval_dir is not None and lines >= RESUME_INTERRUPT_AT,
               f"results.jsonl never reached {RESUME_INTERRUPT_AT} lines (exit {first['rc']}): {first['stderr'][-400:]}")
        eval_id = eval_dir.name
        expect(first["rc"] == 130, f"the interrupted eval exited {first['rc']}, not 130: {first['stderr'][-400:]}")
        expect(f"frontier eval --resume {eval_id}" in first["stderr"],
               f"stderr does not name `frontier eval --resume {eval_id}`: {first['stderr'][-400:]!r}")
        recorded = answers_in(eval_dir)
        expect(0 < len(recorded) < 2 * len(items), f"{len(recorded)} answers recorded before the interrupt")
        model_of = {"local:d-one": "d-one", "local:d-two": "d-two"}
        before_pairs = {(model_of[c], i) for (i, c) in recorded}

        second = self.frontier.eval(["--resume", eval_id, "--json"])
        summary = summary_of(second)
        expect(summary["complete"] is True, "the resumed eval is not complete")
        for label in model_of:
            c = contender(summary, label)
            expect((c["answered"], c["failed"]) == (len(items), 0),
                   f"{label}: answered {c['answered']}, failed {c['failed']}, want {len(items)}, 0")
        final = answers_in(eval_dir)
        dupes = [k for k, n in Counter(final_all(eval_dir)).items() if n > 1]
        expect(not dupes, f"answers recorded twice: {dupes}")
        expect(len(final) == 2 * len(items), f"{len(final)} answers recorded, want {2 * len(items)}")

        requests = self.plain.requests()
        pairs = Counter((r["model"], item_of(r, ids)) for r in requests if r.get("model") in model_of.values())
        twice = sorted(p for p in before_pairs if pairs[p] != 1)
        expect(not twice, f"pairs recorded before the interrupt asked again (or never): "
                          f"{[(p, pairs[p]) for p in twice]}")
        missing = [(m, i) for m in model_of.values() for i in ids if pairs[(m, i)] < 1]
        expect(not missing, f"pairs never asked: {missing}")
        again = sorted(p for p, n in pairs.items() if n > 1)
        return (f"eval {eval_id}: SIGINT at {lines} result lines, {len(recorded)} answers kept; "
                f"{sum(pairs.values())} calls in all for {len(pairs)} pairs, {len(again)} asked twice "
                f"(in flight at the SIGINT)")

    def ratelimit(self) -> str:
        """(e) 50 items, then 500 items, through `--rpm`: each completes, every item answered."""
        assert self.limited is not None
        self.limited.queue(reply("e-right", "42"), reply("e-wrong", "41"))
        details = []
        for count in (50, 500):
            items = numeric_items(count, f"e{count}-")
            path = write_set(self.dir / f"rate-{count}.jsonl", items)
            # A key of its own per size: llmock's buckets are per key, so each eval
            # starts with a full one and the 50-item eval does not drain the 500's.
            result = self.frontier.eval([str(path), "-c", "limited:e-right", "-c", "limited:e-wrong",
                                         "--concurrency", "8", "--per-provider", "8", "--json"],
                                        key=f"{KEY}-{count}")
            self.rate_results[count] = result
            details.append(self.rate_complete(items, result))
        return "; ".join(details)

    def rate_complete(self, items: list[dict], result: dict) -> str:
        summary = summary_of(result)
        expect(summary["complete"] is True, "the summary is not complete")
        want = {"limited:e-right": sum(i["reference"] == "42" for i in items),
                "limited:e-wrong": sum(i["reference"] == "41" for i in items)}
        for label, correct in want.items():
            c = contender(summary, label)
            expect((c["answered"], c["failed"]) == (len(items), 0),
                   f"{label}: answered {c['answered']}, failed {c['failed']} of {len(items)}")
            acc = c["accuracy"]
            expect((acc["correct"], acc["scored"]) == (correct, len(items)),
                   f"{label}: {acc['correct']}/{acc['scored']}, the script says {correct}/{len(items)}")
        return f"{len(items)} items x 2 contenders answered in {result['wall']:.1f}s"

    def rate_verdict(self) -> str:
        expect(500 in self.rate_results, "the 500-item eval did not run")
        requests = self.limited.requests()
        limited = [r for r in requests if r["status"] == 429]
        calls = [r for r in requests if r.get("model") in ("e-right", "e-wrong")]
        expect(len(limited) > 0, f"no 429 in {len(calls)} attempts: --rpm {self.rpm} never bit, the case proves nothing")
        verdict, text = self.limited.verdict()
        codes = sorted({f["code"] for f in verdict["findings"]})
        expect("retry_storm" not in codes and "retry_after_ignored" not in codes,
               f"llmock found {codes}")
        expect("retry_storm" not in text and "retry_after_ignored" not in text, "the verdict text names a finding")
        expect(verdict["errors"] == 0, f"llmock's verdict has {verdict['errors']} error(s)")
        return (f"{len(calls)} attempts, {len(limited)} answered 429, {verdict['calls']} calls; "
                f"findings {codes or 'none'}")

    def rate_pace(self) -> str:
        expect(500 in self.rate_results, "the 500-item eval did not run")
        requests = self.limited.requests()
        first = next((r for r in requests if r["status"] == 429), None)
        expect(first is not None, "no 429: nothing to keep up with")
        answered = [r for r in requests if r["seq"] > first["seq"] and r["status"] == 200]
        span = max(r["ended_at"] for r in requests) - first["started_at"]
        limit = self.rpm / 60
        rate = len(answered) / span if span > 0 else 0.0
        detail = (f"{len(answered)} calls answered in the {span:.1f}s after the first 429: {rate:.1f}/s, "
                  f"the limit {limit:.1f}/s ({rate / limit:.0%})")
        expect(rate >= KEEP_UP * limit, f"{detail}: under {KEEP_UP:.0%} of the limit")
        return detail

    def rate_rss(self) -> str:
        small, large = self.rate_results.get(50), self.rate_results.get(500)
        expect(small is not None and large is not None, "the 50- and 500-item evals did not both run")
        summary_of(small)
        summary_of(large)
        a, b = small["maxrss_kib"], large["maxrss_kib"]
        detail = f"peak RSS 50 items {a / 1024:.1f} MiB, 500 items {b / 1024:.1f} MiB ({b / a:.2f}x)"
        expect(b <= a * FLAT_RSS_RATIO, f"{detail}: over {FLAT_RSS_RATIO}x")
        return detail


def answers_in(eval_dir: Path) -> set[tuple[str, str]]:
    return set(final_all(eval_dir))


def final_all(eval_dir: Path) -> list[tuple[str, str]]:
    """Every (item, contender) answer record in the eval's results, repeats kept."""
    out = []
    for line in (eval_dir / "results.jsonl").read_text().splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("kind") == "answer":
            out.append((record["item"], record["contender"]))
    return out


def indent(text: str) -> str:
    return "\n".join("      " + line for line in text.rstrip().splitlines())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("frontier", help="path to the frontier binary (target/debug/frontier)")
    parser.add_argument("--llmock", help="the llmock executable (default: next to this python)")
    parser.add_argument("--rpm", type=int, default=DEFAULT_RPM, help=f"(e)'s llmock --rpm (default {DEFAULT_RPM})")
    parser.add_argument("--only", default=",".join(CASES), help=f"cases to run, of {','.join(CASES)}")
    args = parser.parse_args()

    binary = str(Path(args.frontier).resolve())
    if not os.access(binary, os.X_OK):
        print(f"error: {binary} is not an executable", file=sys.stderr)
        return 2
    exe = args.llmock or str(Path(sys.executable).parent / "llmock")
    if not os.access(exe, os.X_OK):
        exe = shutil.which("llmock") or exe
    only = [c.strip() for c in args.only.split(",") if c.strip()]
    unknown = [c for c in only if c not in CASES]
    if unknown:
        print(f"error: unknown case(s) {unknown}; known: {list(CASES)}", file=sys.stderr)
        return 2

    # A SIGTERM (CI giving up, Ctrl-C in a wrapper) still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="frontier-eval-"))
    (workdir / "plain").mkdir()
    (workdir / "limited").mkdir()
    plain = limited = None
    checks = Checks()
    try:
        plain = Llmock(exe, workdir / "plain")
        if "ratelimit" in only:
            limited = Llmock(exe, workdir / "limited", ("--rpm", str(args.rpm)))
        version = plain.wait_healthy()
        if limited is not None:
            limited.wait_healthy()
        print(f"llmock {version} on {plain.base}" + (f" and, --rpm {args.rpm}, on {limited.base}" if limited else "")
              + f"; frontier {binary}", flush=True)
        frontier = Frontier(binary, workdir, plain, limited)
        cases = Cases(frontier, plain, limited, args.rpm)

        if "reference" in only:
            checks.check("(a) accuracy against references equals the scripted truth", cases.reference)
        if "position" in only:
            checks.check("(b) a grader that always prefers the first answer shown: all ties, 2 gradings per item",
                         cases.position)
        if "preference" in only:
            checks.check("(c) --concurrency 1, verdicts A,B per item: the grader prefers the contender, all wins",
                         lambda: cases.preference("grader-pref", ("A", "B"), "wins"))
            checks.check("(c) --concurrency 1, verdicts B,A per item: the grader prefers the baseline, all losses",
                         lambda: cases.preference("grader-mirror", ("B", "A"), "losses"))
        if "chart" in only:
            checks.check("(chart) each eval's chart.svg opens as an image (rsvg-convert), not blank", cases.chart)
        if "resume" in only:
            checks.check("(d) SIGINT half way exits 130 naming --resume; the resume asks nothing finished again",
                         cases.resume)
        if "ratelimit" in only:
            checks.check(f"(e) --rpm {args.rpm}, 50 then 500 items, --concurrency 8 --per-provider 8: complete, "
                         "every item answered, accuracy as scripted", cases.ratelimit)
            checks.check("(e) llmock's verdict: 429s met, no retry storm, no ignored Retry-After", cases.rate_verdict)
            checks.check(f"(e) after the first 429 the eval keeps up with the limit: at least {KEEP_UP:.0%} of it",
                         cases.rate_pace)
            checks.check(f"(e) peak RSS on 500 items within {FLAT_RSS_RATIO}x of 50 items", cases.rate_rss)

        def whole_verdict() -> str:
            found = []
            for name, mock in (("plain", plain), (f"--rpm {args.rpm}", limited)):
                if mock is None:
                    continue
                verdict, text = mock.verdict()
                print(f"    llmock ({name}) verdict over the whole check:\n" + indent(text), flush=True)
                if verdict["errors"]:
                    found.append(f"{name}: {verdict['errors']} error(s)")
            expect(not found, "; ".join(found))
            return None

        checks.check("llmock's verdict over the whole check has no error", whole_verdict)
    except CheckFailed as exc:
        checks.failed += 1
        print(f"FAIL  setup  {exc}", flush=True)
    finally:
        for mock in (plain, limited):
            if mock is not None:
                mock.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print(checks.summary(), flush=True)
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
