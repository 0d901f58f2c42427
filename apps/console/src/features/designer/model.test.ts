import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { previewModelServing } from "@tessera/shared/placement/model-serving";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";
import { sampleFabric } from "../topology/layout";
import { defaultDesign, gpusPerGroup, type Design } from "./model";
import { previewDesign } from "./preview";

describe("designer model", () => {
  it("generates a valid ModelServing, ModelServer (PD-grouped) and ModelRoute", () => {
    const d = defaultDesign();
    const { manifests, messages } = previewDesign(d);
    expect(manifests.map((m) => m.kind)).toEqual(["ModelServing", "ModelServer", "ModelRoute"]);
    for (const m of manifests) expect(validateManifest(m)).toMatchObject({ ok: true });
    expect(messages).toEqual([]);
    const server = manifests[1]?.spec as {
      workloadSelector: { pdGroup?: { prefillLabels: Record<string, string> } };
    };
    expect(server.workloadSelector.pdGroup?.prefillLabels).toEqual({
      "tessera.io/pd-role": "prefill",
    });
  });

  it("writes plain YAML (no anchors) that round-trips to the same objects", () => {
    const { manifests, yaml } = previewDesign({
      ...defaultDesign(),
      podLabels: { "tessera.io/engine": "sim" },
    });
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(parseAllDocuments(yaml).map((d) => d.toJS() as unknown)).toEqual(manifests);
    expect((parse(yaml.split("---\n")[0] ?? "") as { kind: string }).kind).toBe("ModelServing");
  });

  it("maps gang and topology choices to Kthena fields", () => {
    const d: Design = {
      ...defaultDesign(),
      gang: "relaxed",
      groupTier: 2,
      roleTier: 1,
      topologyMode: "soft",
    };
    d.roles = d.roles.map((r) => ({ ...r, minReplicas: 1 }));
    const spec = previewDesign(d).manifests[0]?.spec as {
      template: { gangPolicy?: unknown; networkTopology?: unknown };
    };
    expect(spec.template.gangPolicy).toEqual({ minRoleReplicas: { prefill: 1, decode: 1 } });
    expect(spec.template.networkTopology).toEqual({
      groupPolicy: { mode: "soft", highestTierAllowed: 2 },
      rolePolicy: { mode: "soft", highestTierAllowed: 1 },
    });
  });

  it("reports spec errors on the form's fields, and design warnings", () => {
    const d = defaultDesign();
    d.name = "Bad_Name";
    d.roles[1] = {
      name: "decode",
      replicas: 1,
      workerReplicas: 1,
      tensorParallel: 8,
      pipelineParallel: 1,
      gpusPerPod: 2,
    };
    d.roleTier = 2;
    d.groupTier = 1;
    d.podLabels = { "tessera.io/pd-role": "x" };
    const { messages } = previewDesign(d);
    expect(messages).toContainEqual({
      level: "error",
      where: "Name",
      message: "must be a DNS-1035 label",
    });
    expect(messages).toContainEqual({
      level: "error",
      where: "Pod label tessera.io/pd-role",
      message: "key is set by Tessera from the role kind",
    });
    expect(messages).toContainEqual(
      expect.objectContaining({
        level: "warning",
        where: "role decode",
        message: "TP×PP = 8 GPUs but 2 pods × 2 GPUs = 4",
      }),
    );
    expect(messages).toContainEqual({
      level: "error",
      where: "Role tier",
      message: "must be ≤ the group's highestTierAllowed (1)",
    });
    // The object schemas' own messages are not repeated for a spec the schema already rejects.
    expect(messages.some((m) => m.where.startsWith("ModelServing "))).toBe(false);
  });

  it("names the role and field of a role problem, and prefill without decode", () => {
    const d = defaultDesign();
    d.roles = d.roles.slice(0, 1).map((r) => ({ ...r, name: "prefill-long-name" }));
    const { messages } = previewDesign(d);
    expect(messages).toContainEqual({
      level: "error",
      where: "role prefill-long-name · name",
      message: "must be at most 12 character(s)",
    });
    expect(messages).toContainEqual({
      level: "error",
      where: "Roles",
      message: "prefill and decode roles come together",
    });
  });

  it("previews placement on the sample fabric: fits under one spine, fails when too wide", () => {
    const d = defaultDesign();
    expect(gpusPerGroup(d)).toBe(10);
    const ms = validateManifest(previewDesign(d).manifests[0]);
    if ("skipped" in ms || !ms.ok || ms.kind !== "ModelServing") throw new Error("invalid");
    const [g] = previewModelServing(sampleFabric(), ms.value);
    expect(g?.status).toBe("Placed");
    expect(g?.pods).toHaveLength(5);
    const wide = validateManifest(
      previewDesign({
        ...d,
        groupTier: 1,
        roles: [
          {
            name: "decode",
            replicas: 5,
            workerReplicas: 0,
            tensorParallel: 8,
            pipelineParallel: 1,
            gpusPerPod: 8,
          },
        ],
      }).manifests[0],
    );
    if ("skipped" in wide || !wide.ok || wide.kind !== "ModelServing") throw new Error("invalid");
    const [w] = previewModelServing(sampleFabric(), wide.value);
    expect(w?.status).toBe("Unschedulable");
    expect(w?.reason).toMatch(/tier-1/);
  });
});
