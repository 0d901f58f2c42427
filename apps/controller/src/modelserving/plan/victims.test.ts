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
  /** One rollout step with `replicas` = members, no terminating groups, partition 0, maxUnavailable 1, no surge. */
  const step = (
    members: ReturnType<typeof m>[],
    over: Partial<Parameters<typeof rolloutStep>[0]> = {},
  ) =>
    rolloutStep({
      members,
      terminatingCount: 0,
      replicas: members.length,
      partition: 0,
      maxUnavailable: 1,
      maxSurge: 0,
      ...over,
    });
  it("deletes one ready outdated group at a time with maxUnavailable 1, highest ordinal first", () => {
    expect(step([m(0, true, true), m(1, true, true), m(2, true, true)])).toEqual({
      delete: [2],
      surge: 0,
    });
  });
  it("waits while a new group is not ready yet", () => {
    expect(step([m(0, true, true), m(1, false, false)]).delete).toEqual([]);
  });
  it("replaces not-ready outdated groups regardless of the budget (kthena#743)", () => {
    expect(step([m(0, false, true), m(1, false, true)]).delete).toEqual([1, 0]);
  });
  it("never touches ordinals below the partition", () => {
    expect(step([m(0, true, true), m(1, true, false)], { partition: 1 })).toEqual({
      delete: [],
      surge: 0,
    });
  });
  it("maxUnavailable 2 deletes two at once", () => {
    expect(
      step([m(0, true, true), m(1, true, true), m(2, true, true)], { maxUnavailable: 2 }).delete,
    ).toEqual([2, 1]);
  });
  it("maxSurge creates new groups first, counting terminating groups against the cap", () => {
    expect(step([m(0, true, true), m(1, true, true)], { maxSurge: 1 })).toEqual({
      delete: [1],
      surge: 1,
    });
    expect(
      step([m(0, true, true), m(1, true, true)], { terminatingCount: 1, maxSurge: 1 }).surge,
    ).toBe(0);
  });
});
