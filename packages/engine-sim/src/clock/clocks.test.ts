import { describe, expect, it } from "vitest";
import { syntheticText, tokenize } from "@tessera/shared/tokens/tokenizer";
import { Engine } from "../engine/engine.ts";
import type { StepPlan } from "../engine/scheduler.ts";
import type { Clock } from "./event-queue.ts";
import { VirtualClock } from "./virtual.ts";
import { WallClock } from "./wall.ts";

function workload(clock: Clock, onDone: () => void) {
  // Jitter on, prefix sharing, chunked prefill, decode interleaving and (few blocks) preemption.
  const engine = new Engine({
    clock,
    preset: "8B-H100",
    params: { numBlocks: 120, maxNumBatchedTokens: 512 },
    seed: 11,
  });
  const steps: string[] = [];
  engine.onStep((p: StepPlan) =>
    steps.push(
      JSON.stringify([
        p.index,
        p.start.toFixed(9),
        p.duration.toFixed(12),
        p.items.map((i) => [i.req.seq, i.numNewTokens]),
        p.preempted.map((r) => r.seq),
      ]),
    ),
  );
  let left = 24;
  for (let i = 0; i < 24; i++)
    clock.setTimer(i * 0.004, () =>
      engine.submit({
        promptTokens: tokenize(syntheticText(64, i % 4) + syntheticText(100 + 17 * i, 100 + i)),
        maxTokens: 40 + (i % 5) * 10,
        onFinish: () => {
          if (--left === 0) onDone();
        },
      }),
    );
  return { engine, steps };
}

describe("virtual time and wall time", () => {
  it("give the same step sequence for the same seed and arrivals", async () => {
    const v = new VirtualClock();
    let vDone = false;
    const virt = workload(v, () => (vDone = true));
    const t0 = performance.now();
    v.run();
    const virtualMs = performance.now() - t0;
    expect(vDone).toBe(true);
    expect(virt.engine.snapshot().preemptions).toBeGreaterThan(0);

    const w = new WallClock(0.02, { autoStart: false }); // 50x faster than real time
    let finish = () => undefined as void;
    const wallDone = new Promise<void>((resolve) => (finish = resolve));
    const wall = workload(w, () => finish());
    w.start();
    await wallDone;
    await new Promise((r) => setTimeout(r, 20)); // let the last (idle) step check run
    w.close();
    expect(wall.steps.length).toBe(virt.steps.length);
    expect(wall.steps).toEqual(virt.steps);
    expect(virtualMs).toBeLessThan(1000);
  });
});
