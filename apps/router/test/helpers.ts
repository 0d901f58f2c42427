// Test helpers: an in-process router, fast fake engines on loopback addresses, and object builders.
import { createServer } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { stringify } from "yaml";
import type { AccessLogEntry } from "../src/observability/access-log.ts";
import { Router } from "../src/router.ts";
import type { RouterOptions } from "../src/router.ts";
import { parseObjectsYaml } from "../src/sources/parse.ts";

export const NET = "networking.serving.volcano.sh/v1alpha1";

export interface TestRouter {
  router: Router;
  url: string;
  port: number;
  access: AccessLogEntry[];
  logs: Record<string, unknown>[];
  apply(docs: unknown[]): void;
  close(): Promise<void>;
}

export async function startRouter(
  docs: unknown[] | null,
  opts: RouterOptions = {},
): Promise<TestRouter> {
  const logs: Record<string, unknown>[] = [];
  const access: AccessLogEntry[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        const o = JSON.parse(line) as Record<string, unknown>;
        logs.push(o);
        if (o.access !== undefined) access.push(o.access as AccessLogEntry);
      }
      cb();
    },
  });
  const router = new Router({
    logger: pino({ level: "info" }, sink),
    defaultMetrics: false,
    scraper: { intervalMs: 50, staleAfterMs: 1_000 },
    ...opts,
  });
  const apply = (d: unknown[]) => {
    const parsed = parseObjectsYaml(toYaml(d));
    if (parsed.schedulerConfig !== null) router.applySchedulerConfig(parsed.schedulerConfig);
    router.applySnapshot(parsed.snapshot);
  };
  if (docs !== null) apply(docs);
  router.start();
  const { port } = await router.listen(0, "127.0.0.1");
  return {
    router,
    url: `http://127.0.0.1:${port}`,
    port,
    access,
    logs,
    apply,
    close: () => router.close(),
  };
}

export function toYaml(docs: unknown[]): string {
  return docs.map((d) => stringify(d)).join("---\n");
}

export function pod(
  name: string,
  ip: string,
  labels: Record<string, string>,
  extra: { ready?: boolean; annotations?: Record<string, string> } = {},
) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      labels,
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    status: {
      phase: "Running",
      podIP: ip,
      conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True" }],
    },
  };
}

export function modelServer(name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: NET,
    kind: "ModelServer",
    metadata: { name, namespace: "default" },
    spec: { inferenceEngine: "vLLM", ...spec },
  };
}

/** The labels a ModelServing gives its pods: PD pairs are matched by group, then role. */
export const PD_GROUP = "modelserving.volcano.sh/group-name";
export const PD_ROLE = "modelserving.volcano.sh/role";

/** A PD ModelServer pairing `app: name` pods by PD_GROUP and PD_ROLE. */
export function pdServer(name: string, port: number, extra: Record<string, unknown> = {}) {
  return modelServer(name, {
    workloadPort: { port },
    workloadSelector: {
      matchLabels: { app: name },
      pdGroup: {
        groupKey: PD_GROUP,
        prefillLabels: { [PD_ROLE]: "prefill" },
        decodeLabels: { [PD_ROLE]: "decode" },
      },
    },
    ...extra,
  });
}

export function modelRoute(
  name: string,
  spec: Record<string, unknown>,
  created = "2026-01-01T00:00:00Z",
) {
  return {
    apiVersion: NET,
    kind: "ModelRoute",
    metadata: { name, namespace: "default", creationTimestamp: created },
    spec,
  };
}

export interface Recorded {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** The request body exactly as received. */
  raw: string;
  at: number;
}

export interface FakeEngineOptions {
  /** Fixed HTTP status for completions (default 200). */
  status?: number;
  /** Delay before the response head (ms). */
  delayMs?: number;
  /** Streamed chunks (default 3). */
  chunks?: number;
  /** Gap between streamed chunks (ms). */
  chunkGapMs?: number;
  /** Custom handler; return true when handled. */
  handle?: (
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
    self: FakeEngine,
  ) => boolean | Promise<boolean>;
  metrics?: string;
}

