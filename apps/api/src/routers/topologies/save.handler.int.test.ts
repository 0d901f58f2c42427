// The topology procedures called as plain functions (no tRPC, no HTTP) against PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DesignSpecSchema, designYaml, renderDesign as renderSpec } from "@tessera/shared";
import { createTestApp, unique } from "../../testing/harness.ts";
import type { TestApp } from "../../testing/harness.ts";
import type { HandlerContext } from "../../trpc/procedure.ts";
import { getDesign, renderDesign } from "./get.handler.ts";
import { saveDesign } from "./save.handler.ts";

let t: TestApp;
let ctx: HandlerContext;

beforeAll(async () => {
  t = await createTestApp();
  ctx = {
    actor: {
      type: "user",
      userId: (await t.user("OPERATOR")).id,
      email: "op@example.test",
      platformRole: "OPERATOR",
      memberships: new Map(),
      via: "bearer",
      sessionId: "s",
    },
    services: t.services,
    request: { requestId: "test" },
  };
});
afterAll(async () => {
  await t.close();
});

const spec = (decodeReplicas: number) =>
  saveDesign.input.parse({
    name: "ignored",
    spec: {
      name: "llama-pd",
      model: "llama",
      engine: "vLLM",
      roles: [
        { name: "prefill", kind: "prefill", replicas: 2, tensorParallel: 4, gpusPerPod: 4 },
        {
          name: "decode",
          kind: "decode",
          replicas: decodeReplicas,
          tensorParallel: 4,
          gpusPerPod: 4,
        },
      ],
    },
  }).spec;

describe("topology designs", () => {
  it("versions designs, skips no-op saves and renders each version", async () => {
    const name = unique("design");
    const v1 = await saveDesign.handler({ ctx, input: { name, spec: spec(4) } });
    expect([v1.version, v1.created]).toEqual([1, true]);
    const same = await saveDesign.handler({ ctx, input: { name, spec: spec(4) } });
    expect([same.version, same.created]).toEqual([1, false]);
    const v2 = await saveDesign.handler({
      ctx,
      input: { name, note: "more decode", spec: spec(6) },
    });
    expect(v2.version).toBe(2);
    const got = await getDesign.handler({ ctx, input: { designId: v1.design.id } });
    expect(got.versions.map((v) => v.version)).toEqual([2, 1]);
    const old = await renderDesign.handler({ ctx, input: { designId: v1.design.id, version: 1 } });
    const roles = (old.manifests[0]?.spec as { template: { roles: { replicas: number }[] } })
      .template.roles;
    expect(roles.map((r) => r.replicas)).toEqual([2, 4]);
    expect(old.issues).toEqual([]);
    const audit = await t.services.audit.list({ action: "design.save", limit: 50 });
    expect(audit.filter((a) => a.targetId === v1.design.id)).toHaveLength(2);
  });

  it("keeps pod labels, an explicit worker count and routing off through PostgreSQL", async () => {
    const input = saveDesign.input.parse({
      name: unique("design"),
      spec: {
        name: "sim-decode",
        model: "llama",
        engine: "vLLM",
        routing: false,
        podLabels: { "tessera.io/engine": "sim" },
        roles: [
          {
            name: "decode",
            kind: "mixed",
            replicas: 1,
            tensorParallel: 4,
            gpusPerPod: 4,
            workerReplicas: 2,
          },
        ],
      },
    });
    const saved = await saveDesign.handler({ ctx, input });
    const got = await getDesign.handler({ ctx, input: { designId: saved.design.id } });
    expect(got.spec).toEqual(input.spec);
    const again = await saveDesign.handler({ ctx, input: { name: input.name, spec: got.spec } });
    expect([again.version, again.created]).toEqual([1, false]);
    const rendered = await renderDesign.handler({ ctx, input: { designId: saved.design.id } });
    expect(rendered.issues).toEqual([]);
    expect(rendered.manifests.map((m) => m.kind)).toEqual(["ModelServing"]);
    const role = (
      rendered.manifests[0]?.spec as {
        template: {
          roles: { workerReplicas: number; workerTemplate: { metadata: { labels: object } } }[];
        };
      }
    ).template.roles[0];
    expect(role?.workerReplicas).toBe(2);
    expect(role?.workerTemplate.metadata.labels).toEqual({
      "tessera.io/engine": "sim",
      "tessera.io/pd-role": "mixed",
    });
  });

  // The console designer's preview is designYaml(renderDesign(parsed spec)) (preview.test.ts there);
  // here: topologies.render returns exactly that for the version saved through PostgreSQL.
  const pdRoles = [
    { name: "prefill", kind: "prefill", replicas: 1, tensorParallel: 2, gpusPerPod: 2 },
    {
      name: "decode",
      kind: "decode",
      replicas: 2,
      tensorParallel: 2,
      pipelineParallel: 2,
      gpusPerPod: 2,
      minReplicas: 1,
    },
  ];
  const base = { name: "qwen3-pd", model: "Qwen/Qwen3-8B", engine: "vLLM", roles: pdRoles };
  it.each([
    ["PD with workers", base],
    ["relaxed gang", { ...base, gang: "relaxed" }],
    [
      "network tiers",
      {
        ...base,
        networkTopology: {
          group: { mode: "soft", highestTierAllowed: 1 },
          role: { highestTierAllowed: 0 },
        },
      },
    ],
    ["routing off", { ...base, routing: false }],
    ["pod labels", { ...base, podLabels: { "tessera.io/engine": "sim", team: "" } }],
    [
      "SGLang, no gang, explicit workers, modelUri and autoscaling",
      {
        ...base,
        engine: "SGLang",
        gang: "none",
        modelUri: "s3://weights/qwen3",
        roles: pdRoles.map((r) => ({ ...r, workerReplicas: 3 })),
        autoscaling: { targetValue: 5, minReplicas: 1, maxReplicas: 4 },
      },
    ],
  ])("renders %s with the shared renderer, as the designer previews it", async (_, spec) => {
    const input = saveDesign.input.parse({ name: unique("design"), spec });
    const saved = await saveDesign.handler({ ctx, input });
    const rendered = await renderDesign.handler({ ctx, input: { designId: saved.design.id } });
    expect(rendered.issues).toEqual([]);
    const expected = renderSpec(DesignSpecSchema.parse(JSON.parse(JSON.stringify(spec))));
    expect(rendered.manifests).toEqual(expected);
    expect(designYaml(rendered.manifests)).toBe(designYaml(expected));
  });
});
