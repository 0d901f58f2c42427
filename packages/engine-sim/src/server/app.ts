// The HTTP face of one simulated engine: OpenAI-compatible completions (streaming and not), models,
// tokenize, health, metrics in the imitated engine's dialect, LoRA, P/D, KV events and faults.
// node:http, one WallClock-driven Engine per server.

import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { applyChatTemplate, tokenize } from "@tessera/shared/tokens/tokenizer";
import type { ChatMessage } from "@tessera/shared/tokens/tokenizer";
import type { Registry } from "prom-client";
import { WallClock } from "../clock/wall.ts";
import { Engine } from "../engine/engine.ts";
import type { KvEventBatch, RequestResult } from "../engine/engine.ts";
import { tokenText } from "../engine/output.ts";
import type { EngineParams } from "../engine/presets.ts";
import { contextTooLongMessage, errorResponse } from "./dialect.ts";
import type { EngineKind, ErrorKind } from "./dialect.ts";
import { Faults } from "./faults.ts";
import type { FaultOptions } from "./faults.ts";
import { LoraRegistry } from "./lora.ts";
import { metricsFor } from "./metrics/index.ts";
import {
  fullResponse,
  newId,
  parseRequest,
  streamChunk,
  usage,
  usageChunk,
  ValidationError,
} from "./openai.ts";
import type { Body, ParsedRequest } from "./openai.ts";
import { awaitBootstrap, BootstrapServer } from "./pd.ts";
import type { NixlParams } from "./pd.ts";

export type Role = "both" | "prefill" | "decode";

export interface SimServerOptions {
  engine?: EngineKind;
  model?: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  preset?: string;
  params?: Partial<EngineParams>;
  role?: Role;
  /** Every simulated duration is multiplied by this (0.01 ⇒ a hundred times faster than the preset). */
  timeScale?: number;
  seed?: number;
  /** Record KV events from the start (otherwise from the first /kv_events subscriber). */
  kvEvents?: boolean;
  faults?: FaultOptions;
  /** SGLang P/D: port of the bootstrap listener a prefill instance opens (0 = any; default 8998). */
  bootstrapPort?: number;
  /** How long a decode instance waits for its prefill peer (ms, wall time). */
  bootstrapTimeoutMs?: number;
  /** Maximum context length; defaults to the preset's. */
  maxModelLen?: number;
}

