// HTTP mode of the Kthena benchmark at reduced scale: the same seeded workload through the real
// router process (apps/router, file mode) to simulated engines served over HTTP (wall clock ×
// time-scale), measured client-side from the SSE stream, next to the DES run of the identical
// configuration, to show both modes agree.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "undici";
import { runDes } from "../des/driver.ts";
import { MODEL } from "../des/router-model.ts";
import { computeMetrics } from "../metrics/metrics.ts";
import type { RequestRecord, RunMetrics } from "../metrics/metrics.ts";
import { generatedSharedPrefix, poissonArrivals } from "../workload/workload.ts";
import type { BenchRequest } from "../workload/workload.ts";
import { REPO_ROOT } from "../benchmarks/common.ts";
import type { Contender } from "../benchmarks/common.ts";
import { NODE, freePort, startChild, waitHttp } from "./procs.ts";

export interface HttpScaleOptions {
  groups: number;
  promptsPerGroup: number;
  maxConcurrency: number;
  /** KV blocks per engine (scaled with the number of groups to keep the cache pressure). */
  numBlocks: number;
  timeScale: number;
  seed: number;
  scenario: { systemPromptLen: number; questionLen: number; outputLen: number };
}

export interface ModeResult {
  contender: string;
  mode: "des" | "http";
  metrics: RunMetrics;
  wallS: number;
}

const ROUTE_MODEL = "kthena-bench";
const REPLICAS = 3;
const SUBNET = "127.0.43.";

function workload(o: HttpScaleOptions): BenchRequest[] {
  const reqs = generatedSharedPrefix({
    groups: o.groups,
    promptsPerGroup: o.promptsPerGroup,
    ...o.scenario,
    seed: o.seed,
  });
  poissonArrivals(reqs, 800, o.seed);
  return reqs;
}

function routerConfig(port: number): string {
  const pods = Array.from(
    { length: REPLICAS },
    (_, i) => `---
apiVersion: v1
kind: Pod
metadata:
  name: sim-${i}
  namespace: bench
  labels:
    app: sim
status:
  phase: Running
  podIP: ${SUBNET}${10 + i}
  conditions:
    - type: Ready
      status: "True"
`,
  ).join("");
  return `apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata:
  name: sim
  namespace: bench
spec:
  model: ${MODEL}
  inferenceEngine: vLLM
  workloadPort:
    port: ${port}
  workloadSelector:
    matchLabels:
      app: sim
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata:
  name: bench
  namespace: bench
spec:
  modelName: ${ROUTE_MODEL}
  rules:
    - name: default
      targetModels:
        - modelServerName: sim
${pods}`;
}

