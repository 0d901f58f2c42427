// Scenario tests: the planner driven against the in-memory Sim until it converges.
import { describe, expect, it } from "vitest";
import { Sim, sample2P4D } from "../../testing/sim.ts";
import { templateRevision } from "../hash.ts";

const revisionOf = (sim: Sim, pod: string) =>
  sim.pods.get(pod)?.metadata?.labels?.["modelserving.volcano.sh/revision"];
const groupsOf = (sim: Sim) => [...new Set(sim.podNames().map((n) => n.split("-")[1]))].sort();

describe("2P4D sample", () => {
  it("reconciles to 8 pods, 2 headless Services, 1 PodGroup and 1 ControllerRevision, then is stable", () => {
    const sim = new Sim(sample2P4D());
    const final = sim.converge();
    expect(sim.podNames()).toEqual([
      "sample-0-decode-0-0",
      "sample-0-decode-1-0",
      "sample-0-decode-2-0",
      "sample-0-decode-3-0",
      "sample-0-prefill-0-0",
      "sample-0-prefill-0-1",
      "sample-0-prefill-1-0",
      "sample-0-prefill-1-1",
    ]);
    expect([...sim.services.keys()].sort()).toEqual([
      "sample-0-prefill-0-0",
      "sample-0-prefill-1-0",
    ]);
    expect([...sim.podGroups.keys()]).toEqual(["sample-0"]);
    expect(sim.podGroups.get("sample-0")?.spec?.["minMember"]).toBe(8);
    expect(sim.revisions.size).toBe(1);
    expect(final.apply).toEqual([]);
    expect(final.delete).toEqual([]);
    expect(final.status).toMatchObject({
      replicas: 1,
      availableReplicas: 1,
      updatedReplicas: 1,
      currentReplicas: 1,
    });
    expect(final.status.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    expect(final.status.labelSelector).toBe(
      "modelserving.volcano.sh/name=sample,modelserving.volcano.sh/role=prefill,modelserving.volcano.sh/role-id=prefill-0,modelserving.volcano.sh/entry=true",
    );
    expect(final.groupStatus["sample-0"]).toEqual({
      phase: "Running",
      revision: templateRevision(sim.ms.spec.template),
      roles: {
        "prefill-0": "Running",
        "prefill-1": "Running",
        "decode-0": "Running",
        "decode-1": "Running",
        "decode-2": "Running",
        "decode-3": "Running",
      },
    });
  });

  it("creates the PodGroup before the pods, and the entry pod before its workers", () => {
    const sim = new Sim(sample2P4D());
    const names = sim.plan().apply.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`);
    expect(names.indexOf("PodGroup/sample-0")).toBeLessThan(
      names.indexOf("Pod/sample-0-prefill-0-0"),
    );
    expect(names.indexOf("Pod/sample-0-prefill-0-0")).toBeLessThan(
      names.indexOf("Pod/sample-0-prefill-0-1"),
    );
  });

  it("no PodGroup when the cluster has no PodGroup CRD or the scheduler is not volcano", () => {
    const sim = new Sim(sample2P4D(), { mode: "none" });
    sim.converge();
    expect(sim.podGroups.size).toBe(0);
    expect(sim.pods.get("sample-0-decode-0-0")?.metadata?.annotations).toBeUndefined();
  });

  it("reports Progressing while pods are not ready", () => {
    const sim = new Sim(sample2P4D(), { autoRun: false });
    sim.applyPlan(sim.plan());
    const p = sim.plan();
    expect(p.apply).toEqual([]);
    expect(p.status.availableReplicas).toBe(0);
    expect(p.status.conditions?.find((c) => c.type === "Progressing")).toMatchObject({
      status: "True",
      reason: "GroupProgressing",
    });
    expect(p.groupStatus["sample-0"]?.phase).toBe("Creating");
  });
});

describe("scaling ServingGroups", () => {
  it("1 → 3 → 1 fills missing ordinals and removes the highest", () => {
    const sim = new Sim(sample2P4D());
    sim.converge();
    sim.setSpec((s) => (s.replicas = 3));
    expect(sim.converge().status.replicas).toBe(3);
    expect(groupsOf(sim)).toEqual(["0", "1", "2"]);
    expect([...sim.podGroups.keys()].sort()).toEqual(["sample-0", "sample-1", "sample-2"]);
    sim.setSpec((s) => (s.replicas = 1));
    expect(sim.converge().status.replicas).toBe(1);
    expect(groupsOf(sim)).toEqual(["0"]);
    expect([...sim.podGroups.keys()]).toEqual(["sample-0"]);
    expect(sim.services.size).toBe(2);
  });

  it("scale down prefers not-ready groups, then lower deletion cost", () => {
    const sim = new Sim(sample2P4D({ replicas: 3 }));
    sim.converge();
    const p1 = sim.pods.get("sample-1-decode-0-0");
    if (p1?.status) p1.status = { phase: "Pending" };
    const p0 = sim.pods.get("sample-0-decode-0-0");
    if (p0?.metadata)
      p0.metadata.annotations = { "controller.kubernetes.io/pod-deletion-cost": "-10" };
    sim.setSpec((s) => (s.replicas = 1));
    sim.autoRun = false;
    sim.converge();
    expect(groupsOf(sim)).toEqual(["2"]);
  });

  it("a terminating group keeps its ordinal reserved until it is gone", () => {
    const sim = new Sim(sample2P4D({ replicas: 2 }));
    sim.converge();
    sim.graceful = true;
    sim.setSpec((s) => (s.replicas = 1));
    sim.applyPlan(sim.plan());
    sim.setSpec((s) => (s.replicas = 2));
    const p = sim.plan();
    expect(p.apply.filter((o) => o.kind === "Pod")).toEqual([]);
    sim.finishTermination();
    expect(sim.plan().apply.some((o) => o.metadata?.name === "sample-1-decode-0-0")).toBe(true);
  });

  it("role replicas scale inside every group without a rollout", () => {
    const sim = new Sim(sample2P4D({ replicas: 2 }));
    sim.converge();
    const before = sim.ms.status?.updateRevision;
    sim.setSpec((s) => {
      const decode = s.template.roles[1];
      if (decode) decode.replicas = 2;
    });
    const final = sim.converge();
    expect(final.updateRevision).toBe(before);
    expect(sim.podNames().filter((n) => n.includes("decode"))).toEqual([
      "sample-0-decode-0-0",
      "sample-0-decode-1-0",
      "sample-1-decode-0-0",
      "sample-1-decode-1-0",
    ]);
    expect(sim.podGroups.get("sample-1")?.spec?.["minMember"]).toBe(6);
  });
});

describe("rolling update by ServingGroup", () => {
  const newImage = (s: ReturnType<typeof sample2P4D>["spec"]) => {
    (s.template.roles[1]?.entryTemplate.spec.containers[0] as { image: string }).image =
      "vllm/vllm-openai:v2";
  };

  it("partition 1 leaves group 0 on the old revision", () => {
    const sim = new Sim(
      sample2P4D({
        replicas: 3,
        spec: {
          rolloutStrategy: { rollingUpdateConfiguration: { maxUnavailable: 1, partition: 1 } },
        },
      }),
    );
    sim.converge();
    const oldRev = revisionOf(sim, "sample-0-decode-0-0");
    sim.setSpec(newImage);
    const final = sim.converge();
    expect(revisionOf(sim, "sample-0-decode-0-0")).toBe(oldRev);
    expect(revisionOf(sim, "sample-1-decode-0-0")).toBe(final.updateRevision);
    expect(revisionOf(sim, "sample-2-decode-0-0")).toBe(final.updateRevision);
    expect(final.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 2,
      currentReplicas: 1,
      currentRevision: oldRev,
      availableReplicas: 3,
    });
    expect(final.status.conditions?.find((c) => c.type === "Available")?.status).toBe("True");
    expect(sim.revisions.size).toBe(2);
  });

  it("a partition-protected group that is lost is recreated from its old revision", () => {
    const sim = new Sim(
      sample2P4D({
        replicas: 2,
        spec: {
          rolloutStrategy: { rollingUpdateConfiguration: { maxUnavailable: 1, partition: 1 } },
        },
      }),
    );
    sim.converge();
    const oldRev = revisionOf(sim, "sample-0-decode-0-0");
    sim.setSpec(newImage);
    sim.converge();
    for (const n of sim.podNames()) if (n.startsWith("sample-0-")) sim.pods.delete(n);
    sim.podGroups.delete("sample-0");
    sim.converge();
    expect(revisionOf(sim, "sample-0-decode-0-0")).toBe(oldRev);
    expect(
      (sim.pods.get("sample-0-decode-0-0")?.spec as { containers: { image: string }[] })
        .containers[0]?.image,
    ).toBe("vllm/vllm-openai");
  });

  it.each([
    { name: "template change", edit: newImage },
    {
      name: "template change with a role scale-up (groups short of a role replica still serve)",
      edit: (s: ReturnType<typeof sample2P4D>["spec"]) => {
        newImage(s);
        const decode = s.template.roles[1];
        if (decode) decode.replicas = 5;
      },
    },
  ])("with maxUnavailable 1 never has more than one group down: $name", ({ edit }) => {
    const sim = new Sim(sample2P4D({ replicas: 3 }));
    sim.converge();
    sim.setSpec(edit);
    for (let i = 0; i < 20; i++) {
      const p = sim.plan();
      if (p.apply.length === 0 && p.delete.length === 0) break;
      const doomed = new Set(p.delete.filter((d) => d.kind === "PodGroup").map((d) => d.name));
      expect(doomed.size).toBeLessThanOrEqual(1);
      sim.applyPlan(p);
      sim.runAll();
    }
    expect(new Set(sim.podNames().map((n) => revisionOf(sim, n))).size).toBe(1);
  });

  it("changing networkTopology rolls out (kthena#690)", () => {
    const sim = new Sim(sample2P4D({ replicas: 2 }));
    sim.converge();
    const oldRev = revisionOf(sim, "sample-0-decode-0-0");
    sim.setSpec(
      (s) =>
        (s.template.networkTopology = { groupPolicy: { mode: "hard", highestTierAllowed: 1 } }),
    );
    const final = sim.converge();
    expect(final.updateRevision).not.toBe(oldRev);
    expect(revisionOf(sim, "sample-0-decode-0-0")).toBe(final.updateRevision);
    expect(sim.podGroups.get("sample-0")?.spec?.["networkTopology"]).toEqual({
      mode: "hard",
      highestTierAllowed: 1,
    });
  });

  it("editing replicas and the template together creates no roles in groups about to be replaced (kthena#1795)", () => {
    const sim = new Sim(sample2P4D({ replicas: 2 }));
    sim.converge();
    sim.created = [];
    sim.setSpec((s) => {
      newImage(s);
      const decode = s.template.roles[1];
      if (decode) decode.replicas = 5;
    });
    const final = sim.converge();
    expect(final.status.updatedReplicas).toBe(2);
    // Every pod created during the rollout is at the new revision: none was made for an outdated group.
    const oldRevPods = sim.created.filter((n) => n.includes("decode-4"));
    expect(oldRevPods.sort()).toEqual(["sample-0-decode-4-0", "sample-1-decode-4-0"]);
    expect(sim.deleted.filter((d) => d.includes("decode-4"))).toEqual([]);
  });

  it("maxSurge creates a new group before deleting an old one", () => {
    const ms = sample2P4D({ replicas: 2 });
    ms.metadata.annotations = { "rollout.tessera.io/max-surge": "1" };
    const sim = new Sim(ms);
    sim.converge();
    sim.setSpec(newImage);
    const first = sim.plan();
    expect(first.apply.some((o) => o.kind === "PodGroup" && o.metadata?.name === "sample-2")).toBe(
      true,
    );
    const final = sim.converge();
    expect(final.status).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });
});

describe("rolling update by Role", () => {
  it("replaces only the changed role, honouring the role partition", () => {
    const sim = new Sim(sample2P4D({ spec: { rolloutStrategy: { type: "RoleRollingUpdate" } } }));
    sim.converge();
    const prefillUid = sim.pods.get("sample-0-prefill-0-0")?.metadata?.uid;
    sim.setSpec((s) => {
      const decode = s.template.roles[1];
      if (!decode) return;
      (decode.entryTemplate.spec.containers[0] as { image: string }).image = "v2";
      decode.partition = 1;
    });
    const final = sim.converge();
    expect(sim.pods.get("sample-0-prefill-0-0")?.metadata?.uid).toBe(prefillUid);
    const img = (n: string) =>
      (sim.pods.get(n)?.spec as { containers: { image: string }[] }).containers[0]?.image;
    expect(img("sample-0-decode-0-0")).toBe("vllm/vllm-openai");
    expect(img("sample-0-decode-1-0")).toBe("v2");
    expect(img("sample-0-decode-3-0")).toBe("v2");
    expect(final.status.updatedReplicas).toBe(0);
  });
});

describe("failure recovery", () => {
  it("RoleRecreate: losing an entry pod recreates the whole role replica", () => {
    const sim = new Sim(sample2P4D());
    sim.converge();
    const worker = sim.pods.get("sample-0-prefill-1-1")?.metadata?.uid;
    const other = sim.pods.get("sample-0-prefill-0-1")?.metadata?.uid;
    sim.pods.delete("sample-0-prefill-1-0");
    sim.converge();
    expect(sim.pods.has("sample-0-prefill-1-0")).toBe(true);
    expect(sim.pods.get("sample-0-prefill-1-1")?.metadata?.uid).not.toBe(worker);
    expect(sim.pods.get("sample-0-prefill-0-1")?.metadata?.uid).toBe(other);
  });

  it("None: only the lost pod is recreated", () => {
    const sim = new Sim(sample2P4D({ spec: { recoveryPolicy: "None" } }));
    sim.converge();
    const worker = sim.pods.get("sample-0-prefill-1-1")?.metadata?.uid;
    sim.pods.delete("sample-0-prefill-1-0");
    sim.converge();
    expect(sim.pods.has("sample-0-prefill-1-0")).toBe(true);
    expect(sim.pods.get("sample-0-prefill-1-1")?.metadata?.uid).toBe(worker);
  });

  it("ServingGroupRecreate: losing one pod recreates the whole group", () => {
    const sim = new Sim(sample2P4D({ spec: { recoveryPolicy: "ServingGroupRecreate" } }));
    sim.converge();
    const decode = sim.pods.get("sample-0-decode-3-0")?.metadata?.uid;
    sim.pods.delete("sample-0-prefill-1-1");
    sim.converge();
    expect(sim.pods.size).toBe(8);
    expect(sim.pods.get("sample-0-decode-3-0")?.metadata?.uid).not.toBe(decode);
  });

  it("a failed pod gets restartGracePeriodSeconds to recover, then is deleted", () => {
    const sim = new Sim(sample2P4D());
    sim.converge();
    const pod = sim.pods.get("sample-0-decode-0-0");
    if (!pod) throw new Error("fixture");
    pod.status = {
      phase: "Running",
      conditions: [
        { type: "Ready", status: "False", lastTransitionTime: new Date(sim.now).toISOString() },
      ],
      containerStatuses: [{ name: "c", restartCount: 3, ready: false }],
    };
    sim.now += 10_000;
    const waiting = sim.plan();
    expect(waiting.delete).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(50_000);
    sim.now += 50_000;
    const p = sim.plan();
    expect(p.delete).toEqual([
      {
        kind: "Pod",
        name: "sample-0-decode-0-0",
        uid: pod.metadata?.uid,
        reason: "failed and did not recover within 60s",
      },
    ]);
    expect(p.events.some((e) => e.reason === "PodFailed")).toBe(true);
  });

  it("emits RoleRunning once per transition", () => {
    const sim = new Sim(sample2P4D(), { autoRun: false });
    sim.applyPlan(sim.plan());
    sim.runAll();
    const p = sim.plan();
    expect(p.events.filter((e) => e.reason === "RoleRunning")).toHaveLength(6);
    sim.applyPlan(p);
    expect(sim.plan().events.filter((e) => e.reason === "RoleRunning")).toHaveLength(0);
  });
});
