#!/usr/bin/env python3
"""What a hooked session costs in input, and how much of it a provider's prefix cache can
serve, computed from the requests each binary actually sends:

    bench/session_cost.py [--turns 10] [--llmock PATH] LABEL=BIN [LABEL=BIN ...]

For each binary: a temporary FRONTIER_HOME whose provider `llmock` (OpenAI kind) points at
a local llmock server; a fusion armed for the Claude Code project scope of a temporary git
repo, three members, a judge and a synth, all on llmock; the default context settings
(the last 6 turns, at most 24,000 characters of conversation). Then `--turns` prompts of
one session: before prompt k, a synthetic Claude Code transcript holds the k-1 earlier
prompts and their replies (each prompt 300 characters, each reply 2,500: an agent's
answers are long), and `frontier hook --host claude-code` is fed that prompt's event on
stdin, as Claude Code would.

From llmock's request log: a request's input is the text of its system prompt and its
messages, in order; its cacheable part is the longest prefix of that text it shares with
the same model's request of the previous prompt (what a provider that caches prefixes
could serve; Anthropic's marks and OpenAI's 1,024-token minimum are not modelled).
Tokens are characters / 4. Prints one line per prompt and a total per binary, and a
Markdown table of the totals.

Standard library only (llmock from tests/e2e/setup's venv). Sends nothing anywhere but
the local server.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from e2e_common import Llmock  # noqa: E402

MODELS = ("cost-member-a", "cost-member-b", "cost-member-c", "cost-judge", "cost-synth")
VERDICT = json.dumps({
    "scores": {label: {"score": 9 - i, "reason": f"answer {label} holds up"} for i, label in enumerate("ABC")},
    "ranking": ["A", "B", "C"], "consensus": ["x"], "contradictions": [], "partial_coverage": [],
    "unique_insights": [], "blind_spots": []})
PROMPT_CHARS, REPLY_CHARS = 300, 2_500


def filler(seed: str, chars: int) -> str:
    words = f"{seed} the borrow checker rejects a second mutable reference while the first is live ".split()
    out, i = [], 0
    while sum(len(w) + 1 for w in out) < chars:
        out.append(words[i % len(words)])
        i += 1
    return " ".join(out)[:chars]


def prompt_text(k: int) -> str:
    return filler(f"Prompt {k}:", PROMPT_CHARS)


def transcript(path: Path, earlier: int) -> None:
    lines = []
    for k in range(1, earlier + 1):
        for role, text in (("user", prompt_text(k)), ("assistant", filler(f"Reply {k}:", REPLY_CHARS))):
            lines.append(json.dumps({"type": role, "message": {"role": role, "content": text}}))
    path.write_text("".join(line + "\n" for line in lines))


def request_input(body: dict) -> str:
    """The text a request sends, in order: its system prompt, then each message's."""
    def text(content) -> str:
        if isinstance(content, str):
            return content
        return "".join(b.get("text", "") for b in content or [] if isinstance(b, dict))
    system = text(body.get("system"))
    return system + "".join(f"\x00{m.get('role')}\x00{text(m.get('content'))}" for m in body.get("messages", []))


def common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def run(label: str, binary: str, mock: Llmock, turns: int, root: Path) -> list[dict]:
    base = root / label
    home, repo = base / "frontier", base / "repo"
    (home / "config").mkdir(parents=True)
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (home / "config" / "config.toml").write_text(
        f'[providers.llmock]\nkind = "openai"\nbase_url = "{mock.base}/v1"\napi_key_env = "BENCH_KEY"\n')
    env = {"PATH": "/usr/bin:/bin", "HOME": str(base), "FRONTIER_HOME": str(home), "BENCH_KEY": "bench"}
    members = ",".join(f"llmock:{m}" for m in MODELS[:3])
    subprocess.run([binary, "mode", "fusion", "--models", members, "--judge", f"llmock:{MODELS[3]}",
                    "--synth", f"llmock:{MODELS[4]}", "--scope", "claude-project"],
                   cwd=repo, env=env, check=True, capture_output=True, timeout=60)
    path = base / "session.jsonl"
    previous: dict[str, str] = {}
    rows = []
    for k in range(1, turns + 1):
        transcript(path, k - 1)
        before = len(mock.requests())
        mock.queue({"type": "reply", "text": VERDICT, "match": {"model": MODELS[3]}})
        event = {"session_id": f"bench-{label}", "transcript_path": str(path), "cwd": str(repo),
                 "hook_event_name": "UserPromptSubmit", "prompt": prompt_text(k)}
        out = subprocess.run([binary, "hook", "--host", "claude-code"], input=json.dumps(event).encode(),
                             cwd=repo, env=env, capture_output=True, timeout=300)
        if b"additionalContext" not in out.stdout:
            raise SystemExit(f"{label} prompt {k}: no answer: {out.stderr.decode(errors='replace')[-600:]}")
        made = [r for r in mock.requests()[before:] if r["method"] == "POST"
                and (r.get("body") or {}).get("model") in MODELS]
        sent = cached = 0
        for model in MODELS:
            bodies = [r["body"] for r in made if r["body"]["model"] == model]
            if not bodies:
                raise SystemExit(f"{label} prompt {k}: no request for {model}")
            text = request_input(bodies[0])
            sent += len(text)
            cached += common_prefix(text, previous.get(model, ""))
            previous[model] = text
        rows.append({"turn": k, "sent": sent // 4, "cached": cached // 4})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH of each frontier binary")
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--llmock", default=str(Path(__file__).resolve().parents[1] / ".e2e/venv/bin/llmock"))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="frontier-session-cost-"))
    mock = Llmock(args.llmock, root)
    totals = []
    try:
        mock.wait_healthy()
        for spec in args.binaries:
            label, _, binary = spec.partition("=")
            rows = run(label, str(Path(binary).resolve()), mock, args.turns, root)
            for r in rows:
                share = r["cached"] / r["sent"] if r["sent"] else 0
                print(f"{label:>8} prompt {r['turn']:>2}: {r['sent']:>7,} input tokens, {r['cached']:>7,} "
                      f"cacheable ({share:.0%})")
            sent, cached = sum(r["sent"] for r in rows), sum(r["cached"] for r in rows)
            totals.append((label, sent, cached))
    finally:
        mock.stop()
        shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"| binary | input tokens over {args.turns} prompts (5 calls each) | cacheable | share |")
    print("|---|---:|---:|---:|")
    for label, sent, cached in totals:
        print(f"| {label} | {sent:,} | {cached:,} | {cached / sent:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
