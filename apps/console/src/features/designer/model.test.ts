import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { previewModelServing } from "@tessera/shared/placement/model-serving";
import { validateManifest } from "@tessera/shared/validate/validate-manifest";
import { sampleFabric } from "../topology/layout";
import {
  buildManifests,
  defaultDesign,
  gpusPerGroup,
  toYaml,
  validateDesign,
  type Design,
} from "./model";

describe("designer model", () => {
  it("generates a valid ModelServing, ModelServer (PD-grouped) and ModelRoute", () => {
    const d = defaultDesign();
    const ms = buildManifests(d);
    expect(ms.map((m) => m.kind)).toEqual(["ModelServing", "ModelServer", "ModelRoute"]);
    for (const m of ms) expect(validateManifest(m)).toMatchObject({ ok: true });
    expect(validateDesign(d, ms)).toEqual([]);
    const server = ms[1]?.spec as {
      workloadSelector: { pdGroup?: { prefillLabels: Record<string, string> } };
    };
    expect(server.workloadSelector.pdGroup?.prefillLabels).toEqual({
      "modelserving.volcano.sh/role": "prefill",
    });
  });

  it("writes plain YAML (no anchors) that round-trips to the same objects", () => {
    const ms = buildManifests({ ...defaultDesign(), podLabels: { "tessera.io/engine": "sim" } });
    const text = toYaml(ms);
    expect(text).not.toMatch(/[&*]a\d/);
    expect(parseAllDocuments(text).map((d) => d.toJS() as unknown)).toEqual(ms);
    expect((parse(text.split("---\n")[0] ?? "") as { kind: string }).kind).toBe("ModelServing");
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
    const spec = buildManifests(d)[0]?.spec as {
      template: { gangPolicy?: unknown; networkTopology?: unknown };
    };
    expect(spec.template.gangPolicy).toEqual({ minRoleReplicas: { prefill: 1, decode: 1 } });
    expect(spec.template.networkTopology).toEqual({
      groupPolicy: { mode: "soft", highestTierAllowed: 2 },
      rolePolicy: { mode: "soft", highestTierAllowed: 1 },
    });
  });

  it("reports schema errors and design warnings", () => {
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
    const msgs = validateDesign(d, buildManifests(d));
    expect(
      msgs.some((m) => m.level === "error" && m.where.startsWith("ModelServing metadata.name")),
    ).toBe(true);
    expect(msgs).toContainEqual(
      expect.objectContaining({
        level: "warning",
        where: "role decode",
        message: "TP×PP = 8 GPUs but 2 pods × 2 GPUs = 4",
      }),
    );
    expect(msgs).toContainEqual(expect.objectContaining({ level: "error", where: "network tier" }));
  });

  it("previews placement on the sample fabric: fits under one spine, fails when too wide", () => {
    const d = defaultDesign();
    expect(gpusPerGroup(d)).toBe(10);
    const ms = validateManifest(buildManifests(d)[0]);
    if ("skipped" in ms || !ms.ok || ms.kind !== "ModelServing") throw new Error("invalid");
    const [g] = previewModelServing(sampleFabric(), ms.value);
    expect(g?.status).toBe("Placed");
    expect(g?.pods).toHaveLength(5);
    const wide = validateManifest(
      buildManifests({
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
      })[0],
    );
    if ("skipped" in wide || !wide.ok || wide.kind !== "ModelServing") throw new Error("invalid");
    const [w] = previewModelServing(sampleFabric(), wide.value);
    expect(w?.status).toBe("Unschedulable");
    expect(w?.reason).toMatch(/tier-1/);
  });
});
