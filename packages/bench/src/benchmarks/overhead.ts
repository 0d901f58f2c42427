// B4 (performance.md §7): the router's own cost against direct connection, nginx (1 worker), HAProxy
// (1 thread) and a plain node:http + undici pass-through, on an instant upstream (4 addresses).
// Short (200-char) and 16 KB prompts, non-streaming and SSE (32 chunks); open loop at a fixed rate
// (added latency p50/p99 over direct) and closed loop at 64 connections (max req/s). Proxies run on
// CPU 0, the upstream and this load generator on CPU 1 (taskset). Each cell is repeated; the table
// shows the median and the spread (min–max). The token-rate-limit row is the router with prefix +
// least-request and tenancy on: an API key on every request, the tenant's quotas checked and settled
// in a redis-server this benchmark starts on the load CPU (limits far above the offered load, so
// nothing is refused), usage records on the Redis stream.
//
// Prerequisite (this benchmark installs nothing): nginx, haproxy and redis-server on PATH, e.g.
//   apt-get install -y nginx-light haproxy redis-server
// Contenders whose binary is missing are reported as skipped. `--only a,b` runs some contenders
// (by id, see contenders()); direct always runs, so the added latencies stay within one run.
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { percentile } from "../metrics/metrics.ts";
import { barChart } from "../report/svg.ts";
import { markdownTable, writeReport } from "../report/table.ts";
import type { Row } from "../report/table.ts";
import { NODE, freePort, startChild, waitHttp } from "../http/procs.ts";
import type { Child } from "../http/procs.ts";
import { startRedis } from "../http/redis.ts";
import { closedLoop, openLoop } from "../overhead/loadgen.ts";
import { REPO_ROOT, log, outputDir, resultLine, updateSummary } from "./common.ts";

const UPSTREAMS = ["127.0.44.1", "127.0.44.2", "127.0.44.3", "127.0.44.4"];
const PROXY_CPU = "0";
const LOAD_CPU = "1";

interface Running {
  origin: string;
  /** Headers every request to this contender carries (the API key for the tenancy row). */
  headers?: Record<string, string>;
  stop(): Promise<void>;
}

interface ContenderDef {
  /** Short name for `--only`. */
  id: string;
  name: string;
  start: (upPort: number, dir: string) => Promise<Running>;
  binary?: string;
}

function has(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
}

async function proxyChild(
  cmd: string,
  args: string[],
  port: number,
  env: Record<string, string> = {},
  ready?: string,
): Promise<Running> {
  const c: Child = await startChild(cmd, args, { cpu: PROXY_CPU, env, readyText: ready });
  const origin = `http://127.0.0.1:${port}`;
  // The instant upstream answers any GET with 200, so this succeeds once the proxy forwards.
  try {
    await waitHttp(`${origin}/v1/models`, 10_000);
  } catch (err) {
    await c.stop();
    throw err;
  }
  return { origin, stop: () => c.stop() };
}

