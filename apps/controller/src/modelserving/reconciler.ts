// Level-triggered reconcile of one ModelServing key: read the object and its children from the
// informer caches, plan (a pure function), then write the plan through server-side apply and
// deletes with UID preconditions, then status. Running it twice on the same state writes nothing
// the second time; running it on a freshly restarted controller resumes exactly where the old one
// stopped, because the plan depends on nothing but cluster state.
import { LABEL_MODEL_SERVING_NAME, WORKLOAD_API_VERSION } from "@tessera/shared";
import type { Logger } from "pino";
import type { KubeClient } from "../k8s/client.ts";
import { isNotFound } from "../k8s/client.ts";
import type {
  ControllerRevisionObject,
  KubeObject,
  PodGroupObject,
  PodObject,
  ServiceObject,
} from "../k8s/types.ts";
import { stableStringify } from "./hash.ts";
import type { PodGroupMode } from "./desired/podgroup.ts";
import { ANNOTATION_GROUP_STATUS, planModelServing } from "./plan/index.ts";
import type { Plan } from "./plan/index.ts";
import { validateModelServing } from "./validate.ts";
import type { EventRecorder } from "../runtime/events.ts";
import type { Expectations, Lookup } from "../runtime/expectations.ts";

export interface ModelServingCaches {
  modelServing(namespace: string, name: string): KubeObject | undefined;
  pods(key: string): PodObject[];
  services(key: string): ServiceObject[];
  podGroups(key: string): PodGroupObject[];
  revisions(key: string): ControllerRevisionObject[];
  lookup: Lookup;
}

export interface ReconcileResult {
  requeueAfterMs?: number;
  plan?: Plan;
}

/** Children index key: `<namespace>/<ModelServing name>` from the name label. */
export function ownerKeyOf(o: KubeObject): string | undefined {
  const name = o.metadata?.labels?.[LABEL_MODEL_SERVING_NAME];
  if (!name) return undefined;
  return `${o.metadata?.namespace ?? ""}/${name}`;
}

async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let i = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (i < items.length) {
      const item = items[i++] as T;
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0)
    throw errors[0] instanceof Error ? errors[0] : new Error(String(errors[0]));
}

export class ModelServingReconciler {
  private readonly client: KubeClient;
  private readonly caches: ModelServingCaches;
  private readonly expectations: Expectations;
  private readonly events: EventRecorder | undefined;
  private readonly podGroupMode: () => PodGroupMode;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly writeConcurrency: number;

