// One prom-client registry per engine instance, in the dialect of the engine imitated. Usable without
// the HTTP server, e.g. to render a virtual-time engine's /metrics text for a router's scraper.

import type { Registry } from "prom-client";
import type { Engine } from "../../engine/engine.ts";
import type { EngineKind } from "../dialect.ts";
import { LoraRegistry } from "../lora.ts";
import type { MetricsContext } from "./common.ts";
import { sglangMetrics } from "./sglang.ts";
import { tgiMetrics } from "./tgi.ts";
import { vllmMetrics } from "./vllm.ts";

export function metricsFor(
  kind: EngineKind,
  ctx: MetricsContext,
): { registry: Registry; close: () => void } {
  return kind === "vllm"
    ? vllmMetrics(ctx)
    : kind === "sglang"
      ? sglangMetrics(ctx)
      : tgiMetrics(ctx);
}

/**
 * A registry exporting `engine`'s state as `kind` would. `scale` converts simulated seconds into the
 * reported seconds (1 in virtual time). `close()` detaches it from the engine.
 */
export function createEngineMetrics(
  kind: EngineKind,
  engine: Engine,
  opts: { modelName?: string; scale?: number; loras?: LoraRegistry } = {},
): { registry: Registry; close: () => void } {
  return metricsFor(kind, {
    engine,
    modelName: opts.modelName ?? "tessera/sim-model",
    loras: opts.loras ?? new LoraRegistry(engine.params.maxLoras),
    scale: opts.scale ?? 1,
  });
}
