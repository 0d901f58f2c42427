// Prefill/decode disaggregation helpers.
//
// vLLM NIXL connector: the prefill instance, asked with kv_transfer_params {do_remote_decode: true},
// computes the prompt, returns one token and answers kv_transfer_params {do_remote_prefill: true,
// do_remote_decode: false, remote_block_ids, remote_engine_id, remote_host, remote_port, tp_size}; the
// decode instance, given those, treats the remote blocks as already computed and pays a per-token
// transfer cost instead of prefill.
//
// SGLang bootstrap: both requests carry bootstrap_host / bootstrap_room and are in flight at once. The
// prefill instance runs a bootstrap listener (SGLang's default port 8998); the decode instance holds its
// request until that listener reports the room's prefill done, then transfers. Deviation: SGLang
// rendezvouses over ZMQ; the simulator long-polls `GET /bootstrap/rooms/{room}` over HTTP.

import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface NixlParams {
  do_remote_prefill?: boolean;
  do_remote_decode?: boolean;
  remote_block_ids?: number[];
  remote_engine_id?: string;
  remote_host?: string;
  remote_port?: number;
  tp_size?: number;
}

interface Room {
  promptTokens?: number;
  failed?: boolean;
  waiters: Array<(v: number | undefined) => void>;
  timer: ReturnType<typeof setTimeout>;
}

const ROOM_TTL_MS = 120_000;

/** Rooms a prefill instance has served, and the HTTP listener decode instances poll. */
export class BootstrapServer {
  private readonly rooms = new Map<string, Room>();
  private server: Server | undefined;
  port = 0;

  private room(id: string): Room {
    let r = this.rooms.get(id);
    if (!r) {
      const timer = setTimeout(() => this.rooms.delete(id), ROOM_TTL_MS);
      timer.unref();
      r = { waiters: [], timer };
      this.rooms.set(id, r);
    }
    return r;
  }

  complete(id: string, promptTokens: number): void {
    const r = this.room(id);
    r.promptTokens = promptTokens;
    for (const w of r.waiters.splice(0)) w(promptTokens);
  }

  fail(id: string): void {
    const r = this.room(id);
    r.failed = true;
    for (const w of r.waiters.splice(0)) w(undefined);
  }

  /** Resolves with the room's prompt length once prefilled, or undefined on failure/timeout. */
  wait(id: string, timeoutMs: number): Promise<number | undefined> {
    const r = this.room(id);
    if (r.promptTokens !== undefined) return Promise.resolve(r.promptTokens);
    if (r.failed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        const i = r.waiters.indexOf(done);
        if (i >= 0) r.waiters.splice(i, 1);
        resolve(undefined);
      }, timeoutMs);
      const done = (v: number | undefined) => {
        clearTimeout(t);
        resolve(v);
      };
      r.waiters.push(done);
    });
  }

  async listen(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => {
      const m = /^\/bootstrap\/rooms\/([^/?]+)(?:\?timeout_ms=(\d+))?$/.exec(req.url ?? "");
      if (req.method !== "GET" || !m) {
        res.writeHead(404).end();
        return;
      }
      const id = decodeURIComponent(m[1] ?? "");
      void this.wait(id, Number(m[2] ?? 30_000)).then((n) => {
        if (n === undefined)
          res.writeHead(404, { "content-type": "application/json" }).end('{"status":"failed"}');
        else
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ status: "ok", prompt_tokens: n }));
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const r of this.rooms.values()) clearTimeout(r.timer);
    this.rooms.clear();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** Decode side: waits for the prefill instance at host:port to finish `room`. */
export async function awaitBootstrap(
  host: string,
  port: number,
  room: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  try {
    const r = await fetch(
      `http://${h}:${port}/bootstrap/rooms/${encodeURIComponent(room)}?timeout_ms=${timeoutMs}`,
      { signal },
    );
    if (!r.ok) return undefined;
    const body = (await r.json()) as { prompt_tokens?: number };
    return typeof body.prompt_tokens === "number" ? body.prompt_tokens : undefined;
  } catch {
    return undefined;
  }
}
