// Command-line parsing for tessera-sim (node:util parseArgs).

import { parseArgs } from "node:util";
import type { ReplicaOptions, Role } from "../server/app.ts";
import type { EngineKind } from "../server/dialect.ts";

export const USAGE = `tessera-sim --engine vllm|sglang|tgi --model NAME [--host H] [--port P] [--preset NAME]
  [--role both|prefill|decode] [--time-scale X] [--seed N] [--replicas N] [--addressing ports|loopback]
  [--max-model-len N] [--kv-events] [--bootstrap-port P]
  [--startup-delay-ms MS] [--error-rate R] [--hang-rate R] [--crash-rate R] [--crash-after-tokens N]`;

/** Thrown for --help: print the usage and exit 0. */
export class HelpRequested extends Error {}

function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

export function parseCli(argv: string[]): ReplicaOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: "string", default: "vllm" },
      model: { type: "string", default: "tessera/sim-model" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8000" },
      preset: { type: "string", default: "8B-H100" },
      role: { type: "string", default: "both" },
      "time-scale": { type: "string", default: "1" },
      seed: { type: "string", default: "0" },
      replicas: { type: "string", default: "1" },
      addressing: { type: "string" },
      "max-model-len": { type: "string" },
      "kv-events": { type: "boolean", default: false },
      "bootstrap-port": { type: "string" },
      "startup-delay-ms": { type: "string" },
      "error-rate": { type: "string" },
      "hang-rate": { type: "string" },
      "crash-rate": { type: "string" },
      "crash-after-tokens": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) throw new HelpRequested(USAGE);
  const engine = values.engine as EngineKind;
  if (!["vllm", "sglang", "tgi"].includes(engine))
    throw new Error(`--engine must be vllm, sglang or tgi\n${USAGE}`);
  const role = values.role as Role;
  if (!["both", "prefill", "decode"].includes(role))
    throw new Error(`--role must be both, prefill or decode\n${USAGE}`);
  const addressing = values.addressing ?? "ports";
  if (addressing !== "ports" && addressing !== "loopback")
    throw new Error("--addressing must be ports or loopback");
  const faults = {
    startupDelayMs: num(values["startup-delay-ms"], "startup-delay-ms"),
    errorRate: num(values["error-rate"], "error-rate"),
    hangRate: num(values["hang-rate"], "hang-rate"),
    crashRate: num(values["crash-rate"], "crash-rate"),
    crashAfterTokens: num(values["crash-after-tokens"], "crash-after-tokens"),
  };
  return {
    engine,
    model: values.model,
    host: values.host,
    port: num(values.port, "port") ?? 8000,
    preset: values.preset,
    role,
    timeScale: num(values["time-scale"], "time-scale") ?? 1,
    seed: num(values.seed, "seed") ?? 0,
    replicas: num(values.replicas, "replicas") ?? 1,
    addressing,
    maxModelLen: num(values["max-model-len"], "max-model-len"),
    kvEvents: values["kv-events"],
    bootstrapPort: num(values["bootstrap-port"], "bootstrap-port"),
    faults: Object.fromEntries(Object.entries(faults).filter(([, v]) => v !== undefined)),
  };
}
