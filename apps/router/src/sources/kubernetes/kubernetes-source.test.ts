import type { KubernetesObject } from "@kubernetes/client-node";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { AnyInformer } from "./kubernetes-source.ts";
import { ResilientInformer } from "./kubernetes-source.ts";

type Cb = (arg?: unknown) => void;

/** A scripted stand-in for client-node's ListWatch: start() fails while `failStarts` > 0. */
class FakeInformer {
  readonly cbs = new Map<string, Cb[]>();
  items: KubernetesObject[] = [];
  stopped = false;
  readonly script: { failStarts: number; started: number };
  constructor(script: { failStarts: number; started: number }, items: KubernetesObject[]) {
    this.script = script;
    this.items = items;
  }
  on(verb: string, cb: Cb): void {
    this.cbs.set(verb, [...(this.cbs.get(verb) ?? []), cb]);
  }
  off(): void {}
  emit(verb: string, arg?: unknown): void {
    for (const cb of this.cbs.get(verb) ?? []) cb(arg);
  }
  start(): Promise<void> {
    this.script.started++;
    if (this.script.failStarts > 0) {
      this.script.failStarts--;
      return Promise.reject(new Error("connection refused"));
    }
    this.emit("connect");
    return Promise.resolve();
  }
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
  list(): readonly KubernetesObject[] {
    return this.items;
  }
  get(): undefined {
    return undefined;
  }
}

const obj = (name: string): KubernetesObject => ({ metadata: { name } });

function make(failStarts: number) {
  const script = { failStarts, started: 0 };
  const made: FakeInformer[] = [];
  let changes = 0;
  const ri = new ResilientInformer(
    "Pod",
    () => {
      const f = new FakeInformer(script, [obj(`gen-${made.length}`)]);
      made.push(f);
      return f as unknown as AnyInformer;
    },
    () => changes++,
    pino({ level: "silent" }),
    10,
    40,
  );
  return { ri, script, made, changes: () => changes };
}

describe("ResilientInformer", () => {
  it("restarts with backoff until the list/watch succeeds, then reports healthy", async () => {
    const { ri, script, changes } = make(3);
    await ri.start();
    expect(ri.synced).toBe(false);
    expect(ri.failingSince).toBeGreaterThan(0);
    expect(ri.lastError).toBe("connection refused");
    const t0 = Date.now();
    while (!ri.synced) {
      if (Date.now() - t0 > 2_000) throw new Error("never recovered");
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(script.started).toBe(4);
    expect(ri.failingSince).toBe(0);
    expect(changes()).toBeGreaterThan(0);
    await ri.stop();
  });

  it("restarts after a watch error reported by the informer", async () => {
    const { ri, made } = make(0);
    await ri.start();
    expect(ri.synced).toBe(true);
    made[0]?.emit("error", new Error("watch closed"));
    expect(ri.failingSince).toBeGreaterThan(0);
    expect(made[0]?.stopped).toBe(true);
    const t0 = Date.now();
    while (made.length < 2 || ri.failingSince !== 0) {
      if (Date.now() - t0 > 2_000) throw new Error("no restart");
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(ri.list().map((o) => o.metadata?.name)).toEqual(["gen-1"]);
    await ri.stop();
  });

  it("resync swaps in a freshly listed informer only after it has started", async () => {
    const { ri, made } = make(0);
    await ri.start();
    expect(ri.list().map((o) => o.metadata?.name)).toEqual(["gen-0"]);
    await ri.resync();
    expect(ri.list().map((o) => o.metadata?.name)).toEqual(["gen-1"]);
    expect(made[0]?.stopped).toBe(true);
    await ri.stop();
    expect(made[1]?.stopped).toBe(true);
  });
});
