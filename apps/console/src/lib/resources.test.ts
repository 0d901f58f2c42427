import { describe, expect, it } from "vitest";
import { InventoryResource } from "../features/cluster/inventory";
import { Pods } from "./kube";
import { mergeFanOut } from "./resources";
import { createOptionsProxy, makeTrpcClient } from "./trpc";

// A proxy that only builds options (nothing is sent: no query runs in these tests).
const trpc = createOptionsProxy(makeTrpcClient("http://127.0.0.1:9/trpc"));

describe("fan-out per cluster", () => {
  it("puts the cluster in every query key and names the procedure", () => {
    const east = { id: "00000000-0000-4000-8000-000000000001", name: "east" };
    const west = { id: "00000000-0000-4000-8000-000000000002", name: "west" };
    const inv = InventoryResource.query(trpc, east);
    expect(inv.trpc.path).toBe("clusters.inventory");
    expect(JSON.stringify(inv.queryKey)).toContain(east.id);
    expect(inv.queryKey).not.toEqual(InventoryResource.query(trpc, west).queryKey);
    const pods = Pods.query(trpc, east);
    expect(pods.trpc.path).toBe("resources.list");
    expect(JSON.stringify(pods.queryKey)).toContain(east.id);
    expect(JSON.stringify(pods.queryKey)).toContain('"kind":"Pod"');
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
