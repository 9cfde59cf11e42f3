#!/usr/bin/env python3
"""Interleaved A/B timings, for comparing builds (or settings) on a machine whose speed
drifts: each round runs every variant once, in turn, so drift falls on all of them alike.

    bench/ab.py hook BIN [BIN...]     the hook's off path (scope off) of each binary, and /bin/true
    bench/ab.py run BIN [BIN...]      a run of two members on each binary, zero-latency mocks and
                                      300+100+100 ms mocks (the run overhead; history on)
    bench/ab.py history BIN           a run of two members with and without `history = false`,
                                      zero-latency mocks and 300+100+100 ms mocks

Prints the median of each variant. Uses temporary FRONTIER_HOMEs; sends nothing anywhere.
FRONTIER_AB_ROUNDS=N changes the number of rounds (default 300 for hook, 25 for run and
history). Name each binary by a path of its own: a variant is known by its path.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, env, stdin=None):
    start = time.perf_counter()
    subprocess.run(cmd, input=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def report(results):
    for name, times in results.items():
        print(f"{statistics.median(times) * 1000:8.2f} ms  {name}")


def hook(binaries, rounds=300):
    home = tempfile.mkdtemp()
    repo = tempfile.mkdtemp()
    subprocess.run(["git", "init", "-q", repo], check=True)
    event = ('{"hook_event_name":"UserPromptSubmit","prompt":"hello there world","cwd":"%s","session_id":"x"}'
             % repo).encode()
    env = {"FRONTIER_HOME": home}
    results = {b: [] for b in binaries}
    results["/bin/true"] = []
    for _ in range(rounds):
        for b in binaries:
            results[b].append(timed([b, "hook", "--host", "claude-code"], env, event))
        results["/bin/true"].append(timed(["/bin/true"], env, event))
    report(results)


# Two members: a panel of one answers alone, without judge and synth. The second panel's
# critical path is 300 + 100 + 100 = 500 ms (the slower member, the judge, the synth).
PANELS = {
    "zero-latency mocks": ["mock:a,mock:b", "mock:judge", "mock:synth"],
    "300+100+100 ms mocks": ["mock:a?delay_ms=300,mock:b?delay_ms=250", "mock:judge?delay_ms=100",
                             "mock:synth?delay_ms=100"],
}


def run_cmd(binary, panel):
    member, judge, synth = PANELS[panel]
    return [binary, "run", "--models", member, "--judge", judge, "--synth", synth, "--no-stream", "why?"]


def runs(binaries, rounds=25):
    # A home each, so that one binary's history is never another's to read or move.
    homes = {b: tempfile.mkdtemp() for b in binaries}
    results = {}
    for _ in range(rounds):
        for panel in PANELS:
            for b in binaries:
                results.setdefault(f"{panel}, {b}", []).append(timed(run_cmd(b, panel), {"FRONTIER_HOME": homes[b]}))
    report(results)


def history(binary, rounds=25):
    homes = {}
    for name, config in [("history on", ""), ("history off", "history = false\n")]:
        home = tempfile.mkdtemp()
        os.makedirs(f"{home}/config")
        with open(f"{home}/config/config.toml", "w") as f:
            f.write(config)
        homes[name] = home
    results = {}
    for _ in range(rounds):
        for home_name, home in homes.items():
            for panel in PANELS:
                results.setdefault(f"{panel}, {home_name}", []).append(timed(run_cmd(binary, panel),
                                                                             {"FRONTIER_HOME": home}))
    report(results)


if __name__ == "__main__":
    rounds = {"rounds": int(os.environ["FRONTIER_AB_ROUNDS"])} if "FRONTIER_AB_ROUNDS" in os.environ else {}
    if len(sys.argv[2:]) != len(set(sys.argv[2:])):
        sys.exit("each binary once: a variant is known by its path (copy a binary to compare it with itself)")
    if len(sys.argv) >= 3 and sys.argv[1] == "hook":
        hook(sys.argv[2:], **rounds)
    elif len(sys.argv) >= 3 and sys.argv[1] == "run":
        runs(sys.argv[2:], **rounds)
    elif len(sys.argv) == 3 and sys.argv[1] == "history":
        history(sys.argv[2], **rounds)
    else:
        sys.exit(__doc__)
