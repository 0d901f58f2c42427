// Small helpers for running short-lived commands.
import { spawn } from "node:child_process";
import type { SpawnOptions } from "node:child_process";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output (never throws on a non-zero exit). */
export function run(
  command: string,
  args: string[],
  options: SpawnOptions & {
    onStderrLine?: (line: string) => void;
    onStdoutLine?: (line: string) => void;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const { onStderrLine, onStdoutLine, ...spawnOptions } = options;
    const child = spawn(command, args, { ...spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let outRest = "";
    let errRest = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const s = chunk.toString();
      stdout += s;
      if (onStdoutLine) outRest = emitLines(outRest + s, onStdoutLine);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      const s = chunk.toString();
      stderr += s;
      if (onStderrLine) errRest = emitLines(errRest + s, onStderrLine);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (onStdoutLine && outRest) onStdoutLine(outRest);
      if (onStderrLine && errRest) onStderrLine(errRest);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

function emitLines(buffer: string, onLine: (line: string) => void): string {
  const lines = buffer.split("\n");
  const rest = lines.pop() ?? "";
  for (const line of lines) onLine(line);
  return rest;
}

/** Runs a command and returns stdout, throwing with stderr on failure. */
export async function runOk(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): Promise<string> {
  const r = await run(command, args, options);
  if (r.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${r.code}: ${r.stderr.trim().slice(-2000)}`,
    );
  }
  return r.stdout;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** An error that ends a `waitFor` at once instead of being retried (e.g. the process died). */
export class FatalError extends Error {}

/** Polls `check` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      if (e instanceof FatalError) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${detail}`,
      );
    }
    await sleep(intervalMs);
  }
}
