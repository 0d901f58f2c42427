import { describe, expect, it } from "vitest";
import type { ApiError } from "../errors.ts";
import { diffApplied, hashOf, prepareManifests } from "./deployments.ts";
import type { Manifest } from "./deployments.ts";

const ms = (name: string, replicas: number) => ({
  apiVersion: "workload.serving.volcano.sh/v1alpha1",
  kind: "ModelServing",
  metadata: { name },
  spec: {
    replicas,
    template: {
      roles: [
        {
          name: "decode",
          replicas: 1,
          workerReplicas: 0,
          entryTemplate: { spec: { containers: [{ name: "e", image: "i" }] } },
        },
      ],
    },
  },
});

describe("prepareManifests", () => {
  it("fills the namespace, labels the objects and orders servers before routes", () => {
    const route = {
      apiVersion: "networking.serving.volcano.sh/v1alpha1",
      kind: "ModelRoute",
      metadata: { name: "r" },
      spec: { modelName: "m", rules: [{ name: "d", targetModels: [{ modelServerName: "s" }] }] },
    };
    const out = prepareManifests([route, ms("a", 1)], "prod", "dep");
    expect(out.map((m) => m.kind)).toEqual(["ModelServing", "ModelRoute"]);
    expect(out[0]?.metadata).toMatchObject({
      namespace: "prod",
      labels: { "tessera.io/deployment": "dep" },
    });
  });

  it("names the failing field of each manifest", () => {
    const bad = ms("a", -1);
    const err = (() => {
      try {
        prepareManifests(
          [ms("ok", 1), bad, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }],
          "default",
          "d",
        );
      } catch (e) {
        return e as ApiError;
      }
      throw new Error("expected failure");
    })();
    expect(err.code).toBe("API_ERR_VALIDATION");
    expect(err.issues?.map((i) => i.path)).toEqual(["manifests[1].spec.replicas", "manifests[2]"]);
  });
});

describe("diffApplied", () => {
  const applied = prepareManifests([ms("a", 1)], "default", "d")[0] as Manifest;

  it("ignores server-added fields and reports changed ones", () => {
    const live = structuredClone(applied) as unknown as Record<string, unknown> & {
      metadata: Record<string, unknown>;
    };
    (live["spec"] as Record<string, unknown>)["schedulerName"] = "volcano"; // defaulted by the server
    live.metadata["uid"] = "123";
    expect(diffApplied(applied, live as never)).toEqual([]);
    (live["spec"] as Record<string, unknown>)["replicas"] = 4;
    expect(diffApplied(applied, live as never)).toEqual([
      { object: "ModelServing/a", path: "spec.replicas", applied: 1, live: 4 },
    ]);
  });

  it("reports a missing object", () => {
    expect(diffApplied(applied, null)).toEqual([
      { object: "ModelServing/a", path: "(object)", applied: "present", live: "missing" },
    ]);
  });

  it("hashes canonically", () => {
    expect(hashOf({ a: 1, b: [1, 2] })).toBe(hashOf({ b: [1, 2], a: 1 }));
    expect(hashOf({ a: 1 })).not.toBe(hashOf({ a: 2 }));
  });
});
