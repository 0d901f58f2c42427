// An in-memory stand-in for the apiserver + scheduler + kubelet, for unit tests of the planner: it
// applies a Plan (create-or-replace by name, deletes with UID preconditions), can "run" pods
// (Running + Ready), fail or delete them, and loops plan → apply until nothing changes.
import { ModelServingSchema } from "@tessera/shared";
import type { ModelServing } from "@tessera/shared";
import type {
  ControllerRevisionObject,
  KubeObject,
  PodGroupObject,
  PodObject,
  ServiceObject,
} from "../k8s/types.ts";
import { nameOf } from "../k8s/types.ts";
import type { PodGroupMode } from "../modelserving/desired/podgroup.ts";
import { planModelServing } from "../modelserving/plan/index.ts";
import type { Plan } from "../modelserving/plan/index.ts";

export function modelServing(raw: unknown): ModelServing {
  const ms = ModelServingSchema.parse(raw);
  ms.metadata.uid ??= "ms-uid";
  ms.metadata.namespace ??= "default";
  ms.metadata.generation ??= 1;
  return ms;
}

/** The 2P4D sample of reference §2.2: 2 prefill role replicas (entry + 1 worker) and 4 decode (entry only). */
export function sample2P4D(
  extra: { replicas?: number; spec?: Record<string, unknown> } = {},
): ModelServing {
  return modelServing({
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "ModelServing",
    metadata: { name: "sample", namespace: "default" },
    spec: {
      schedulerName: "volcano",
      replicas: extra.replicas ?? 1,
      recoveryPolicy: "RoleRecreate",
      rolloutStrategy: {
        type: "ServingGroupRollingUpdate",
        rollingUpdateConfiguration: { maxUnavailable: 1, partition: 0 },
      },
      template: {
        restartGracePeriodSeconds: 60,
        networkTopology: {
          groupPolicy: { mode: "hard", highestTierAllowed: 2 },
          rolePolicy: { mode: "hard", highestTierAllowed: 1 },
        },
        roles: [
          {
            name: "prefill",
            replicas: 2,
            entryTemplate: {
              spec: {
                containers: [
                  {
                    name: "leader",
                    image: "vllm/vllm-openai",
                    resources: { limits: { "nvidia.com/gpu": 1 } },
                  },
                ],
              },
            },
            workerReplicas: 1,
            workerTemplate: {
              spec: {
                containers: [
                  {
                    name: "worker",
                    image: "vllm/vllm-openai",
                    resources: { limits: { "nvidia.com/gpu": 1 } },
                  },
                ],
              },
            },
          },
          {
            name: "decode",
            replicas: 4,
            entryTemplate: {
              spec: {
                containers: [
                  {
                    name: "leader",
                    image: "vllm/vllm-openai",
                    resources: { requests: { cpu: "500m", "nvidia.com/gpu": 1 } },
                  },
                ],
              },
            },
            workerReplicas: 0,
          },
        ],
      },
      ...(extra.spec ?? {}),
    },
  });
}

export class Sim {
  ms: ModelServing;
  pods = new Map<string, PodObject>();
  services = new Map<string, ServiceObject>();
  podGroups = new Map<string, PodGroupObject>();
  revisions = new Map<string, ControllerRevisionObject>();
  now = Date.parse("2026-01-01T00:00:00Z");
  mode: PodGroupMode;
  /** Pods become Running+Ready as soon as they are created (a scheduler with room for everything). */
  autoRun: boolean;
  /** Deletions leave the object terminating until `finishTermination()` instead of removing it. */
  graceful = false;
  private uid = 0;
  created: string[] = [];
  deleted: string[] = [];

  constructor(ms: ModelServing, opts: { mode?: PodGroupMode; autoRun?: boolean } = {}) {
    this.ms = ms;
    this.mode = opts.mode ?? "subGroupPolicy";
    this.autoRun = opts.autoRun ?? true;
  }

  plan(): Plan {
    return planModelServing({
      ms: this.ms,
      pods: [...this.pods.values()],
      services: [...this.services.values()],
      podGroups: [...this.podGroups.values()],
      revisions: [...this.revisions.values()],
      podGroupMode: this.mode,
      now: this.now,
    });
  }

  private store(kind: string | undefined): Map<string, KubeObject> {
    switch (kind) {
      case "Pod":
        return this.pods;
      case "Service":
        return this.services;
      case "PodGroup":
        return this.podGroups;
      case "ControllerRevision":
        return this.revisions;
      default:
        throw new Error(`unexpected kind ${kind ?? "?"}`);
    }
  }

  applyPlan(plan: Plan): void {
    for (const obj of plan.apply) {
      const store = this.store(obj.kind);
      const existing = store.get(nameOf(obj));
      const copy = structuredClone(obj);
      copy.metadata = {
        ...copy.metadata,
        uid: existing?.metadata?.uid ?? `uid-${++this.uid}`,
        creationTimestamp: new Date(this.now).toISOString(),
      };
      if (obj.kind === "Pod") {
        if (existing) continue; // pods are immutable; the planner only creates missing ones
        this.created.push(nameOf(obj));
        (copy as PodObject).status = this.autoRun ? runningStatus() : { phase: "Pending" };
      }
      store.set(nameOf(obj), copy);
    }
    for (const d of plan.delete) {
      const store = this.store(d.kind);
      const existing = store.get(d.name);
      if (!existing || (d.uid && existing.metadata?.uid !== d.uid)) continue;
      this.deleted.push(`${d.kind}/${d.name}`);
      if (this.graceful && d.kind === "Pod")
        existing.metadata = {
          ...existing.metadata,
          deletionTimestamp: new Date(this.now).toISOString(),
        };
      else store.delete(d.name);
    }
    this.ms = {
      ...this.ms,
      status: plan.status,
      metadata: {
        ...this.ms.metadata,
        annotations: {
          ...this.ms.metadata.annotations,
          "status.tessera.io/serving-groups": JSON.stringify(plan.groupStatus),
        },
      },
    };
  }

  finishTermination(): void {
    for (const [n, p] of this.pods) if (p.metadata?.deletionTimestamp) this.pods.delete(n);
  }

  runAll(): void {
    for (const p of this.pods.values())
      if (!p.metadata?.deletionTimestamp) p.status = runningStatus();
  }

  /** Plans and applies until a plan changes nothing (or `max` rounds), finishing terminations between rounds. */
  converge(max = 20): Plan {
    let last = this.plan();
    for (let i = 0; i < max; i++) {
      if (last.apply.length === 0 && last.delete.length === 0) return last;
      this.applyPlan(last);
      this.finishTermination();
      if (this.autoRun) this.runAll();
      last = this.plan();
    }
    throw new Error("did not converge");
  }

  setSpec(mutate: (spec: ModelServing["spec"]) => void): void {
    const ms = structuredClone(this.ms);
    mutate(ms.spec);
    ms.metadata.generation = (ms.metadata.generation ?? 1) + 1;
    this.ms = ModelServingSchema.parse(ms);
  }

  podNames(): string[] {
    return [...this.pods.keys()].sort();
  }
}

export function runningStatus(): PodObject["status"] {
  return {
    phase: "Running",
    conditions: [{ type: "Ready", status: "True" }],
    containerStatuses: [{ name: "c", ready: true, restartCount: 0 }],
  };
}
