// frontier's plugin for OpenCode and Kilo, written by `frontier install opencode|kilo`.
// On each user message it runs `frontier hook --host HOST` with the message as JSON on
// stdin; when the workspace is armed, frontier prints the panel's answer and this adds it
// to the message as one more text part, so the agent relays it. Anything that goes wrong
// leaves the message as the user wrote it and says so in one line (a toast in the TUI, and
// the host's log). `frontier uninstall opencode|kilo` removes this file; an install from
// another frontier binary rewrites it. It imports nothing beyond Node's own modules.
import { execFile } from "node:child_process";

// Set by `frontier install`: the frontier binary's absolute path, and this host.
const FRONTIER = "frontier";
const HOST = "opencode";

// The hook's own run stops within its budget (at most 570 s); this is the last resort.
const TIMEOUT_MS = 600000;
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

// Runs the hook with `event` on stdin; resolves to its stdout and stderr, never rejects.
function hook(event) {
  return new Promise((resolve) => {
    let child;
    try {
      child = execFile(
        FRONTIER,
        ["hook", "--host", HOST],
        { timeout: TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8", windowsHide: true },
        (error, stdout, stderr) => resolve({ error, stdout: stdout || "", stderr: stderr || "" }),
      );
    } catch (error) {
      resolve({ error, stdout: "", stderr: "" });
      return;
    }
    child.stdin.on("error", () => {});
    child.stdin.end(JSON.stringify(event));
  });
}

// The one line a failure shows: frontier's own when it gave one.
function failureLine(run) {
  const said = run.stderr.trim().split("\n").pop();
  if (said) return said;
  const why = run.error.code === "ENOENT" ? `${FRONTIER} not found (reinstall with \`frontier install ${HOST}\`)`
    : run.error.killed ? `no answer within ${TIMEOUT_MS / 1000}s`
    : String(run.error.message || run.error).split("\n")[0];
  return `frontier hook: ${why}; the prompt went through unchanged`;
}

export const FrontierPlugin = async ({ client, directory }) => {
  // Shown as a toast in the TUI (headless runs have none) and written to the host's log.
  const tell = async (message, level) => {
    try {
      await client.tui.showToast({ body: { title: "frontier", message, variant: level === "warn" ? "warning" : "error" } });
    } catch {}
    try {
      await client.app.log({ body: { service: "frontier", level, message } });
    } catch {}
  };
  return {
    "chat.message": async (input, output) => {
      try {
        const parts = output.parts || [];
        const prompt = parts
          .filter((p) => p.type === "text" && !p.synthetic && !p.ignored)
          .map((p) => p.text)
          .join("\n");
        const last = parts[parts.length - 1];
        if (!prompt || !last) return;
        const event = { hook_event_name: "chat.message", session_id: input.sessionID, cwd: directory, prompt };
        const run = await hook(event);
        let reply = {};
        try {
          reply = run.stdout.trim() ? JSON.parse(run.stdout) : {};
        } catch {
          reply = {};
        }
        if (typeof reply.additionalContext === "string" && reply.additionalContext) {
          // An id after the last part's, so the context comes after what the user wrote.
          parts.push({ ...last, id: `${last.id}frontier`, type: "text", text: reply.additionalContext, synthetic: true });
          // Beside an answer, frontier's line says what of the asked-for context it cut.
          if (typeof reply.systemMessage === "string") await tell(reply.systemMessage, "warn");
          if (run.stderr.trim()) await tell(run.stderr.trim(), "warn");
        } else if (typeof reply.systemMessage === "string") {
          await tell(reply.systemMessage, "error");
        } else if (run.error || run.stderr.trim()) {
          await tell(failureLine(run), "error");
        }
      } catch (error) {
        await tell(`frontier hook: ${error}; the prompt went through unchanged`, "error");
      }
    },
  };
};