export interface SimServer {
  url: string;
  port: number;
  host: string;
  engine: Engine;
  kind: EngineKind;
  model: string;
  role: Role;
  registry: Registry;
  faults: Faults;
  loras: LoraRegistry;
  /** Port of the SGLang bootstrap listener (prefill role, sglang engine only). */
  bootstrapPort: number | undefined;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const data = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(data),
  });
  res.end(data);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function jsonDecodeMessage(kind: EngineKind, err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  if (kind === "tgi") return `Failed to parse the request body as JSON: ${detail}`;
  return `[{'type': 'json_invalid', 'loc': ('body', 0), 'msg': 'JSON decode error', 'ctx': {'error': '${detail.replaceAll("'", "")}'}}]`;
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const kind: EngineKind = options.engine ?? "vllm";
  const model = options.model ?? "tessera/sim-model";
  const host = options.host ?? "127.0.0.1";
  const role: Role = options.role ?? "both";
  const timeScale = options.timeScale ?? 1;
  const seed = options.seed ?? 0;
  const clock = new WallClock(timeScale);
  const params = {
    ...options.params,
    ...(options.maxModelLen ? { maxModelLen: options.maxModelLen } : {}),
  };
  const engine = new Engine({
    clock,
    preset: options.preset,
    params,
    seed,
    kvEvents: options.kvEvents ?? false,
  });
  const faults = new Faults(options.faults, seed);
  const loras = new LoraRegistry(engine.params.maxLoras);
  const ctx = { engine, modelName: model, loras, scale: clock.reportScale };
  const metrics = metricsFor(kind, ctx);
  const bootstrap = role === "prefill" && kind === "sglang" ? new BootstrapServer() : undefined;
  const kvSubscribers = new Set<ServerResponse>();
  const created = Math.floor(Date.now() / 1000);
  let selfUrl = { host, port: 0 };

  const fail = (
    res: ServerResponse,
    err: ErrorKind,
    message: string,
    param: string | null = null,
  ) => {
    const e = errorResponse(kind, err, message, param);
    sendJson(res, e.status, e.body);
  };

  engine.onKvEvents((batch: KvEventBatch) => {
    if (kvSubscribers.size === 0) return;
    const line =
      JSON.stringify({
        ts: batch.ts * clock.reportScale,
        engine_id: engine.engineId,
        events: batch.events,
      }) + "\n";
    for (const s of kvSubscribers) s.write(line);
  });

  const modelCard = (id: string, root: string, parent: string | null, maxLen: number | null) => ({
    id,
    object: "model",
    created,
    owned_by: kind === "vllm" ? "vllm" : kind,
    root,
    parent,
    max_model_len: maxLen,
    permission: [],
  });

  async function handleCompletion(
    req: IncomingMessage,
    res: ServerResponse,
    chat: boolean,
  ): Promise<void> {
    if (!faults.ready) return fail(res, "unavailable", "The server is starting up.");
    const raw = await readBody(req);
    let body: Body;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("Input should be an object");
      body = parsed as Body;
    } catch (e) {
      return fail(res, "bad_request", jsonDecodeMessage(kind, e));
    }
    let p: ParsedRequest;
    try {
      p = parseRequest(kind, chat, body);
    } catch (e) {
      if (e instanceof ValidationError) return fail(res, "bad_request", e.message, e.field);
      throw e;
    }
    // Model / LoRA resolution. vLLM rejects unknown names (including unloaded adapters); SGLang and TGI
    // serve whatever model they loaded, whatever the request says.
    let lora: string | undefined;
    if (p.model !== undefined && p.model !== model) {
      if (loras.get(p.model)) lora = p.model;
      else if (kind === "vllm")
        return fail(res, "not_found", `The model \`${p.model}\` does not exist.`, "model");
    }
    const servedName = p.model ?? model;
    const n = p.promptTokens.length;
    const maxLen = engine.maxModelLen;
    if (n >= maxLen || (p.maxTokens !== undefined && n + p.maxTokens > maxLen))
      return fail(res, "bad_request", contextTooLongMessage(kind, maxLen, n, p.maxTokens));

    // P/D.
    const kvIn =
      typeof body.kv_transfer_params === "object" && body.kv_transfer_params !== null
        ? (body.kv_transfer_params as NixlParams)
        : undefined;
    let maxTokens = p.maxTokens;
    let remoteTokens = 0;
    const nixlPrefill = role === "prefill" && kvIn?.do_remote_decode === true;
    if (nixlPrefill) maxTokens = 1;
    if (
      role === "decode" &&
      kvIn?.do_remote_prefill === true &&
      Array.isArray(kvIn.remote_block_ids)
    )
      remoteTokens = kvIn.remote_block_ids.length * engine.params.blockSize;
    // Kthena sends a random 63-bit integer; JSON numbers round it the same way on both sides.
    const rawRoom = body.bootstrap_room;
    const room =
      typeof rawRoom === "number" || typeof rawRoom === "string" ? String(rawRoom) : undefined;
    const bootstrapDecode =
      kind === "sglang" &&
      role === "decode" &&
      room !== undefined &&
      typeof body.bootstrap_host === "string";

    // Faults.
    const decision = faults.decide(p.stream);
    if (decision === "error")
      return fail(res, "server", "Simulated engine failure (fault injection).");
    if (decision === "hang") return; // never answer; the client's timeout or disconnect ends it

    const id = newId(chat);
    const createdAt = Math.floor(Date.now() / 1000);
    let text = "";
    let done = false;
    let sent = 0;
    const abortCtl = new AbortController();

    const finishPayload = (r: RequestResult): Body => {
      const extra: Body = {};
      if (nixlPrefill)
        extra.kv_transfer_params = {
          do_remote_prefill: true,
          do_remote_decode: false,
          remote_block_ids: r.blockIds.slice(
            0,
            Math.floor(r.promptTokens / engine.params.blockSize),
          ),
          remote_engine_id: engine.engineId,
          remote_host: selfUrl.host,
          remote_port: selfUrl.port,
          tp_size: 1,
        };
      else if (kind === "vllm") extra.kv_transfer_params = null;
      return extra;
    };

    if (p.stream) {
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
      });
      if (chat)
        res.write(
          `data: ${JSON.stringify(streamChunk(p, id, servedName, createdAt, { role: "assistant", content: "" }, null))}\n\n`,
        );
    }
    const onToken = (tok: number, _t: number, _i: number, last: boolean) => {
      const piece = tokenText(tok);
      text += piece;
      if (!p.stream || res.destroyed) return;
      const finish = last ? (maxTokens === undefined ? "stop" : "length") : null;
      const chunk = `data: ${JSON.stringify(streamChunk(p, id, servedName, createdAt, { content: piece }, finish))}\n\n`;
      sent++;
      if (decision === "crash" && sent >= faults.crashAfterTokens && !last) {
        // Simulated engine crash: the tokens so far reach the client, then the connection drops
        // without the terminating chunk.
        done = true;
        engine.abort(id);
        res.write(chunk, () => res.socket?.destroy());
        return;
      }
      res.write(chunk);
    };
    const onFinish = (r: RequestResult) => {
      if (done && r.finishReason === "abort") return;
      done = true;
      if (room !== undefined && bootstrap) {
        if (r.finishReason === "abort") bootstrap.fail(room);
        else bootstrap.complete(room, r.promptTokens);
      }
      if (r.finishReason === "abort") {
        if (!res.headersSent) fail(res, "server", "Request aborted.");
        else res.end();
        return;
      }
      const u = usage(r.promptTokens, r.outputTokens.length, r.cachedTokens);
      if (p.stream) {
        if (p.includeUsage)
          res.write(`data: ${JSON.stringify(usageChunk(p, id, servedName, createdAt, u))}\n\n`);
        res.end("data: [DONE]\n\n");
      } else
        sendJson(
          res,
          200,
          fullResponse(p, id, servedName, createdAt, text, r.finishReason, u, finishPayload(r)),
        );
    };

    res.on("close", () => {
      abortCtl.abort();
      if (!done) {
        done = true;
        engine.abort(id);
        if (room !== undefined && bootstrap) bootstrap.fail(room);
      }
    });

    try {
      engine.submit({
        id,
        promptTokens: p.promptTokens,
        maxTokens,
        lora,
        remoteTokens,
        hold: bootstrapDecode,
        onToken,
        onFinish,
      });
    } catch (e) {
      done = true;
      return fail(res, "bad_request", e instanceof Error ? e.message : String(e));
    }
    if (bootstrapDecode) {
      const bport =
        typeof body.bootstrap_port === "number"
          ? body.bootstrap_port
          : (options.bootstrapPort ?? 8998);
      const got = await awaitBootstrap(
        body.bootstrap_host as string,
        bport,
        room,
        options.bootstrapTimeoutMs ?? 30_000,
        abortCtl.signal,
      );
      if (done) return;
      if (got === undefined) {
        done = true;
        engine.abort(id);
        return p.stream
          ? void res.end()
          : fail(res, "server", `KV transfer for bootstrap room ${room} failed.`);
      }
      engine.release(id, got);
    }
  }

  async function handleTokenize(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Body;
    try {
      body = JSON.parse(await readBody(req)) as Body;
    } catch (e) {
      return fail(res, "bad_request", jsonDecodeMessage(kind, e));
    }
    let tokens: number[];
    if (Array.isArray(body.messages))
      tokens = tokenize(
        applyChatTemplate(body.messages as ChatMessage[], {
          addGenerationPrompt: body.add_generation_prompt !== false,
        }),
      );
    else if (typeof body.prompt === "string") tokens = tokenize(body.prompt);
    else return fail(res, "bad_request", "Either `prompt` or `messages` is required.");
    sendJson(res, 200, {
      count: tokens.length,
      max_model_len: engine.maxModelLen,
      tokens,
      token_strs: null,
    });
  }

  async function handleLora(
    req: IncomingMessage,
    res: ServerResponse,
    load: boolean,
  ): Promise<void> {
    let body: Body;
    try {
      body = JSON.parse(await readBody(req)) as Body;
    } catch (e) {
      return fail(res, "bad_request", jsonDecodeMessage(kind, e));
    }
    const name = typeof body.lora_name === "string" ? body.lora_name : "";
    if (!name) return fail(res, "bad_request", "'lora_name' needs to be provided.");
    if (load) {
      const path = typeof body.lora_path === "string" ? body.lora_path : "";
      if (!path)
        return fail(res, "bad_request", "Both 'lora_name' and 'lora_path' must be provided.");
      const r = loras.load(name, path);
      if (!r.ok) return fail(res, "bad_request", r.message);
      engine.registerLora(name, r.adapter.id);
      res
        .writeHead(200, { "content-type": "text/plain; charset=utf-8" })
        .end(`Success: LoRA adapter '${name}' added successfully.`);
    } else {
      if (!loras.unload(name))
        return fail(res, "not_found", `The lora adapter '${name}' cannot be found.`);
      res
        .writeHead(200, { "content-type": "text/plain; charset=utf-8" })
        .end(`Success: LoRA adapter '${name}' removed successfully.`);
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = (req.url ?? "/").split("?")[0] ?? "/";
    const m = req.method ?? "GET";
    if (m === "POST" && url === "/v1/chat/completions") return handleCompletion(req, res, true);
    if (m === "POST" && url === "/v1/completions") return handleCompletion(req, res, false);
    if (m === "GET" && url === "/health") {
      if (!faults.ready) return fail(res, "unavailable", "The server is starting up.");
      res.writeHead(200).end();
      return;
    }
    if (m === "GET" && url === "/metrics") {
      const text = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType }).end(text);
      return;
    }
    if (m === "GET" && url === "/v1/models") {
      const data = [
        modelCard(model, model, null, engine.maxModelLen),
        ...loras.list().map((a) => modelCard(a.name, a.path, model, null)),
      ];
      return sendJson(res, 200, { object: "list", data });
    }
    if (m === "POST" && url === "/tokenize") return handleTokenize(req, res);
    if (m === "POST" && url === "/v1/load_lora_adapter") return handleLora(req, res, true);
    if (m === "POST" && url === "/v1/unload_lora_adapter") return handleLora(req, res, false);
    if (m === "POST" && url === "/reset_prefix_cache") {
      if (!engine.resetPrefixCache())
        return fail(res, "bad_request", "Failed to reset prefix cache: requests are running.");
      res.writeHead(200).end();
      return;
    }
    if (m === "GET" && url === "/kv_events") {
      engine.kvEventsEnabled = true;
      res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-cache" });
      res.flushHeaders();
      kvSubscribers.add(res);
      res.on("close", () => kvSubscribers.delete(res));
      return;
    }
    if (m === "GET" && url === "/kv_blocks")
      return sendJson(res, 200, {
        engine_id: engine.engineId,
        block_size: engine.params.blockSize,
        block_hashes: engine.cachedBlockHashes(),
      });
    if (m === "GET" && url === "/sim/state")
      return sendJson(res, 200, {
        ...engine.snapshot(),
        role,
        engine: kind,
        model,
        faults: faults.options,
      });
    if (m === "POST" && url === "/sim/faults") {
      try {
        faults.update(JSON.parse(await readBody(req)) as FaultOptions);
      } catch (e) {
        return fail(res, "bad_request", jsonDecodeMessage(kind, e));
      }
      return sendJson(res, 200, faults.options);
    }
    if (m === "GET" && url === "/info" && kind === "tgi")
      return sendJson(res, 200, {
        model_id: model,
        max_input_tokens: engine.maxModelLen - 1,
        max_total_tokens: engine.maxModelLen,
        router: "text-generation-router",
        version: "3.3.0-sim",
      });
    if (kind === "tgi") return sendJson(res, 404, { error: "Not Found", error_type: "not_found" });
    sendJson(res, 404, { detail: "Not Found" }); // FastAPI's default, as vLLM and SGLang answer
  }

  const server: Server = createServer((req, res) => {
    route(req, res).catch((e: unknown) => {
      if (!res.headersSent) fail(res, "server", e instanceof Error ? e.message : String(e));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  selfUrl = { host, port };
  let bootstrapPort: number | undefined;
  if (bootstrap) bootstrapPort = await bootstrap.listen(host, options.bootstrapPort ?? 8998);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    engine,
    kind,
    model,
    role,
    registry: metrics.registry,
    faults,
    loras,
    bootstrapPort,
    async close() {
      for (const s of kvSubscribers) s.end();
      engine.stop();
      clock.close();
      metrics.close();
      await bootstrap?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ReplicaOptions extends SimServerOptions {
  replicas: number;
  /** "ports": one host, consecutive ports from `port`; "loopback": consecutive 127.x addresses
   * counting up from `host` (default 127.0.0.1), all on the same port, like pods of one server. */
  addressing?: "ports" | "loopback";
}

/** The i-th address after `base` in 127.0.0.0/8; refuses to leave the loopback range. */
export function loopbackAddress(base: string, i: number): string {
  const octets = base.split(".").map(Number);
  if (
    octets.length !== 4 ||
    octets[0] !== 127 ||
    octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255)
  )
    throw new Error(`--host must be a 127.x.y.z address with --addressing loopback, got "${base}"`);
  const n = (((octets[1] ?? 0) << 16) | ((octets[2] ?? 0) << 8) | (octets[3] ?? 0)) + i;
  if (n > 0xfffffe) throw new Error(`--replicas ${i + 1} from ${base} leaves 127.0.0.0/8`);
  return `127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** Starts N engines in this process (cheap "pods"). Engine i gets seed `seed + i`. */
export async function startSimServers(opts: ReplicaOptions): Promise<SimServer[]> {
  const out: SimServer[] = [];
  try {
    for (let i = 0; i < opts.replicas; i++) {
      const loop = opts.addressing === "loopback";
      const host = loop ? loopbackAddress(opts.host ?? "127.0.0.1", i) : opts.host;
      const port = loop ? opts.port : opts.port ? opts.port + i : 0;
      const bootstrapPort =
        opts.bootstrapPort === undefined
          ? undefined
          : loop || opts.bootstrapPort === 0
            ? opts.bootstrapPort
            : opts.bootstrapPort + i;
      out.push(
        await startSimServer({ ...opts, host, port, seed: (opts.seed ?? 0) + i, bootstrapPort }),
      );
    }
  } catch (e) {
    await Promise.all(out.map((s) => s.close()));
    throw e;
  }
  return out;
}
