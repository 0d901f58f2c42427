// /healthz (the process and its event loop are alive), /readyz (informers synced and not stale,
// and this replica either leads or is a ready standby) and /metrics on one small HTTP server.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { Registry } from "prom-client";

export interface ReadinessSource {
  name: string;
  hasSynced: boolean;
  staleSeconds(): number;
}

export interface HealthOptions {
  port: number;
  host?: string;
  registry: Registry;
  informers: () => readonly ReadinessSource[];
  /** An informer that heard nothing for this long is stale (watches reconnect at least every few minutes; resyncs touch nothing). */
  staleAfterSeconds: number;
  extraChecks?: () => string[];
}

export function readiness(
  o: Pick<HealthOptions, "informers" | "staleAfterSeconds" | "extraChecks">,
): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  for (const i of o.informers()) {
    if (!i.hasSynced) problems.push(`informer ${i.name} not synced`);
    else if (i.staleSeconds() > o.staleAfterSeconds)
      problems.push(`informer ${i.name} stale for ${Math.round(i.staleSeconds())}s`);
  }
  problems.push(...(o.extraChecks?.() ?? []));
  return { ok: problems.length === 0, problems };
}

export function startHealthServer(o: HealthOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/healthz")) {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    } else if (url.startsWith("/readyz")) {
      const r = readiness(o);
      res
        .writeHead(r.ok ? 200 : 503, { "content-type": "text/plain" })
        .end(r.ok ? "ok" : r.problems.join("\n"));
    } else if (url.startsWith("/metrics")) {
      o.registry
        .metrics()
        .then((text) => res.writeHead(200, { "content-type": o.registry.contentType }).end(text))
        .catch((e: unknown) => res.writeHead(500).end(String(e)));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host ?? "0.0.0.0", () => resolve(server));
  });
}