function nginxConf(dir: string, port: number, up: number): string {
  return `worker_processes 1;
daemon off;
user root;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  client_max_body_size 8m;
  client_body_buffer_size 64k;
  upstream u {
${UPSTREAMS.map((h) => `    server ${h}:${up};`).join("\n")}
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    keepalive_requests 1000000;
    location / {
      proxy_pass http://u;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

function haproxyConf(port: number, up: number): string {
  return `global
  nbthread 1
  maxconn 8000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend f
  bind 127.0.0.1:${port}
  default_backend b
backend b
  balance roundrobin
${UPSTREAMS.map((h, i) => `  server s${i} ${h}:${up}`).join("\n")}
`;
}

function routerObjects(up: number): string {
  return `apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelServer
metadata: { name: up, namespace: bench }
spec:
  model: m
  inferenceEngine: vLLM
  workloadPort: { port: ${up} }
  workloadSelector: { matchLabels: { app: up } }
---
apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata: { name: m, namespace: bench }
spec:
  modelName: m
  rules:
    - name: default
      targetModels: [{ modelServerName: up }]
${UPSTREAMS.map(
  (h, i) => `---
apiVersion: v1
kind: Pod
metadata: { name: up-${i}, namespace: bench, labels: { app: up } }
status:
  phase: Running
  podIP: ${h}
  conditions: [{ type: Ready, status: "True" }]
`,
).join("")}`;
}

/** The benchmark's API key; only its SHA-256 goes into the router's objects, as in a cluster. */
const BENCH_KEY = "sk-tessera-bench-overhead-0000000000000001";

/** A tenant whose limits are far above anything this benchmark offers, and its API key. */
function tenancyObjects(): string {
  const hash = createHash("sha256").update(BENCH_KEY).digest("hex");
  return `---
apiVersion: tessera.io/v1alpha1
kind: Tenant
metadata: { name: bench }
spec:
  quotas:
    - model: m
      totalTokensPerMinute: 1000000000000
      requestsPerMinute: 1000000000
---
apiVersion: tessera.io/v1alpha1
kind: ApiKey
metadata: { name: 00000000-0000-4000-8000-000000000001 }
spec:
  tenant: bench
  keyHash: ${hash}
  prefix: ${BENCH_KEY.slice(0, 16)}
`;
}

function routerContender(
  id: string,
  name: string,
  scheduler: unknown,
  tenancy = false,
): ContenderDef {
  return {
    id,
    name,
    binary: tenancy ? "redis-server" : undefined,
    start: async (up, dir) => {
      const port = await freePort();
      const objects = join(dir, `router-${id}.yaml`);
      const sched = join(dir, `router-${id}-scheduler.yaml`);
      writeFileSync(objects, routerObjects(up) + (tenancy ? tenancyObjects() : ""));
      writeFileSync(sched, JSON.stringify(scheduler));
      // Redis stands for an external service: it runs on the load CPU, not the proxy's core.
      const redis = tenancy ? await startRedis({ cpu: LOAD_CPU }) : null;
      const stopRedis = () => redis?.stop() ?? Promise.resolve();
      const env: Record<string, string> = {
        LOG_LEVEL: "warn",
        ACCESS_LOG_ENABLED: "false",
        DEBUG_DECISIONS: "0",
        ...(redis !== null
          ? { TENANCY_REDIS_URL: redis.url, USAGE_SPOOL_PATH: join(dir, `usage-${id}.spool`) }
          : {}),
      };
      const c = await startChild(
        NODE,
        [
          join(REPO_ROOT, "apps/router/src/main.ts"),
          "--config",
          objects,
          "--scheduler-config",
          sched,
          "--port",
          String(port),
          "--host",
          "127.0.0.1",
        ],
        { cpu: PROXY_CPU, env },
      ).catch(async (err: unknown) => {
        await stopRedis();
        throw err;
      });
      const origin = `http://127.0.0.1:${port}`;
      try {
        await waitHttp(`${origin}/readyz`);
      } catch (err) {
        await c.stop();
        await stopRedis();
        throw err;
      }
      return {
        origin,
        ...(tenancy ? { headers: { authorization: `Bearer ${BENCH_KEY}` } } : {}),
        stop: async () => {
          await c.stop();
          await stopRedis();
        },
      };
    },
  };
}

function contenders(): ContenderDef[] {
  return [
    {
      id: "direct",
      name: "direct",
      start: (up) =>
        Promise.resolve({ origin: `http://${UPSTREAMS[0]}:${up}`, stop: () => Promise.resolve() }),
    },
    {
      id: "nginx",
      name: "nginx",
      binary: "nginx",
      start: async (up, dir) => {
        const port = await freePort();
        const d = join(dir, "nginx");
        spawnSync("mkdir", ["-p", d]);
        writeFileSync(join(d, "nginx.conf"), nginxConf(d, port, up));
        return proxyChild("nginx", ["-p", d, "-c", join(d, "nginx.conf")], port);
      },
    },
    {
      id: "haproxy",
      name: "haproxy",
      binary: "haproxy",
      start: async (up, dir) => {
        const port = await freePort();
        writeFileSync(join(dir, "haproxy.cfg"), haproxyConf(port, up));
        return proxyChild("haproxy", ["-f", join(dir, "haproxy.cfg"), "-db"], port);
      },
    },
    {
      id: "passthrough",
      name: "node:http+undici",
      start: async (up) => {
        const port = await freePort();
        return proxyChild(
          NODE,
          [
            join(REPO_ROOT, "packages/bench/src/overhead/passthrough-main.ts"),
            JSON.stringify({ port, upstreams: UPSTREAMS.map((h) => `http://${h}:${up}`) }),
          ],
          port,
          {},
          "READY",
        );
      },
    },
    routerContender("rr", "router round-robin", { plugins: [{ type: "round-robin" }] }),
    routerContender("lr", "router least-request", { plugins: [{ type: "least-request" }] }),
    routerContender("prefix", "router prefix+least-request", PREFIX_LR),
    routerContender("ratelimit", RATE_LIMIT, PREFIX_LR, true),
  ];
}

