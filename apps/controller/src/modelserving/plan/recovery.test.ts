import { describe, expect, it } from "vitest";
import type { PodView, RoleReplicaView } from "../observed.ts";
import { podRecovery, replicaRecovery } from "./recovery.ts";

function pod(index: number, over: Partial<PodView> = {}): PodView {
  return {
    obj: {},
    name: `p-${index}`,
    uid: `u${index}`,
    group: 0,
    role: "r",
    roleOrdinal: 0,
    index,
    revision: "a",
    roleHash: "h",
    ready: true,
    terminating: false,
    deletionCost: 0,
    failingSince: undefined,
    bound: true,
    podGroup: undefined,
    ...over,
  };
}
function replica(...pods: PodView[]): RoleReplicaView {
  return {
    role: "r",
    ordinal: 0,
    id: "r-0",
    pods: new Map(pods.map((p) => [p.index, p])),
    services: [],
  };
}

describe("podRecovery", () => {
  const t0 = 1_000_000;
  it.each([
    { name: "healthy pod", p: pod(0), grace: 0, now: t0, want: { action: "none" } },
    {
      name: "failing, grace 0 → delete now",
      p: pod(0, { failingSince: t0 }),
      grace: 0,
      now: t0,
      want: { action: "delete" },
    },
    {
      name: "failing within grace → wait the remainder",
      p: pod(0, { failingSince: t0 }),
      grace: 60,
      now: t0 + 15_000,
      want: { action: "wait", afterMs: 45_000 },
    },
    {
      name: "failing past grace → delete",
      p: pod(0, { failingSince: t0 }),
      grace: 60,
      now: t0 + 60_000,
      want: { action: "delete" },
    },
    {
      name: "already terminating → nothing",
      p: pod(0, { failingSince: t0, terminating: true }),
      grace: 0,
      now: t0,
      want: { action: "none" },
    },
  ])("$name", ({ p, grace, now, want }) => {
    expect(podRecovery(p, grace, now)).toEqual(want);
  });
});

describe("replicaRecovery", () => {
  it.each([
    {
      name: "complete",
      r: replica(pod(0), pod(1)),
      policy: "RoleRecreate" as const,
      want: { action: "ok" },
    },
    {
      name: "entirely missing is scale-up's job",
      r: replica(),
      policy: "RoleRecreate" as const,
      want: { action: "ok" },
    },
    {
      name: "all terminating → wait",
      r: replica(pod(0, { terminating: true }), pod(1, { terminating: true })),
      policy: "RoleRecreate" as const,
      want: { action: "wait" },
    },
    {
      name: "entry lost, RoleRecreate → recreate role",
      r: replica(pod(1)),
      policy: "RoleRecreate" as const,
      want: { action: "recreateRole" },
    },
    {
      name: "entry terminating, RoleRecreate → recreate role",
      r: replica(pod(0, { terminating: true }), pod(1)),
      policy: "RoleRecreate" as const,
      want: { action: "recreateRole" },
    },
    {
      name: "entry lost, ServingGroupRecreate → recreate group",
      r: replica(pod(1)),
      policy: "ServingGroupRecreate" as const,
      want: { action: "recreateGroup" },
    },
    {
      name: "entry lost, None → recreate only the pod",
      r: replica(pod(1)),
      policy: "None" as const,
      want: { action: "createPods", indexes: [0] },
    },
    {
      name: "entry terminating, None → wait for it",
      r: replica(pod(0, { terminating: true }), pod(1)),
      policy: "None" as const,
      want: { action: "wait" },
    },
  ])("$name", ({ r, policy, want }) => {
    expect(replicaRecovery(r, 1, policy)).toEqual(want);
  });
});
