// The supervisor stops what it started, including what those programs started in turn.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { Supervisor } from "./supervisor.ts";
import { alive } from "./test-processes.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A program that starts a grandchild ignoring SIGTERM and writes both PIDs to `pidFile`. */
async function parentScript(dir: string): Promise<{ script: string; pidFile: string }> {
  const script = path.join(dir, "parent.mjs");
  const pidFile = path.join(dir, "pids.json");
  await writeFile(
    script,
    `import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
const child = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: "ignore" });
writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify({ parent: process.pid, child: child.pid }));
console.log("started");
setInterval(() => {}, 1000);
`,
  );
  return { script, pidFile };
}

async function readPids(file: string): Promise<{ parent: number; child: number }> {
  for (let i = 0; i < 100; i++) {
    try {
      return JSON.parse(await readFile(file, "utf8")) as { parent: number; child: number };
    } catch {
      await sleep(50);
    }
  }
  throw new Error(`${file} never appeared`);
}

describe("Supervisor", () => {
  it("stops a program together with the processes it started (its process group)", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "tessera-supervisor-"));
    dirs.push(dir);
    const { script, pidFile } = await parentScript(dir);
    const lines: string[] = [];
    const s = new Supervisor((l) => lines.push(l));
    s.start({ name: "parent", script, args: [] });
    const pids = await readPids(pidFile);
    expect(alive(pids.parent) && alive(pids.child)).toBe(true);
    await s.stop(1_000);
    // The grandchild ignored SIGTERM; the group's SIGKILL took it down with its parent.
    for (let i = 0; i < 40 && alive(pids.child); i++) await sleep(50);
    expect(alive(pids.parent)).toBe(false);
    expect(alive(pids.child)).toBe(false);
    expect(lines).toContain("[parent] started");
  });

  it("runs one-shot programs without treating their exit as a failure, and starts nothing once stopping", async () => {
    const s = new Supervisor(() => {});
    const unexpected: string[] = [];
    s.onUnexpectedExit = (name) => unexpected.push(name);
    const seen: string[] = [];
    const code = await s.run({
      name: "task",
      script: "-e",
      args: ["console.log('one'); console.log('two'); process.exit(3)"],
      onLine: (l) => seen.push(l),
    });
    expect(code).toBe(3);
    expect(seen).toEqual(["one", "two"]);
    expect(unexpected).toEqual([]);

    // A long-running program that exits on its own is unexpected; with onExit it is the caller's.
    const exits: (number | null)[] = [];
    s.start({
      name: "optional",
      script: "-e",
      args: ["process.exit(2)"],
      onExit: (c) => exits.push(c),
    });
    s.start({ name: "critical", script: "-e", args: ["process.exit(1)"] });
    for (let i = 0; i < 100 && unexpected.length + exits.length < 2; i++) await sleep(50);
    expect(exits).toEqual([2]);
    expect(unexpected).toEqual(["critical"]);

    await s.stop();
    expect(() => s.start({ name: "late", script: "-e", args: [""] })).toThrow(/stopping/);
  });
});