/** One streamed completions request, timed client-side. */
async function send(
  pool: Pool,
  r: BenchRequest,
  t0: number,
  scale: number,
): Promise<RequestRecord> {
  const start = performance.now();
  const rec: RequestRecord = {
    index: r.index,
    group: r.group,
    replica: -1,
    start: (start - t0) / 1000 / scale,
    firstToken: NaN,
    end: NaN,
    promptTokens: r.promptLen,
    cachedTokens: 0,
    outputTokens: 0,
    itl: [],
    ok: false,
  };
  const itl: number[] = [];
  try {
    const res = await pool.request({
      method: "POST",
      path: "/v1/completions",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: ROUTE_MODEL,
        prompt: r.promptText(),
        max_tokens: r.outputLen,
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    if (res.statusCode !== 200) {
      await res.body.text();
      rec.end = (performance.now() - t0) / 1000 / scale;
      return rec;
    }
    let carry = "";
    let last = NaN;
    for await (const chunk of res.body) {
      const now = performance.now();
      carry += (chunk as Buffer).toString("utf8");
      let i = carry.indexOf("\n\n");
      while (i !== -1) {
        const ev = carry.slice(0, i);
        carry = carry.slice(i + 2);
        i = carry.indexOf("\n\n");
        if (!ev.startsWith("data: ") || ev === "data: [DONE]") continue;
        const j = JSON.parse(ev.slice(6)) as {
          choices?: { text?: string }[];
          usage?: {
            prompt_tokens?: number;
            completion_tokens?: number;
            prompt_tokens_details?: { cached_tokens?: number } | null;
          } | null;
        };
        const text = j.choices?.[0]?.text ?? "";
        if (text !== "") {
          if (Number.isNaN(rec.firstToken)) rec.firstToken = (now - t0) / 1000 / scale;
          else itl.push((now - last) / 1000 / scale);
          last = now;
        }
        if (j.usage) {
          rec.outputTokens = j.usage.completion_tokens ?? 0;
          rec.promptTokens = j.usage.prompt_tokens ?? rec.promptTokens;
          rec.cachedTokens = j.usage.prompt_tokens_details?.cached_tokens ?? 0;
        }
      }
    }
    rec.end = (performance.now() - t0) / 1000 / scale;
    rec.itl = itl;
    rec.ok = rec.outputTokens === r.outputLen && !Number.isNaN(rec.firstToken);
  } catch {
    rec.end = (performance.now() - t0) / 1000 / scale;
  }
  return rec;
}

export async function runHttpContender(c: Contender, o: HttpScaleOptions): Promise<ModeResult> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-bench-http-"));
  const enginePort = await freePort();
  const routerPort = await freePort();
  const engines = await startChild(
    NODE,
    [
      join(REPO_ROOT, "packages/bench/src/http/engines-main.ts"),
      JSON.stringify({
        replicas: REPLICAS,
        host: `${SUBNET}10`,
        port: enginePort,
        preset: "kthena-7B",
        params: { numBlocks: o.numBlocks },
        timeScale: o.timeScale,
        seed: o.seed,
        model: MODEL,
        engine: "vllm",
      }),
    ],
    { readyText: "READY" },
  );
  let router: Awaited<ReturnType<typeof startChild>> | null = null;
  const pool = new Pool(`http://127.0.0.1:${routerPort}`, {
    connections: o.maxConcurrency,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  try {
    writeFileSync(join(dir, "objects.yaml"), routerConfig(enginePort));
    writeFileSync(join(dir, "scheduler.yaml"), JSON.stringify(c.scheduler));
    router = await startChild(
      NODE,
      [
        join(REPO_ROOT, "apps/router/src/main.ts"),
        "--config",
        join(dir, "objects.yaml"),
        "--scheduler-config",
        join(dir, "scheduler.yaml"),
        "--port",
        String(routerPort),
        "--host",
        "127.0.0.1",
      ],
      {
        env: {
          LOG_LEVEL: "warn",
          ACCESS_LOG_ENABLED: "false",
          DEBUG_DECISIONS: "0",
          // The router's 200 ms interval, in simulated time.
          METRICS_SCRAPE_INTERVAL_MS: String(Math.max(10, Math.round(200 * o.timeScale))),
          METRICS_STALE_AFTER_MS: String(Math.max(50, Math.round(1000 * o.timeScale))),
        },
      },
    );
    await waitHttp(`http://127.0.0.1:${routerPort}/readyz`);
    // Let kv-cache-aware open its event subscriptions before the first request.
    await new Promise((r) => setTimeout(r, 1200));
    const reqs = workload(o);
    const t0 = performance.now();
    const wall0 = t0;
    const records: RequestRecord[] = [];
    let active = 0;
    let next = 0;
    await new Promise<void>((resolve) => {
      const backlog: BenchRequest[] = [];
      let finished = 0;
      const launch = (r: BenchRequest) => {
        active++;
        void send(pool, r, t0, o.timeScale).then((rec) => {
          records.push(rec);
          active--;
          finished++;
          const b = backlog.shift();
          if (b !== undefined) launch(b);
          if (finished === reqs.length) resolve();
        });
      };
      const arrive = () => {
        const now = (performance.now() - t0) / 1000 / o.timeScale;
        while (next < reqs.length && (reqs[next] as BenchRequest).arrival <= now) {
          const r = reqs[next++] as BenchRequest;
          if (active < o.maxConcurrency) launch(r);
          else backlog.push(r);
        }
        if (next < reqs.length) setTimeout(arrive, 1);
      };
      arrive();
    });
    // Which replica served what: the engines' own finished counters.
    const perReplica: number[] = [];
    for (let i = 0; i < REPLICAS; i++) {
      const p = new Pool(`http://${SUBNET}${10 + i}:${enginePort}`);
      const r = await p.request({ method: "GET", path: "/sim/state" });
      perReplica.push(((await r.body.json()) as { finished: number }).finished);
      await p.close();
    }
    const m = computeMetrics(records, REPLICAS);
    m.perReplica = perReplica;
    const mean = perReplica.reduce((a, b) => a + b, 0) / REPLICAS;
    m.loadImbalance = mean > 0 ? Math.max(...perReplica) / mean : 0;
    return {
      contender: c.name,
      mode: "http",
      metrics: m,
      wallS: (performance.now() - wall0) / 1000,
    };
  } finally {
    await pool.close().catch(() => undefined);
    await router?.stop();
    await engines.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDesContender(c: Contender, o: HttpScaleOptions): Promise<ModeResult> {
  const run = await runDes({
    engines: { replicas: REPLICAS, preset: "kthena-7B", params: { numBlocks: o.numBlocks } },
    router: {
      scheduler: c.scheduler,
      scrapeIntervalS: 0.2,
      kvEventDelayS: 0.005,
      inFlightAccounting: true,
      seed: o.seed,
    },
    requests: workload(o),
    maxConcurrency: o.maxConcurrency,
    seed: o.seed,
  });
  return {
    contender: c.name,
    mode: "des",
    metrics: computeMetrics(run.records, REPLICAS),
    wallS: run.wallS,
  };
}
