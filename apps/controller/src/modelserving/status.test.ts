import { describe, expect, it } from "vitest";
import { sample2P4D } from "../testing/sim.ts";
import { computeStatus, currentRevisionOf } from "./status.ts";
import type { GroupSummary } from "./status.ts";

const g = (
  ordinal: number,
  revision: string,
  ready: boolean,
  updated = revision === "new",
): GroupSummary => ({ ordinal, revision, ready, updated });
const now = "2026-01-01T00:00:00Z";

describe("computeStatus", () => {
  it.each([
    {
      name: "all ready and updated → Available",
      replicas: 2,
      groups: [g(0, "new", true), g(1, "new", true)],
      partition: 0,
      want: { Available: "True", Progressing: "False", UpdateInProgress: "False" },
    },
    {
      name: "a group not ready → Progressing",
      replicas: 2,
      groups: [g(0, "new", true), g(1, "new", false)],
      partition: 0,
      want: { Available: "False", Progressing: "True", UpdateInProgress: "False" },
    },
    {
      name: "missing group → Progressing",
      replicas: 3,
      groups: [g(0, "new", true), g(1, "new", true)],
      partition: 0,
      want: { Available: "False", Progressing: "True", UpdateInProgress: "False" },
    },
    {
      name: "outdated groups beyond the partition → UpdateInProgress",
      replicas: 2,
      groups: [g(0, "old", true), g(1, "old", true)],
      partition: 1,
      want: { Available: "False", Progressing: "False", UpdateInProgress: "True" },
    },
    {
      name: "outdated only below the partition → Available",
      replicas: 2,
      groups: [g(0, "old", true), g(1, "new", true)],
      partition: 1,
      want: { Available: "True", Progressing: "False", UpdateInProgress: "False" },
    },
  ])("$name", ({ replicas, groups, partition, want }) => {
    const ms = sample2P4D({ replicas });
    const s = computeStatus({ ms, groups, updateRevision: "new", partition, now });
    expect(Object.fromEntries((s.conditions ?? []).map((c) => [c.type, c.status]))).toEqual(want);
    expect(s.replicas).toBe(groups.length);
    expect(s.availableReplicas).toBe(groups.filter((x) => x.ready).length);
    expect(s.updatedReplicas).toBe(groups.filter((x) => x.updated).length);
  });

  it("messages list the group ordinals and keep lastTransitionTime while the status holds", () => {
    const ms = sample2P4D({ replicas: 3 });
    const s1 = computeStatus({
      ms,
      groups: [g(0, "new", true), g(2, "new", false), g(1, "new", false)],
      updateRevision: "new",
      partition: 0,
      now,
    });
    expect(s1.conditions?.find((c) => c.type === "Progressing")?.message).toBe(
      "ServingGroups not ready: [1, 2]",
    );
    ms.status = s1;
    const s2 = computeStatus({
      ms,
      groups: [g(0, "new", true), g(1, "new", true), g(2, "new", false)],
      updateRevision: "new",
      partition: 0,
      now: "2026-01-01T00:05:00Z",
    });
    expect(s2.conditions?.find((c) => c.type === "Progressing")?.lastTransitionTime).toBe(now);
  });

  it("currentRevision keeps the previous one while used, else the most common outdated, else the update revision", () => {
    expect(currentRevisionOf("a", [g(0, "a", true), g(1, "b", true), g(2, "b", true)], "new")).toBe(
      "a",
    );
    expect(currentRevisionOf("x", [g(0, "a", true), g(1, "b", true), g(2, "b", true)], "new")).toBe(
      "b",
    );
    expect(currentRevisionOf("a", [g(0, "new", true)], "new")).toBe("new");
    expect(currentRevisionOf("a", [], "new", ["a"])).toBe("a");
  });
});
