// Consumes a router usage stream (Redis Stream, consumer group) at least once: an entry is acked
// only after it is stored (or judged invalid), so a crash redelivers it, and ingest is idempotent by
// request id, so redelivery never double-counts. Invalid entries are copied to `<stream>:rejected`.
import { Redis } from "ioredis";
import type { UsageService } from "./usage.ts";

export interface UsageStreamOptions {
  redisUrl: string;
  stream: string;
  group?: string;
  consumer?: string;
  blockMs?: number;
  batch?: number;
  usage: UsageService;
  onResult?: (result: "ingested" | "duplicate" | "rejected") => void;
  log: { warn: (obj: object, msg: string) => void };
}

type Entry = [id: string, fields: string[]];
type StreamReply = [stream: string, entries: Entry[]][] | null;

export function usageStreamConsumer(opts: UsageStreamOptions) {
  const group = opts.group ?? "tessera-api";
  const consumer = opts.consumer ?? `api-${process.pid}`;
  const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  redis.on("error", () => {}); // reconnects on its own; failures surface in the loop
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function handle(entries: Entry[]): Promise<void> {
    for (const [id, fields] of entries) {
      const idx = fields.indexOf("event");
      const raw = idx >= 0 ? fields[idx + 1] : undefined;
      let parsed: unknown;
      try {
        parsed = raw === undefined ? undefined : JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
      const r =
        parsed === undefined
          ? { result: "rejected" as const, reason: "no JSON `event` field" }
          : await opts.usage.ingest(parsed);
      if (r.result === "rejected") {
        opts.log.warn({ streamId: id, reason: r.reason }, "usage event rejected");
        await redis.xadd(
          `${opts.stream}:rejected`,
          "MAXLEN",
          "~",
          "10000",
          "*",
          "id",
          id,
          "reason",
          r.reason ?? "",
          "event",
          raw ?? "",
        );
      }
      await redis.xack(opts.stream, group, id);
      opts.onResult?.(r.result);
    }
  }

  async function run(): Promise<void> {
    await redis.connect();
    try {
      await redis.xgroup("CREATE", opts.stream, group, "0", "MKSTREAM");
    } catch (e) {
      if (!String((e as Error).message).includes("BUSYGROUP")) throw e;
    }
    // Our own entries delivered before a crash but never acked come first.
    let cursor = "0";
    while (!stopping) {
      try {
        const reply = (await redis.xreadgroup(
          "GROUP",
          group,
          consumer,
          "COUNT",
          opts.batch ?? 100,
          "BLOCK",
          opts.blockMs ?? 2000,
          "STREAMS",
          opts.stream,
          cursor,
        )) as StreamReply;
        const entries = reply?.[0]?.[1] ?? [];
        if (cursor === "0" && entries.length === 0) cursor = ">";
        await handle(entries);
      } catch (e) {
        if (stopping) return;
        opts.log.warn(
          { err: { message: (e as Error).message } },
          "usage stream read failed; retrying",
        );
        cursor = "0"; // re-read our pending entries after an error (e.g. the database was down)
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    start(): void {
      loop = run().catch((e: unknown) =>
        opts.log.warn({ err: { message: (e as Error).message } }, "usage stream consumer stopped"),
      );
    },
    async stop(): Promise<void> {
      stopping = true;
      redis.disconnect();
      await loop;
    },
  };
}
