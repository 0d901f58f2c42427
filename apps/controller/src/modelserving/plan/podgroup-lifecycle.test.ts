// Scenario tests: a PodGroup exists exactly while the ServingGroup's template asks for a gang
// (gangPolicy or networkTopology) and the pods it would gang were created for it.
import { ANNOTATION_POD_GROUP } from "@tessera/shared";
import { describe, expect, it } from "vitest";
import { Sim, sample2P4D } from "../../testing/sim.ts";

const groupPolicyOnly = { groupPolicy: { mode: "hard", highestTierAllowed: 2 } } as const;
/** Pods annotated as members of their ServingGroup's PodGroup (`sample-0-…` → `sample-0`). */
const annotated = (sim: Sim) =>
  sim
    .podNames()
    .filter(
      (n) =>
        sim.pods.get(n)?.metadata?.annotations?.[ANNOTATION_POD_GROUP] ===
        n.split("-").slice(0, 2).join("-"),
    );
const uids = (sim: Sim) => new Map(sim.podNames().map((n) => [n, sim.pods.get(n)?.metadata?.uid]));

describe("PodGroup lifecycle", () => {
  it("a volcano ModelServing without gangPolicy or networkTopology gets no PodGroup (Kthena's rule)", () => {
    const sim = new Sim(sample2P4D());
    sim.setSpec((s) => delete s.template.networkTopology);
    sim.converge();
    expect(sim.pods.size).toBe(8);
    expect(sim.podGroups.size).toBe(0);
    expect(annotated(sim)).toEqual([]);
  });

  it("removing networkTopology rolls the groups out onto pods without a PodGroup and deletes the old ones", () => {
    const sim = new Sim(sample2P4D({ replicas: 2 }));
    sim.converge();
    expect([...sim.podGroups.keys()].sort()).toEqual(["sample-0", "sample-1"]);
    sim.setSpec((s) => delete s.template.networkTopology);
    sim.converge();
    expect(sim.podGroups.size).toBe(0);
    expect(sim.pods.size).toBe(16);
    expect(annotated(sim)).toEqual([]);
  });

  it("RoleRollingUpdate: the PodGroup is deleted and bound pods keep running untouched", () => {
    const sim = new Sim(sample2P4D({ spec: { rolloutStrategy: { type: "RoleRollingUpdate" } } }));
    // groupPolicy only: it is not part of any role's template hash, so no role rolls out.
    sim.setSpec((s) => (s.template.networkTopology = groupPolicyOnly));
    sim.converge();
    expect(sim.podGroups.has("sample-0")).toBe(true);
    const before = uids(sim);
    sim.setSpec((s) => delete s.template.networkTopology);
    const first = sim.plan();
    expect(first.delete).toEqual([
      {
        kind: "PodGroup",
        name: "sample-0",
        reason: "no gangPolicy or networkTopology asks for a PodGroup",
      },
    ]);
    sim.converge();
    expect(sim.podGroups.size).toBe(0);
    expect(uids(sim)).toEqual(before);
    // Pods made from now on carry no PodGroup annotation; the PodGroup is not recreated.
    sim.setSpec((s) => {
      const decode = s.template.roles[1];
      if (decode) decode.replicas = 5;
    });
    sim.converge();
    expect(sim.pods.has("sample-0-decode-4-0")).toBe(true);
    expect(annotated(sim)).not.toContain("sample-0-decode-4-0");
    expect(sim.podGroups.size).toBe(0);
  });

  it("pending pods made for the removed PodGroup are recreated without its annotation", () => {
    const sim = new Sim(sample2P4D({ spec: { rolloutStrategy: { type: "RoleRollingUpdate" } } }), {
      autoRun: false,
    });
    sim.setSpec((s) => (s.template.networkTopology = groupPolicyOnly));
    sim.applyPlan(sim.plan());
    // The scheduler placed decode-0 only; everything else waits for the gang.
    const placed = sim.pods.get("sample-0-decode-0-0");
    if (!placed) throw new Error("fixture");
    placed.spec = { ...placed.spec, nodeName: "node-0" };
    sim.setSpec((s) => delete s.template.networkTopology);
    const p = sim.plan();
    const deleted = p.delete.map((d) => `${d.kind}/${d.name}`).sort();
    expect(deleted).toContain("PodGroup/sample-0");
    expect(deleted).toContain("Pod/sample-0-prefill-1-1");
    expect(deleted).toContain("Service/sample-0-prefill-1-0");
    expect(deleted).not.toContain("Pod/sample-0-decode-0-0");
    sim.converge();
    expect(sim.pods.size).toBe(8);
    expect(annotated(sim)).toEqual(["sample-0-decode-0-0"]);
    expect(sim.podGroups.size).toBe(0);
  });

  it("adding a gangPolicy under RoleRollingUpdate gangs new ServingGroups only, never strands pods", () => {
    const sim = new Sim(sample2P4D({ spec: { rolloutStrategy: { type: "RoleRollingUpdate" } } }));
    sim.setSpec((s) => delete s.template.networkTopology);
    sim.converge();
    // Volcano's controller gives every bare pod a PodGroup of its own and annotates it.
    for (const p of sim.pods.values())
      p.metadata = {
        ...p.metadata,
        annotations: { [ANNOTATION_POD_GROUP]: `podgroup-${p.metadata?.uid ?? ""}` },
      };
    sim.setSpec((s) => {
      s.template.gangPolicy = { minRoleReplicas: { prefill: 1, decode: 1 } };
      s.replicas = 2;
    });
    sim.converge();
    // Group 0's pods were made without the annotation: a PodGroup would count them in minMember
    // without Volcano ever seeing them as members, so group 0 stays without one.
    expect([...sim.podGroups.keys()]).toEqual(["sample-1"]);
    expect(sim.podGroups.get("sample-1")?.spec?.["minMember"]).toBe(3);
    expect(annotated(sim).every((n) => n.startsWith("sample-1-"))).toBe(true);
    expect(annotated(sim)).toHaveLength(8);
  });
});
