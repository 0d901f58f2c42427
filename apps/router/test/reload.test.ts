// Config reload under load: the objects file is rewritten repeatedly (endpoints added and removed,
// weights and scheduler plugins changed) while requests stream in; not one request may fail.
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSource } from "../src/sources/file/file-source.ts";
import type { FakeEngine, TestRouter } from "./helpers.ts";
import {
  chat,
  modelRoute,
  modelServer,
  pod,
  startFakeEngines,
  startRouter,
  toYaml,
  waitFor,
} from "./helpers.ts";

describe("hot reload", () => {
  let engines: FakeEngine[];
  let port: number;
  let t: TestRouter;
  let dir: string;
  let file: string;
  let source: FileSource;

  const version = (i: number) => {
    const hosts = engines.map((e) => e.host);
    // Rotate which two of the three engines are pods, and alternate scheduler configs.
    const a = hosts[i % 3] as string;
    const b = hosts[(i + 1) % 3] as string;
    return toYaml([
      modelServer("s1", {
        model: `m-v${i}`,
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "s1" } },
      }),
      modelServer("s2", {
        workloadPort: { port },
        workloadSelector: { matchLabels: { app: "s2" } },
      }),
      pod(`p-${a}`, a, { app: "s1" }),
      pod(`p-${b}`, b, { app: i % 2 === 0 ? "s1" : "s2" }),
      modelRoute("r", {
        modelName: "m",
        rules: [
          {
            targetModels: [
              { modelServerName: "s1", weight: 50 + (i % 5) * 10 },
              { modelServerName: i % 2 === 0 ? "s1" : "s2", weight: 10 },
            ],
          },
        ],
      }),
      i % 2 === 0
        ? {
            kind: "SchedulerConfig",
            plugins: [{ type: "least-request" }, { type: "prefix-cache" }],
          }
        : { kind: "SchedulerConfig", plugins: [{ type: "round-robin" }] },
    ]);
  };

  async function writeAtomically(text: string): Promise<void> {
    const tmp = `${file}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  }

  beforeAll(async () => {
    ({ engines, port } = await startFakeEngines(3, 91, { delayMs: 2 }));
    dir = await mkdtemp(join(tmpdir(), "tessera-reload-"));
    file = join(dir, "router.yaml");
    await writeFile(file, version(0));
    t = await startRouter(null, { scraper: { intervalMs: 0 } });
    source = new FileSource(t.router, { path: file, debounceMs: 5, pollMs: 50 });
    await source.start();
  });

  afterAll(async () => {
    source.close();
    await t.close();
    await Promise.all(engines.map((e) => e.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it("serves every request while the config changes 20 times", async () => {
    const client = new Pool(t.url, { connections: 16 });
    const statuses = new Map<number, number>();
    let stop = false;
    let sent = 0;
    const body = JSON.stringify(chat("m"));
    const worker = async () => {
      while (!stop) {
        const r = await client.request({
          method: "POST",
          path: "/v1/chat/completions",
          headers: { "content-type": "application/json" },
          body,
        });
        await r.body.text();
        statuses.set(r.statusCode, (statuses.get(r.statusCode) ?? 0) + 1);
        sent++;
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    const startVersion = t.router.table.version;
    for (let i = 1; i <= 20; i++) {
      await new Promise((r) => setTimeout(r, 40));
      await writeAtomically(version(i));
      await waitFor(() => t.router.table.version >= startVersion + i, 3_000);
    }
    stop = true;
    await Promise.all(workers);
    await client.close();
    expect(source.lastError).toBeNull();
    expect(sent).toBeGreaterThan(200);
    expect(Object.fromEntries(statuses)).toEqual({ 200: sent });
    // Version 20 sends everything to s1 with model rewritten to m-v20.
    const r = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify(chat("m")),
    });
    expect(((await r.json()) as { model: string }).model).toBe("m-v20");
  });

  it("keeps the last good state when the file becomes invalid, and reports it", async () => {
    const before = t.router.table.version;
    await writeAtomically("kind: ModelRoute\nspec: [not, valid\n");
    await waitFor(() => source.lastError !== null, 3_000);
    expect(t.router.table.version).toBe(before);
    const r = await fetch(`${t.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify(chat("m")),
    });
    expect(r.status).toBe(200);
    expect(await t.router.metrics.registry.metrics()).toMatch(
      /tessera_router_config_reloads_total\{kind="objects",result="error"\} [1-9]/,
    );
    // A second event for the same write (watch and poll both fire) finds the text unchanged: the
    // file is still invalid, so the error stays until a good file replaces it.
    const error = source.lastError;
    await source.reload("objects");
    expect(source.lastError).toBe(error);
    await writeAtomically(version(21));
    await waitFor(() => t.router.table.version > before, 3_000);
    expect(source.lastError).toBeNull();
  });
});