  constructor(o: {
    client: KubeClient;
    caches: ModelServingCaches;
    expectations: Expectations;
    events?: EventRecorder;
    podGroupMode: () => PodGroupMode;
    log: Logger;
    now?: () => number;
    writeConcurrency?: number;
  }) {
    this.client = o.client;
    this.caches = o.caches;
    this.expectations = o.expectations;
    this.events = o.events;
    this.podGroupMode = o.podGroupMode;
    this.log = o.log;
    this.now = o.now ?? (() => Date.now());
    this.writeConcurrency = o.writeConcurrency ?? 8;
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const [namespace = "", name = ""] = key.split("/");
    const raw = this.caches.modelServing(namespace, name);
    if (!raw) {
      this.expectations.forget(key);
      return {};
    }
    if (raw.metadata?.deletionTimestamp) return {}; // children go with the owner (garbage collector)
    const involved = {
      apiVersion: WORKLOAD_API_VERSION,
      kind: "ModelServing",
      name,
      namespace,
      uid: raw.metadata?.uid ?? "",
    };

    const valid = validateModelServing(raw);
    if (!valid.ok) {
      await this.reportInvalid(raw, valid.problems);
      return {};
    }
    if (!this.expectations.satisfied(key, this.caches.lookup)) return { requeueAfterMs: 1000 };

    const ms = valid.ms;
    const uid = ms.metadata.uid;
    const owned = <T extends KubeObject>(list: T[]) =>
      list.filter((o) =>
        (o.metadata?.ownerReferences ?? []).some((r) => r.controller && r.uid === uid),
      );
    const plan = planModelServing({
      ms,
      pods: owned(this.caches.pods(key)),
      services: owned(this.caches.services(key)),
      podGroups: owned(this.caches.podGroups(key)),
      revisions: owned(this.caches.revisions(key)),
      podGroupMode: this.podGroupMode(),
      now: this.now(),
    });

    // Writes. PodGroups and ControllerRevisions first: Volcano must see a gang before its members.
    const first = plan.apply.filter(
      (o) => o.kind === "PodGroup" || o.kind === "ControllerRevision",
    );
    const rest = plan.apply.filter((o) => o.kind !== "PodGroup" && o.kind !== "ControllerRevision");
    const applyOne = async (o: KubeObject) => {
      const res = await this.client.apply<KubeObject>(o);
      if (o.kind === "Pod" || o.kind === "Service" || o.kind === "PodGroup") {
        this.expectations.expectCreate(
          key,
          o.kind,
          namespace,
          o.metadata?.name ?? "",
          res.metadata?.uid,
        );
      }
    };
    try {
      await mapLimit(first, this.writeConcurrency, applyOne);
      await mapLimit(rest, this.writeConcurrency, applyOne);
      await mapLimit(plan.delete, this.writeConcurrency, async (d) => {
        await this.client.delete(d.kind, namespace, d.name, d.uid);
        if (d.kind !== "ControllerRevision")
          this.expectations.expectDelete(key, d.kind, namespace, d.name, d.uid);
      });
    } finally {
      if (this.events) {
        const events = this.events;
        void Promise.all(
          plan.events.map((e) => events.record(involved, e.type, e.reason, e.message)),
        );
      }
    }

    await this.writeStatus(raw, plan);
    if (plan.apply.length > 0 || plan.delete.length > 0) {
      this.log.debug(
        {
          key,
          applied: plan.apply.length,
          deleted: plan.delete.length,
          revision: plan.updateRevision,
        },
        "reconciled",
      );
    }
    return {
      ...(plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : {}),
      plan,
    };
  }

  private async writeStatus(raw: KubeObject & { status?: unknown }, plan: Plan): Promise<void> {
    const { namespace = "", name = "" } = raw.metadata ?? {};
    if (stableStringify(raw.status ?? {}) !== stableStringify(plan.status)) {
      try {
        await this.client.mergePatch(
          "ModelServing",
          namespace,
          name,
          { status: plan.status },
          "status",
        );
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    const groupStatus = JSON.stringify(plan.groupStatus);
    if (raw.metadata?.annotations?.[ANNOTATION_GROUP_STATUS] !== groupStatus) {
      try {
        await this.client.mergePatch("ModelServing", namespace, name, {
          metadata: { annotations: { [ANNOTATION_GROUP_STATUS]: groupStatus } },
        });
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private async reportInvalid(
    raw: KubeObject & {
      status?: { conditions?: { type: string; status: string; message?: string }[] };
    },
    problems: string[],
  ): Promise<void> {
    const { namespace = "", name = "", generation, uid } = raw.metadata ?? {};
    const message = problems.join("; ").slice(0, 4000);
    const prev = raw.status?.conditions?.find((c) => c.type === "Valid");
    if (prev?.status === "False" && prev.message === message) return;
    const now = new Date(this.now()).toISOString();
    const others = (raw.status?.conditions ?? []).filter(
      (c) => c.type !== "Valid" && c.type !== "Available",
    );
    await this.client.mergePatch(
      "ModelServing",
      namespace,
      name,
      {
        status: {
          ...(generation !== undefined ? { observedGeneration: generation } : {}),
          conditions: [
            ...others,
            {
              type: "Valid",
              status: "False",
              reason: "InvalidSpec",
              message,
              lastTransitionTime: now,
              ...(generation !== undefined ? { observedGeneration: generation } : {}),
            },
            {
              type: "Available",
              status: "False",
              reason: "InvalidSpec",
              message: "the spec is invalid; see the Valid condition",
              lastTransitionTime: now,
            },
          ],
        },
      },
      "status",
    );
    await this.events?.record(
      { apiVersion: WORKLOAD_API_VERSION, kind: "ModelServing", name, namespace, uid: uid ?? "" },
      "Warning",
      "InvalidSpec",
      message,
    );
    this.log.warn({ key: `${namespace}/${name}`, problems }, "invalid ModelServing");
  }
}