const PREFIX_LR = {
  plugins: [{ type: "prefix-cache", parameters: { maxBlocks: 256 } }, { type: "least-request" }],
};
const RATE_LIMIT = "router prefix+LR + token rate limit";

/** The contenders `--only` selects (direct always), in the usual order; unknown ids are an error. */
/** nginx's added p50 at or below this is within the noise of one run: no ratio is meaningful. */
export const NGINX_NOISE_MS = 0.02;

/**
 * The router's added p50 against nginx's (target ≤ 2×). When nginx's own added p50 is within the
 * noise (it has been −0.003 ms: nginx measured faster than direct), a ratio is meaningless, so none
 * is reported rather than a negative one passing as "met".
 */
export function nginxComparison(
  routerMs: number,
  nginxMs: number,
): { ratio: number | null; status: "met" | "missed" | "not measurable"; text: string } {
  if (Number.isNaN(routerMs) || Number.isNaN(nginxMs))
    return { ratio: null, status: "not measurable", text: "NaN" };
  if (nginxMs <= NGINX_NOISE_MS)
    return {
      ratio: null,
      status: "not measurable",
      text: `no ratio: nginx's added p50 ${nginxMs.toFixed(3)} ms is within noise (router ${routerMs.toFixed(3)} ms)`,
    };
  const ratio = routerMs / nginxMs;
  return {
    ratio,
    status: ratio <= 2 ? "met" : "missed",
    text: `${ratio.toFixed(2)}× (nginx ${nginxMs.toFixed(3)} ms)`,
  };
}

export function selectContenders<C extends { id: string }>(
  all: C[],
  only: readonly string[] | undefined,
): C[] {
  if (only === undefined) return all;
  const ids = new Set(all.map((c) => c.id));
  const unknown = only.filter((o) => !ids.has(o));
  if (unknown.length > 0)
    throw new Error(
      `--only: unknown overhead contender(s) ${unknown.join(", ")} (known: ${[...ids].join(", ")})`,
    );
  return all.filter((c) => c.id === "direct" || only.includes(c.id));
}

interface Cell {
  key: string;
  prompt: "short" | "16KB";
  stream: boolean;
  kind: "open" | "closed";
}

const CELLS: Cell[] = [
  { key: "short json @1000", prompt: "short", stream: false, kind: "open" },
  { key: "16KB json @1000", prompt: "16KB", stream: false, kind: "open" },
  { key: "short sse @1000", prompt: "short", stream: true, kind: "open" },
  { key: "short json max", prompt: "short", stream: false, kind: "closed" },
  { key: "16KB json max", prompt: "16KB", stream: false, kind: "closed" },
  { key: "short sse max", prompt: "short", stream: true, kind: "closed" },
];

function body(prompt: "short" | "16KB", stream: boolean): string {
  const n = prompt === "short" ? 200 : 16_384;
  let text = "";
  for (let i = 0; text.length < n; i++) text += ` w${(i * 7919) % 10007}`;
  return JSON.stringify({ model: "m", prompt: text.slice(0, n), max_tokens: 16, stream });
}

export interface OverheadOptions {
  scale: number;
  out?: string | undefined;
  /** Contender ids to run (direct is always run). */
  only?: readonly string[] | undefined;
  repeats?: number;
  rate?: number;
}

interface Measure {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
}