/** A minimal OpenAI-compatible engine: fast, records what it received, vLLM-style /metrics. */
export class FakeEngine {
  readonly host: string;
  readonly name: string;
  port = 0;
  received: Recorded[] = [];
  closedEarly = 0;
  opts: FakeEngineOptions;
  readonly #server: Server;

  constructor(name: string, host: string, opts: FakeEngineOptions = {}) {
    this.name = name;
    this.host = host;
    this.opts = opts;
    this.#server = createServer((req, res) => void this.#on(req, res));
    this.#server.keepAliveTimeout = 60_000;
  }

  async listen(port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, this.host, () => resolve());
    });
    this.port = (this.#server.address() as AddressInfo).port;
    return this.port;
  }

  async #on(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === "GET") {
      if (req.url === "/metrics") {
        res
          .writeHead(200, { "content-type": "text/plain" })
          .end(this.opts.metrics ?? "vllm:num_requests_running 0\nvllm:num_requests_waiting 0\n");
        return;
      }
      if (req.url === "/v1/models") {
        res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ data: [] }));
        return;
      }
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = JSON.parse(raw || "{}") as Record<string, unknown>;
    this.received.push({ path: req.url ?? "", headers: req.headers, body, raw, at: Date.now() });
    if (this.opts.handle !== undefined && (await this.opts.handle(req, res, body, this))) return;
    if (this.opts.delayMs) await new Promise((r) => setTimeout(r, this.opts.delayMs));
    const status = this.opts.status ?? 200;
    if (status !== 200) {
      res
        .writeHead(status, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: `${this.name} failed` } }));
      return;
    }
    const usage = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 };
    if (body.stream === true) {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.on("close", () => {
        if (!res.writableFinished) this.closedEarly++;
      });
      const n = this.opts.chunks ?? 3;
      for (let i = 0; i < n; i++) {
        if (res.destroyed) return;
        res.write(
          `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", model: body.model, choices: [{ index: 0, delta: { content: `t${i}` }, finish_reason: null }], usage: null })}\n\n`,
        );
        if (this.opts.chunkGapMs) await new Promise((r) => setTimeout(r, this.opts.chunkGapMs));
      }
      const so = body.stream_options as { include_usage?: boolean } | undefined;
      if (so?.include_usage === true) {
        res.write(
          `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", model: body.model, choices: [], usage })}\n\n`,
        );
      }
      res.end("data: [DONE]\n\n");
      return;
    }
    const out = JSON.stringify({
      id: "x",
      object: "chat.completion",
      model: body.model,
      served_by: this.name,
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage,
    });
    res.writeHead(200, { "content-type": "application/json" }).end(out);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** Starts fake engines on 127.0.0.{first..} sharing one port (like pods of one ModelServer). */
export async function startFakeEngines(
  n: number,
  first: number,
  opts: FakeEngineOptions = {},
): Promise<{ engines: FakeEngine[]; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const engines: FakeEngine[] = [];
    try {
      const e0 = new FakeEngine("e0", `127.0.0.${first}`, opts);
      const port = await e0.listen(0);
      engines.push(e0);
      for (let i = 1; i < n; i++) {
        const e = new FakeEngine(`e${i}`, `127.0.0.${first + i}`, opts);
        await e.listen(port);
        engines.push(e);
      }
      return { engines, port };
    } catch {
      await Promise.all(engines.map((e) => e.close()));
    }
  }
  throw new Error("could not bind fake engines");
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: r.status, json, headers: r.headers };
}

export function chat(model: string, extra: Record<string, unknown> = {}) {
  return { model, messages: [{ role: "user", content: "hello there" }], max_tokens: 4, ...extra };
}

export async function waitFor(cond: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting for condition");
    await new Promise((r) => setTimeout(r, 10));
  }
}
