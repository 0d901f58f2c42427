// The names other packages code against.
import { describe, expect, it } from "vitest";
import * as shared from "./index.ts";

describe("@tessera/shared public surface", () => {
  it("exports the schemas for every kind", () => {
    for (const name of [
      "ModelServingSchema",
      "ModelBoosterSchema",
      "AutoscalingPolicySchema",
      "ModelRouteSchema",
      "ModelServerSchema",
      "PodGroupSchema",
      "HyperNodeSchema",
    ]) {
      expect(shared).toHaveProperty(name);
    }
  });

  it("exports API groups and Kthena's label keys", () => {
    expect(shared.WORKLOAD_API_VERSION).toBe("workload.serving.volcano.sh/v1alpha1");
    expect(shared.NETWORKING_API_VERSION).toBe("networking.serving.volcano.sh/v1alpha1");
    expect(shared.VOLCANO_SCHEDULING_API_VERSION).toBe("scheduling.volcano.sh/v1beta1");
    expect(shared.VOLCANO_TOPOLOGY_API_VERSION).toBe("topology.volcano.sh/v1alpha1");
    expect(Object.values(shared.MODEL_SERVING_LABELS)).toEqual([
      "modelserving.volcano.sh/name",
      "modelserving.volcano.sh/group-name",
      "modelserving.volcano.sh/role",
      "modelserving.volcano.sh/role-id",
      "modelserving.volcano.sh/revision",
      "modelserving.volcano.sh/role-template-hash",
      "modelserving.volcano.sh/entry",
    ]);
  });

  it("types parsed objects with defaults applied", () => {
    const parsed: shared.ModelServer = shared.ModelServerSchema.parse({
      apiVersion: "networking.serving.volcano.sh/v1alpha1",
      kind: "ModelServer",
      metadata: { name: "s" },
      spec: {
        inferenceEngine: "SGLang",
        workloadSelector: {},
        workloadPort: { port: 30000 },
        kvConnector: {},
      },
    });
    expect(parsed.spec.workloadPort?.protocol).toBe("http");
    expect(parsed.spec.kvConnector?.type).toBe("http");
  });

  it("validateManifest distinguishes valid, invalid and skipped documents", () => {
    expect(
      shared.validateManifest({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "d" },
      }),
    ).toEqual({
      skipped: true,
      kind: "Deployment",
      apiVersion: "apps/v1",
    });
    expect(shared.validateManifest("just a string")).toEqual({
      ok: false,
      issues: [{ path: "", message: "a manifest must be a mapping" }],
    });
    // Kinds of Kthena's groups that Tessera does not implement yet are skipped, not rejected.
    expect(
      shared.validateManifest({
        apiVersion: "networking.serving.volcano.sh/v1alpha1",
        kind: "ExternalModelProvider",
        metadata: { name: "e" },
      }),
    ).toMatchObject({ skipped: true });
  });
});
