import { describe, expect, it } from "vitest";
import { KubeError } from "../k8s/client.ts";
import { LeaderElector } from "./leader-election.ts";
import type { LeaseObject, LeaseStore } from "./leader-election.ts";

/** An in-memory Lease with resourceVersion checks, like the apiserver's optimistic concurrency. */
function memoryStore(): LeaseStore & { lease?: LeaseObject } {
  const s: LeaseStore & { lease?: LeaseObject } = {
    get: () => Promise.resolve(s.lease ? structuredClone(s.lease) : undefined),
    create: (l) => {
      if (s.lease) return Promise.reject(new KubeError(409, "exists"));
      s.lease = { ...l, metadata: { ...l.metadata, resourceVersion: "1" } };
      return Promise.resolve(s.lease);
    },
    replace: (l) => {
      if (l.metadata?.resourceVersion !== s.lease?.metadata?.resourceVersion)
        return Promise.reject(new KubeError(409, "conflict"));
      s.lease = {
        ...l,
        metadata: {
          ...l.metadata,
          resourceVersion: String(Number(l.metadata?.resourceVersion ?? "0") + 1),
        },
      };
      return Promise.resolve(s.lease);
    },
  };
  return s;
}

function elector(store: LeaseStore, identity: string, clock: { t: number }) {
  return new LeaderElector({
    store,
    namespace: "ns",
    name: "lease",
    identity,
    leaseDurationSeconds: 15,
    now: () => clock.t,
    onStartedLeading: () => {},
    onStoppedLeading: () => {},
  });
}

describe("LeaderElector", () => {
  it("first candidate acquires; a second cannot while the Lease is fresh", async () => {
    const store = memoryStore();
    const clock = { t: Date.parse("2026-01-01T00:00:00Z") };
    expect(await elector(store, "a", clock).tryAcquireOrRenew()).toBe(true);
    clock.t += 10_000;
    expect(await elector(store, "b", clock).tryAcquireOrRenew()).toBe(false);
    expect(store.lease?.spec?.holderIdentity).toBe("a");
  });

  it("the holder renews; another takes over only after expiry and the transition is counted", async () => {
    const store = memoryStore();
    const clock = { t: Date.parse("2026-01-01T00:00:00Z") };
    const a = elector(store, "a", clock);
    const b = elector(store, "b", clock);
    await a.tryAcquireOrRenew();
    clock.t += 10_000;
    expect(await a.tryAcquireOrRenew()).toBe(true);
    clock.t += 14_000;
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.t += 2_000;
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(store.lease?.spec).toMatchObject({ holderIdentity: "b", leaseTransitions: 1 });
  });

  it("a stale write loses on resourceVersion", async () => {
    const store = memoryStore();
    const clock = { t: 0 };
    await elector(store, "a", clock).tryAcquireOrRenew();
    const stale = await store.get("ns", "lease");
    clock.t = 100_000;
    await elector(store, "b", clock).tryAcquireOrRenew();
    await expect(store.replace({ ...stale, spec: { holderIdentity: "c" } })).rejects.toThrow(
      "conflict",
    );
  });

  it("stop() releases the Lease so a standby acquires at once", async () => {
    const store = memoryStore();
    const clock = { t: 0 };
    let started = 0;
    const a = new LeaderElector({
      store,
      namespace: "ns",
      name: "lease",
      identity: "a",
      now: () => clock.t,
      onStartedLeading: () => started++,
      onStoppedLeading: () => {},
      retryPeriodSeconds: 60,
    });
    a.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(a.isLeader).toBe(true);
    expect(started).toBe(1);
    await a.stop();
    expect(store.lease?.spec?.holderIdentity).toBeNull();
    expect(await elector(store, "b", clock).tryAcquireOrRenew()).toBe(true);
  });
});
