import { describe, expect, it } from "vitest";
import { validateModelServing } from "./validate.ts";

function raw(
  mutate: (o: {
    metadata: { name: string };
    spec: Record<string, unknown> & { template: { roles: Record<string, unknown>[] } };
  }) => void,
) {
  const o = {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name: "m" },
    spec: {
      replicas: 1,
      template: {
        roles: [
          {
            name: "r",
            replicas: 1,
            workerReplicas: 0,
            entryTemplate: { spec: { containers: [{ name: "c", image: "i" }] } },
          },
        ],
      },
    },
  };
  mutate(o);
  return o;
}

describe("validateModelServing", () => {
  it("accepts a minimal object with defaults applied", () => {
    const r = validateModelServing(raw(() => {}));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.ms.spec.schedulerName).toBe("volcano");
  });
  it("reports schema rules the CRD would also enforce (for clusters with an older CRD)", () => {
    const r = validateModelServing(
      raw((o) => ((o.spec.template.roles[0] as { workerReplicas: number }).workerReplicas = 2)),
    );
    expect(r).toEqual({
      ok: false,
      problems: [expect.stringContaining("workerTemplate") as string],
    });
  });
  it("checks the real generated names against 63 characters", () => {
    const r = validateModelServing(
      raw((o) => {
        o.metadata.name = "a".repeat(58);
        o.spec.replicas = 100;
        (o.spec.template.roles[0] as { replicas: number }).replicas = 10;
      }),
    );
    expect(r.ok).toBe(false);
  });
  it("rejects duplicate container names", () => {
    const r = validateModelServing(
      raw((o) => {
        (o.spec.template.roles[0] as { entryTemplate: unknown }).entryTemplate = {
          spec: {
            containers: [{ name: "c", image: "i" }],
            initContainers: [{ name: "c", image: "i" }],
          },
        };
      }),
    );
    expect(r).toEqual({
      ok: false,
      problems: ['spec.template.roles[0].entryTemplate: duplicate container name "c"'],
    });
  });
});
