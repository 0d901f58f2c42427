// The designer's YAML is what the API renders for the saved spec: for each design, the preview
// equals @tessera/shared's render of the spec as `topologies.render` gets it back (sent as JSON,
// stored as jsonb, parsed by the schema). The API's side — that `topologies.render` returns exactly
// that render — is apps/api/src/routers/topologies/save.handler.int.test.ts.
import { describe, expect, it } from "vitest";
import { DesignSpecSchema, designYaml, renderDesign } from "@tessera/shared/design/index";
import { toSpec, type CarriedFields } from "./design-spec";
import { defaultDesign, type Design } from "./model";
import { previewDesign } from "./preview";

const pd = defaultDesign();
const designs: [string, Design, CarriedFields?][] = [
  ["PD with workers", pd],
  [
    "relaxed gang with typed and default minimums",
    {
      ...pd,
      gang: "relaxed",
      roles: pd.roles.map((r) => (r.name === "decode" ? { ...r, minReplicas: 2 } : r)),
    },
  ],
  [
    "network tiers, soft",
    { ...pd, groupTier: 1, roleTier: 0, topologyMode: "soft", servingGroups: 3 },
  ],
  ["routing off", { ...pd, routing: false }],
  [
    "kinds the names do not say",
    {
      ...pd,
      roles: pd.roles.map((r, i) =>
        i === 0 ? { ...r, name: "fast", kind: "prefill" } : { ...r, name: "slow", kind: "decode" },
      ),
    },
  ],
  ["pod labels", { ...pd, podLabels: { "tessera.io/engine": "sim", team: "inference" } }],
  [
    "SGLang, no gang, explicit workers",
    {
      ...pd,
      engine: "SGLang",
      image: "lmsysorg/sglang:v0.5",
      gang: "none",
      groupTier: undefined,
      roleTier: undefined,
      roles: pd.roles.map((r) => ({ ...r, workerReplicas: 3 })),
    },
  ],
  [
    "mixed role, no GPUs, carried modelUri and autoscaling",
    {
      ...pd,
      roles: [
        {
          name: "server",
          kind: "mixed",
          replicas: 2,
          workerReplicas: 0,
          tensorParallel: 1,
          pipelineParallel: 1,
          gpusPerPod: 0,
        },
      ],
    },
    {
      modelUri: "s3://weights/qwen3",
      autoscaling: { metric: "m", targetValue: 5, minReplicas: 1, maxReplicas: 4 },
    },
  ],
];

describe("designer preview = API render of the saved spec", () => {
  it.each(designs)("%s", (_, design, carried) => {
    const preview = previewDesign(design, carried);
    expect(preview.messages.filter((m) => m.level === "error")).toEqual([]);
    const saved = DesignSpecSchema.parse(JSON.parse(JSON.stringify(toSpec(design, carried))));
    expect(preview.yaml).toBe(designYaml(renderDesign(saved)));
    expect(preview.manifests).toEqual(renderDesign(saved));
  });
});
