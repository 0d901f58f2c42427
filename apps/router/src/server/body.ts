// Request body reading with a size limit and a receive timeout. The body is read once into a single
// Buffer (parsed once by the caller). The listeners are module-level functions working on state
// kept on the request under a symbol: no closures are created per request besides the Promise's.
import type { IncomingMessage } from "node:http";
import { RouterError } from "./errors.ts";

const kBody = Symbol("tessera.body");

interface BodyState {
  chunks: Buffer[];
  size: number;
  limit: number;
  timer: NodeJS.Timeout | null;
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
  done: boolean;
}

interface ReqWithBody extends IncomingMessage {
  [kBody]?: BodyState;
}

function settle(req: ReqWithBody, err: Error | null): void {
  const s = req[kBody];
  if (s === undefined || s.done) return;
  s.done = true;
  if (s.timer !== null) clearTimeout(s.timer);
  req.off("data", onData);
  req.off("end", onEnd);
  req.off("error", onError);
  req.off("aborted", onAborted);
  req[kBody] = undefined;
  if (err !== null) s.reject(err);
  else s.resolve(s.chunks.length === 1 ? (s.chunks[0] as Buffer) : Buffer.concat(s.chunks, s.size));
}

function onData(this: ReqWithBody, c: Buffer): void {
  const s = this[kBody];
  if (s === undefined) return;
  s.size += c.length;
  if (s.size > s.limit) {
    settle(this, new RouterError("body_too_large", `request body exceeds ${s.limit} bytes`));
    return;
  }
  s.chunks.push(c);
}

function onEnd(this: ReqWithBody): void {
  settle(this, null);
}

function onError(this: ReqWithBody, e: Error): void {
  settle(this, e);
}

function onAborted(this: ReqWithBody): void {
  settle(this, new Error("client aborted the request"));
}

function onTimeout(req: ReqWithBody, ms: number): void {
  settle(req, new RouterError("request_timeout", `request body not received within ${ms} ms`));
}

export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(new RouterError("body_too_large", `request body exceeds ${limit} bytes`));
  }
  const { promise, resolve, reject } = Promise.withResolvers<Buffer>();
  const r = req as ReqWithBody;
  r[kBody] = {
    chunks: [],
    size: 0,
    limit,
    timer: timeoutMs > 0 ? setTimeout(onTimeout, timeoutMs, r, timeoutMs) : null,
    resolve,
    reject,
    done: false,
  };
  r.on("data", onData);
  r.on("end", onEnd);
  r.on("error", onError);
  r.on("aborted", onAborted);
  return promise;
}
