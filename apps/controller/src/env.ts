// Flags and environment, validated once. Flags win over environment variables.
//   tessera-controller [--kubeconfig FILE] [--namespace NS] [--workers N] [--health-port P]
//                      [--leader-elect=false] [--lease-namespace NS] [--resync-seconds S] [--log-level L]
import { parseArgs } from "node:util";
import { hostname } from "node:os";
import { z } from "zod";

const bool = z.union([
  z.boolean(),
  z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1"),
]);

export const ControllerConfigSchema = z.object({
  kubeconfig: z
    .string()
    .optional()
    .describe("kubeconfig file; in-cluster config when unset (and no KUBECONFIG)"),
  namespace: z.string().optional().describe("watch only this namespace"),
  workers: z.coerce.number().int().min(1).max(64).default(4),
  healthPort: z.coerce.number().int().min(0).max(65535).default(8081),
  healthHost: z.string().default("0.0.0.0"),
  leaderElect: bool.default(true),
  leaseNamespace: z.string().default("default"),
  leaseName: z.string().default("tessera-controller"),
  identity: z.string().min(1),
  resyncSeconds: z.coerce.number().int().min(0).default(300),
  staleAfterSeconds: z.coerce.number().int().min(1).default(180),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).default("info"),
  modelBooster: bool.default(true),
  downloaderImage: z.string().optional(),
});
export type ControllerConfig = z.output<typeof ControllerConfigSchema>;

export function loadConfig(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): ControllerConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      workers: { type: "string" },
      "health-port": { type: "string" },
      "health-host": { type: "string" },
      "leader-elect": { type: "string" },
      "lease-namespace": { type: "string" },
      "lease-name": { type: "string" },
      identity: { type: "string" },
      "resync-seconds": { type: "string" },
      "stale-after-seconds": { type: "string" },
      "log-level": { type: "string" },
      "model-booster": { type: "string" },
      "downloader-image": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const pick = (flag: string | undefined, ...vars: (string | undefined)[]) =>
    flag ?? vars.find((v) => v !== undefined && v !== "");
  return ControllerConfigSchema.parse({
    kubeconfig: pick(values.kubeconfig, env["KUBECONFIG"]),
    namespace: pick(values.namespace, env["TESSERA_CONTROLLER_NAMESPACE"]),
    workers: pick(values.workers, env["TESSERA_CONTROLLER_WORKERS"]),
    healthPort: pick(values["health-port"], env["TESSERA_CONTROLLER_HEALTH_PORT"]),
    healthHost: pick(values["health-host"], env["TESSERA_CONTROLLER_HEALTH_HOST"]),
    leaderElect: pick(values["leader-elect"], env["TESSERA_CONTROLLER_LEADER_ELECT"]),
    leaseNamespace: pick(values["lease-namespace"], env["POD_NAMESPACE"]),
    leaseName: pick(values["lease-name"]),
    identity: pick(values.identity, env["POD_NAME"]) ?? `${hostname()}-${process.pid}`,
    resyncSeconds: pick(values["resync-seconds"], env["TESSERA_CONTROLLER_RESYNC_SECONDS"]),
    staleAfterSeconds: pick(values["stale-after-seconds"]),
    logLevel: pick(values["log-level"], env["LOG_LEVEL"]),
    modelBooster: pick(values["model-booster"]),
    downloaderImage: pick(values["downloader-image"], env["TESSERA_DOWNLOADER_IMAGE"]),
  });
}
