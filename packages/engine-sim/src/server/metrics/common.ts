import type { Engine, RequestResult } from "../../engine/engine.ts";
import type { StepPlan } from "../../engine/scheduler.ts";
import type { LoraRegistry } from "../lora.ts";

export interface MetricsContext {
  engine: Engine;
  modelName: string;
  loras: LoraRegistry;
  /** Simulated seconds → seconds an observer sees (the server's --time-scale; 1 in virtual time). */
  scale: number;
}

/** Subscribes to finished requests and steps; returns an unsubscribe function. */
export function subscribe(
  ctx: MetricsContext,
  onFinished: (r: RequestResult) => void,
  onStep?: (p: StepPlan) => void,
): () => void {
  const a = ctx.engine.onRequestFinished(onFinished);
  const b = onStep ? ctx.engine.onStep(onStep) : () => false;
  return () => {
    a();
    b();
  };
}
