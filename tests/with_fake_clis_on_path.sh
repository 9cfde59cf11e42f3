#!/usr/bin/env bash
# Runs `cargo test --all-targets` with fake `claude`, `codex` and `gemini` programs first on
# PATH, each of which records that it ran and fails loudly, then checks that none ran: the
# tests must only ever see the programs they name themselves (TestEnv::bin_dir).
# Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

fakes=$(mktemp -d)
trap 'rm -rf "$fakes"' EXIT
for name in claude codex gemini; do
    cat > "$fakes/$name" <<SCRIPT
#!/bin/sh
echo "fake $name from the developer's PATH ran: \$*" >> '$fakes/ran.log'
echo "error: the developer's $name must never run in a test" >&2
exit 1
SCRIPT
    chmod +x "$fakes/$name"
done

PATH="$fakes:$PATH" cargo test --all-targets --locked "$@"

if [ -s "$fakes/ran.log" ]; then
    echo "with_fake_clis_on_path: a fake CLI from PATH ran:" >&2
    cat "$fakes/ran.log" >&2
    exit 1
fi
echo "with_fake_clis_on_path: all tests passed and no CLI from PATH ran"