export async function overheadBenchmark(o: OverheadOptions): Promise<string> {
  // Pin this process (the load generator) to the load CPU.
  spawnSync("taskset", ["-cp", LOAD_CPU, String(process.pid)]);
  const repeats = o.repeats ?? (o.scale === 1 ? 3 : 1);
  const dur = Math.max(1, 3 * o.scale);
  const warm = 0.5;
  const load0 = loadavg()[0] ?? NaN;
  const rate = o.rate ?? 1000;
  const selected = selectContenders(contenders(), o.only);
  const dir = mkdtempSync(join(tmpdir(), "tessera-overhead-"));
  const upPort = await freePort();
  const upstream = await startChild(
    NODE,
    [
      join(REPO_ROOT, "packages/bench/src/overhead/upstream-main.ts"),
      JSON.stringify({ hosts: UPSTREAMS, port: upPort, chunks: 32 }),
    ],
    { cpu: LOAD_CPU, readyText: "READY" },
  );
  const results = new Map<string, Map<string, Measure[]>>();
  const skipped: string[] = [];
  try {
    for (const c of selected) {
      if (c.binary !== undefined && !has(c.binary)) {
        skipped.push(`${c.name} (\`${c.binary}\` not installed)`);
        continue;
      }
      const per = new Map<string, Measure[]>();
      results.set(c.name, per);
      for (let rep = 0; rep < repeats; rep++) {
        const run = await c.start(upPort, dir);
        try {
          for (const cell of CELLS) {
            const target = {
              origin: run.origin,
              path: "/v1/completions",
              body: body(cell.prompt, cell.stream),
              headers: run.headers,
            };
            let m: Measure;
            if (cell.kind === "open") {
              const r = await openLoop(target, { rate, durationS: dur, warmupS: warm });
              m = {
                p50: percentile(r.latenciesMs, 50),
                p99: percentile(r.latenciesMs, 99),
                rps: r.achievedRps,
                errors: r.errors,
              };
            } else {
              const r = await closedLoop(target, {
                connections: 64,
                durationS: dur,
                warmupS: warm,
              });
              m = { p50: NaN, p99: NaN, rps: r.rps, errors: r.errors };
            }
            const list = per.get(cell.key) ?? [];
            list.push(m);
            per.set(cell.key, list);
            log(
              `overhead ${c.name} [${rep + 1}/${repeats}] ${cell.key}: ` +
                (cell.kind === "open"
                  ? `p50 ${m.p50.toFixed(3)} ms, p99 ${m.p99.toFixed(3)} ms`
                  : `${m.rps.toFixed(0)} req/s`) +
                (m.errors > 0 ? `, ${m.errors} errors` : ""),
            );
          }
        } finally {
          await run.stop();
        }
      }
    }
  } finally {
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const load1 = loadavg()[0] ?? NaN;
  const med = (xs: number[]) => percentile(Float64Array.from(xs).sort(), 50);
  const spread = (xs: number[], d: number) =>
    xs.length < 2 ? "" : ` (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
  const direct = results.get("direct");
  const added = (name: string, key: string, q: "p50" | "p99") => {
    const a =
      results
        .get(name)
        ?.get(key)
        ?.map((m) => m[q]) ?? [];
    const b = direct?.get(key)?.map((m) => m[q]) ?? [];
    return name === "direct" ? 0 : med(a) - med(b);
  };
  const rows: Row[] = [];
  const table: Row[] = [];
  for (const c of selected) {
    const per = results.get(c.name);
    if (per === undefined) {
      table.push({
        contender: c.name,
        "added p50 / p99 ms, short @1000": "skipped",
        "added p50 / p99 ms, 16 KB @1000": "—",
        "added p50 / p99 ms, SSE @1000": "—",
        "max req/s short": "—",
        "max req/s 16 KB": "—",
        "max req/s SSE": "—",
      });
      continue;
    }
    const lat = (key: string) => {
      const p50s = per.get(key)?.map((m) => m.p50) ?? [];
      const p99s = per.get(key)?.map((m) => m.p99) ?? [];
      return c.name === "direct"
        ? `(${med(p50s).toFixed(3)} / ${med(p99s).toFixed(2)} absolute)`
        : `${added(c.name, key, "p50").toFixed(3)} / ${added(c.name, key, "p99").toFixed(2)}${spread(p50s, 3)}`;
    };
    const max = (key: string) => {
      const xs = per.get(key)?.map((m) => m.rps) ?? [];
      return `${med(xs).toFixed(0)}${spread(xs, 0)}`;
    };
    table.push({
      contender: c.name,
      "added p50 / p99 ms, short @1000": lat("short json @1000"),
      "added p50 / p99 ms, 16 KB @1000": lat("16KB json @1000"),
      "added p50 / p99 ms, SSE @1000": lat("short sse @1000"),
      "max req/s short": max("short json max"),
      "max req/s 16 KB": max("16KB json max"),
      "max req/s SSE": max("short sse max"),
    });
    for (const [key, ms] of per)
      ms.forEach((m, i) =>
        rows.push({
          contender: c.name,
          cell: key,
          repeat: i + 1,
          p50_ms: m.p50,
          p99_ms: m.p99,
          added_p50_ms:
            c.name === "direct" ? 0 : m.p50 - med(direct?.get(key)?.map((x) => x.p50) ?? []),
          added_p99_ms:
            c.name === "direct" ? 0 : m.p99 - med(direct?.get(key)?.map((x) => x.p99) ?? []),
          rps: m.rps,
          errors: m.errors,
        }),
      );
  }
  const R = "router prefix+least-request";
  const maxRps = (name: string, key: string) =>
    med(
      results
        .get(name)
        ?.get(key)
        ?.map((m) => m.rps) ?? [],
    );
  const fig: Record<string, number> = {
    max_rps_short: maxRps(R, "short json max"),
    max_rps_16kb: maxRps(R, "16KB json max"),
    added_p50_ms: added(R, "short json @1000", "p50"),
    added_p99_ms: added(R, "short json @1000", "p99"),
    nginx_added_p50_ms: results.has("nginx") ? added("nginx", "short json @1000", "p50") : NaN,
    ratelimit_max_rps_short: maxRps(RATE_LIMIT, "short json max"),
    ratelimit_max_rps_16kb: maxRps(RATE_LIMIT, "16KB json max"),
    ratelimit_added_p50_ms: results.has(RATE_LIMIT)
      ? added(RATE_LIMIT, "short json @1000", "p50")
      : NaN,
    ratelimit_added_p99_ms: results.has(RATE_LIMIT)
      ? added(RATE_LIMIT, "short json @1000", "p99")
      : NaN,
  };
  const vsNginx = nginxComparison(fig.added_p50_ms ?? NaN, fig.nginx_added_p50_ms ?? NaN);
  if (vsNginx.ratio !== null) fig.p50_vs_nginx = vsNginx.ratio;
  const f = (k: string) => fig[k] ?? NaN;
  const ok = (b: boolean) => (b ? "**met**" : "**missed**");
  const targets = [
    `| figure (router prefix + least-request) | measured | target | status |`,
    `| --- | ---: | ---: | --- |`,
    `| max req/s, short prompts, one core | ${f("max_rps_short").toFixed(0)} | ≥ 15,000 | ${ok(f("max_rps_short") >= 15000)} |`,
    `| max req/s, 16 KB prompts, one core | ${f("max_rps_16kb").toFixed(0)} | ≥ 5,000 | ${ok(f("max_rps_16kb") >= 5000)} |`,
    `| added p50 at ${rate} req/s | ${f("added_p50_ms").toFixed(3)} ms | ≤ 0.5 ms | ${ok(f("added_p50_ms") <= 0.5)} |`,
    `| added p99 at ${rate} req/s | ${f("added_p99_ms").toFixed(2)} ms | ≤ 3 ms | ${ok(f("added_p99_ms") <= 3)} |`,
    `| added p50 vs nginx's | ${vsNginx.text} | ≤ 2× | **${vsNginx.status}** |`,
  ].filter((l) => !l.includes("NaN"));
  const rateLimit = [
    `| figure | router prefix + LR | + token rate limit | cost of the limit |`,
    `| --- | ---: | ---: | ---: |`,
    ...(
      [
        ["max req/s, short prompts", "max_rps_short", "ratelimit_max_rps_short", 0],
        ["max req/s, 16 KB prompts", "max_rps_16kb", "ratelimit_max_rps_16kb", 0],
        [`added p50 ms at ${rate} req/s`, "added_p50_ms", "ratelimit_added_p50_ms", 3],
        [`added p99 ms at ${rate} req/s`, "added_p99_ms", "ratelimit_added_p99_ms", 2],
      ] as const
    ).map(([label, a, b, d]) => {
      const fewer = (1 - f(b) / f(a)) * 100;
      const cost =
        d !== 0
          ? `${f(b) >= f(a) ? "+" : ""}${(f(b) - f(a)).toFixed(d)} ms`
          : fewer >= 0
            ? `${fewer.toFixed(0)}% fewer`
            : `${(-fewer).toFixed(0)}% more`;
      return `| ${label} | ${f(a).toFixed(d)} | ${f(b).toFixed(d)} | ${cost} |`;
    }),
  ].filter((l) => !l.includes("NaN"));
  const md = [
    `# Router overhead against peers (HTTP mode)`,
    ``,
    `Generated by \`npm run bench -- overhead${o.scale === 1 ? "" : ` --scale ${o.scale}`}\`. Prerequisite: \`nginx\`, \`haproxy\` and \`redis-server\`` +
      ` on PATH (\`apt-get install -y nginx-light haproxy redis-server\`); the benchmark installs nothing, and CI does not run it.`,
    `Instant upstream: one Node process answering on 4 loopback addresses (JSON, or SSE with 32 chunks). Proxies:` +
      ` nginx (1 worker, upstream keepalive 128, proxy_buffering off, no access log), HAProxy (1 thread, http-reuse` +
      ` always), a node:http + undici pass-through, and the Tessera router (file mode, access log off) with three` +
      ` scheduler configs, plus prefix + least-request with token rate limiting (tenancy on, quotas in redis-server). Proxies pinned to CPU ${PROXY_CPU}; the upstream and the load generator (undici, this` +
      ` process) share CPU ${LOAD_CPU}. Open loop: ${rate} req/s for ${dur} s after ${warm} s warm-up, latency from the` +
      ` scheduled send time to the last byte; added = proxy − direct at the same percentile. Closed loop: 64` +
      ` connections for ${dur} s. ${repeats} repeat(s); median, spread (min–max) in parentheses.`,
    ``,
    `Host load average (1 min) at start / end: ${load0.toFixed(1)} / ${load1.toFixed(1)} on ${cpus().length} CPUs.` +
      (Math.max(load0, load1) > 2
        ? ` **The host was busy with other work: absolute numbers are far below what the proxies do on an idle core` +
          ` (compare performance.md §4.3) and the spread is wide; compare the contenders with each other only.**`
        : ""),
    ``,
    markdownTable(table),
    ...(skipped.length > 0 ? [`Skipped: ${skipped.join(", ")}.`, ``] : []),
    `## Targets`,
    ``,
    ...targets,
    ``,
    ...(rateLimit.length > 2
      ? [
          `## Token rate limiting`,
          ``,
          `The router with prefix + least-request and tenancy on: every request carries an API key` +
            ` (SHA-256 lookup), its prompt is counted with the engine tokenizer, one Lua check reserves` +
            ` against the tenant's per-minute token and request limits in a local redis-server and one` +
            ` settles at the end, and a usage record goes to the Redis stream. Limits are far above the` +
            ` offered load, so nothing is refused. Every request carries the same prompt, so the router's` +
            ` prompt token cache answers the count from the second request on; distinct prompts pay the` +
            ` tokenizer once per new ~1 KB chunk (see router-cpu).`,
          ``,
          ...rateLimit,
          ``,
        ]
      : []),
    `The load generator and the upstream share one core, so the "direct" column is the ceiling this` +
      ` machine can measure: a proxy can never show more req/s than direct.`,
    ``,
  ].join("\n");
  const names = [...results.keys()];
  const svg = barChart({
    title: "Max requests/s through each proxy (one core, 64 connections)",
    yLabel: "requests / s",
    categories: names.map((n) => n.replace("router ", "router\u00a0")),
    series: [
      {
        name: "short prompt",
        values: names.map((n) =>
          med(
            results
              .get(n)
              ?.get("short json max")
              ?.map((m) => m.rps) ?? [],
          ),
        ),
      },
      {
        name: "16 KB prompt",
        values: names.map((n) =>
          med(
            results
              .get(n)
              ?.get("16KB json max")
              ?.map((m) => m.rps) ?? [],
          ),
        ),
      },
      {
        name: "SSE 32 chunks",
        values: names.map((n) =>
          med(
            results
              .get(n)
              ?.get("short sse max")
              ?.map((m) => m.rps) ?? [],
          ),
        ),
      },
    ],
  });
  const outDir = outputDir(o.scale, o.out);
  const paths = writeReport(outDir, "overhead", { markdown: md, rows, svg });
  log(`wrote ${paths.join(", ")}`);
  if (o.scale === 1 && o.out === undefined)
    await updateSummary(
      "overhead",
      [
        `## overhead — router vs direct, nginx, HAProxy, node:http+undici`,
        ``,
        ...targets,
        ``,
        `Details: [benchmarks/overhead.md](benchmarks/overhead.md).`,
      ].join("\n"),
    );
  return resultLine("overhead", fig);
}
