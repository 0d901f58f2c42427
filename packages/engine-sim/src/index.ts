// Public API of @tessera/engine-sim: the engine model, its presets, both clocks, the discrete-event
// simulation driver and the HTTP server.

export { Engine } from "./engine/engine.ts";
export type {
  EngineOptions,
  EngineSnapshot,
  KvEventBatch,
  RequestResult,
  SubmitOptions,
} from "./engine/engine.ts";
export { PRESETS, resolveParams } from "./engine/presets.ts";
export type { EngineParams, PresetName } from "./engine/presets.ts";
export { stepCostSeconds } from "./engine/cost-model.ts";
export type { StepShape } from "./engine/cost-model.ts";
export type { StepPlan, ScheduledItem } from "./engine/scheduler.ts";
export type { KvEvent } from "./engine/kv-cache.ts";
export type { EngineRequest, FinishReason } from "./engine/request.ts";
export { tokenText } from "./engine/output.ts";
export { VirtualClock } from "./clock/virtual.ts";
export { WallClock } from "./clock/wall.ts";
export type { Clock } from "./clock/event-queue.ts";
export { Simulation, summarize } from "./sim/simulation.ts";
export type { LatencySummary, SimulationOptions } from "./sim/simulation.ts";
export { startSimServer, startSimServers } from "./server/app.ts";
export type { ReplicaOptions, Role, SimServer, SimServerOptions } from "./server/app.ts";
export type { EngineKind } from "./server/dialect.ts";
export type { FaultOptions } from "./server/faults.ts";
export { createEngineMetrics } from "./server/metrics/index.ts";
