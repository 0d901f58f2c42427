import { describe, expect, it } from "vitest";
import { ordinalsToCreate, pickScaleDownVictims, rolloutStep } from "./victims.ts";

describe("scale-down victim order", () => {
  it.each([
    {
      name: "not-ready before ready",
      c: [
        { ordinal: 0, ready: false, deletionCost: 0 },
        { ordinal: 1, ready: true, deletionCost: 0 },
      ],
      want: [0],
    },
    {
      name: "lower deletion cost first",
      c: [
        { ordinal: 0, ready: true, deletionCost: -5 },
        { ordinal: 1, ready: true, deletionCost: 10 },
      ],
      want: [0],
    },
    {
      name: "then higher ordinal",
      c: [
        { ordinal: 0, ready: true, deletionCost: 0 },
        { ordinal: 2, ready: true, deletionCost: 0 },
        { ordinal: 1, ready: true, deletionCost: 0 },
      ],
      want: [2],
    },
    {
      name: "outdated before updated at equal readiness",
      c: [
        { ordinal: 0, ready: true, deletionCost: 0, outdated: true },
        { ordinal: 1, ready: true, deletionCost: 0 },
      ],
      want: [0],
    },
    {
      name: "readiness outranks outdatedness",
      c: [
        { ordinal: 0, ready: true, deletionCost: 0, outdated: true },
        { ordinal: 1, ready: false, deletionCost: 0 },
      ],
      want: [1],
    },
    {
      name: "partition-protected last",
      c: [
        { ordinal: 0, ready: false, deletionCost: 0, protected: true },
        { ordinal: 1, ready: true, deletionCost: 0 },
      ],
      want: [1],
    },
  ])("$name", ({ c, want }) => {
    expect(pickScaleDownVictims(c, 1).map((v) => v.ordinal)).toEqual(want);
  });
  it("count 0 picks nothing", () => {
    expect(pickScaleDownVictims([{ ordinal: 0, ready: false, deletionCost: 0 }], 0)).toEqual([]);
  });
});

describe("ordinalsToCreate", () => {
  it.each([
    { replicas: 3, live: [], term: [], want: [0, 1, 2] },
    { replicas: 3, live: [1], term: [], want: [0, 2] },
    { replicas: 3, live: [0, 2], term: [1], want: [] }, // ordinal 1 stays reserved while terminating
    { replicas: 2, live: [5], term: [], want: [0] },
    { replicas: 2, live: [0, 1], term: [], want: [] },
    { replicas: 3, live: [3, 4], term: [], want: [0] },
    { replicas: 1, live: [], term: [0], want: [] },
  ])(
    "replicas $replicas live $live terminating $term → $want",
    ({ replicas, live, term, want }) => {
      expect(ordinalsToCreate(replicas, live, term)).toEqual(want);
    },
  );
});

describe("rolloutStep", () => {
  const m = (ordinal: number, ready: boolean, outdated: boolean) => ({ ordinal, ready, outdated });
  it("deletes one ready outdated group at a time with maxUnavailable 1, highest ordinal first", () => {
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, true, true), m(2, true, true)],
        terminatingCount: 0,
        replicas: 3,
        partition: 0,
        maxUnavailable: 1,
        maxSurge: 0,
      }),
    ).toEqual({ delete: [2], surge: 0 });
  });
  it("waits while a new group is not ready yet", () => {
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, false, false)],
        terminatingCount: 0,
        replicas: 2,
        partition: 0,
        maxUnavailable: 1,
        maxSurge: 0,
      }).delete,
    ).toEqual([]);
  });
  it("replaces not-ready outdated groups regardless of the budget (kthena#743)", () => {
    expect(
      rolloutStep({
        members: [m(0, false, true), m(1, false, true)],
        terminatingCount: 0,
        replicas: 2,
        partition: 0,
        maxUnavailable: 1,
        maxSurge: 0,
      }).delete,
    ).toEqual([1, 0]);
  });
  it("never touches ordinals below the partition", () => {
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, true, false)],
        terminatingCount: 0,
        replicas: 2,
        partition: 1,
        maxUnavailable: 1,
        maxSurge: 0,
      }),
    ).toEqual({ delete: [], surge: 0 });
  });
  it("maxUnavailable 2 deletes two at once", () => {
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, true, true), m(2, true, true)],
        terminatingCount: 0,
        replicas: 3,
        partition: 0,
        maxUnavailable: 2,
        maxSurge: 0,
      }).delete,
    ).toEqual([2, 1]);
  });
  it("maxSurge creates new groups first, counting terminating groups against the cap", () => {
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, true, true)],
        terminatingCount: 0,
        replicas: 2,
        partition: 0,
        maxUnavailable: 1,
        maxSurge: 1,
      }),
    ).toEqual({ delete: [1], surge: 1 });
    expect(
      rolloutStep({
        members: [m(0, true, true), m(1, true, true)],
        terminatingCount: 1,
        replicas: 2,
        partition: 0,
        maxUnavailable: 1,
        maxSurge: 1,
      }).surge,
    ).toBe(0);
  });
});
