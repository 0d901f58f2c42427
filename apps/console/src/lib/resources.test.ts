import { describe, expect, it } from "vitest";
import { mergeFanOut, queryKey } from "./resources";

describe("fan-out per cluster", () => {
  it("puts the cluster in every query key", () => {
    expect(queryKey("clusters.inventory", { cluster: "east" }, { clusterId: "1" })).toEqual([
      "tessera",
      "clusters.inventory",
      { cluster: "east" },
      { clusterId: "1" },
    ]);
    expect(queryKey("x", { cluster: "east" })).not.toEqual(queryKey("x", { cluster: "west" }));
  });

  it("stamps items and errors with their cluster and keeps partial results", () => {
    const clusters = [
      { id: "1", name: "east" },
      { id: "2", name: "west" },
      { id: "3", name: "north" },
    ];
    const merged = mergeFanOut<{ n: number }>(clusters, [
      { data: [{ n: 1 }, { n: 2 }], error: null, isPending: false, dataUpdatedAt: 100 },
      {
        data: undefined,
        error: new Error("connection refused"),
        isPending: false,
        dataUpdatedAt: 0,
      },
      { data: undefined, error: null, isPending: true, dataUpdatedAt: 0 },
    ]);
    expect(merged.items).toEqual([
      { n: 1, cluster: "east" },
      { n: 2, cluster: "east" },
    ]);
    expect(merged.errors).toEqual([
      expect.objectContaining({ cluster: "west", message: "connection refused" }),
    ]);
    expect(merged.isLoading).toBe(false);
    expect(merged.settled).toBe(false);
    expect(merged.updatedAt).toBe(100);
  });
});
