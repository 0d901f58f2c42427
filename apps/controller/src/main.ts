#!/usr/bin/env node
// tessera-controller: reconciles ModelServing and ModelBooster on one cluster.
//   tessera-controller --kubeconfig FILE     (or in-cluster config)
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { loadConfig } from "./env.ts";
import { Manager } from "./manager.ts";
import { startHealthServer } from "./runtime/health.ts";
import { LeaderElector, kubeLeaseStore } from "./runtime/leader-election.ts";
import { ControllerMetrics } from "./runtime/metrics.ts";

const config = loadConfig();
const log = pino({
  level: config.logLevel,
  base: { component: "tessera-controller", identity: config.identity },
});

const kc = new KubeConfig();
if (config.kubeconfig) kc.loadFromFile(config.kubeconfig);
else kc.loadFromCluster();

const metrics = new ControllerMetrics({ defaultMetrics: true });
const manager = new Manager({
  kc,
  log,
  metrics,
  identity: config.identity,
  ...(config.namespace ? { namespace: config.namespace } : {}),
  workers: config.workers,
  resyncSeconds: config.resyncSeconds,
  modelBooster: config.modelBooster,
});

let elector: LeaderElector | undefined;
let leading = !config.leaderElect;
const server = await startHealthServer({
  port: config.healthPort,
  host: config.healthHost,
  registry: metrics.registry,
  informers: () => manager.informers,
  staleAfterSeconds: config.staleAfterSeconds,
});
log.info({ port: config.healthPort }, "health endpoints listening");

let shuttingDown = false;
async function shutdown(signal: string, code = 0): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log.info({ signal }, "shutting down");
  const force = setTimeout(() => process.exit(code || 1), 20_000);
  force.unref();
  try {
    await manager.stop();
    await elector?.stop();
    metrics.leader.set(0);
    await new Promise<void>((r) => server.close(() => r()));
  } catch (e) {
    log.error({ err: e instanceof Error ? e.message : String(e) }, "error during shutdown");
  }
  log.info({ code }, "stopped");
  // Watch connections and keep-alive sockets may still hold the event loop; everything that
  // mattered (in-flight reconciles, the Lease) is done, so exit now.
  process.exit(code);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));

await manager.startInformers();
log.info({ informers: manager.informers.map((i) => i.name) }, "informers synced");

if (config.leaderElect) {
  elector = new LeaderElector({
    store: kubeLeaseStore(manager.client),
    namespace: config.leaseNamespace,
    name: config.leaseName,
    identity: config.identity,
    log,
    onStartedLeading: () => {
      leading = true;
      metrics.leader.set(1);
      manager.runWorkers();
    },
    // Losing the Lease means another replica may already be writing: stop at once and let the
    // process be restarted as a standby.
    onStoppedLeading: () => void shutdown("lost leadership", 1),
  });
  elector.start();
} else {
  metrics.leader.set(1);
  manager.runWorkers();
}
log.info({ leaderElect: config.leaderElect, leading }, "controller started");
