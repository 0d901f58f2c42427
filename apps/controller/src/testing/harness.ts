// Runs the controller in-process against a test cluster, so integration tests can stop and start
// it (a controller restart) and read its metrics.
import type { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { Manager } from "../manager.ts";
import type { ManagerOptions } from "../manager.ts";
import { ControllerMetrics } from "../runtime/metrics.ts";

export interface RunningController {
  manager: Manager;
  metrics: ControllerMetrics;
  stop(): Promise<void>;
}

export async function startController(
  kc: KubeConfig,
  opts: {
    workers?: number;
    namespace?: string;
    identity?: string;
    logLevel?: string;
    autoscaling?: ManagerOptions["autoscaling"];
  } = {},
): Promise<RunningController> {
  const metrics = new ControllerMetrics();
  const log = pino({ level: opts.logLevel ?? "silent" });
  const manager = new Manager({
    kc,
    log,
    metrics,
    identity: opts.identity ?? `test-${process.pid}`,
    workers: opts.workers ?? 4,
    resyncSeconds: 30,
    podGroupPollSeconds: 5,
    ...(opts.namespace ? { namespace: opts.namespace } : {}),
    ...(opts.autoscaling !== undefined ? { autoscaling: opts.autoscaling } : {}),
  });
  await manager.startInformers();
  manager.runWorkers();
  return { manager, metrics, stop: () => manager.stop() };
}
