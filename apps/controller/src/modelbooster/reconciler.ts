// ModelBooster reconcile: apply the three generated children (owned by the booster) and derive
// its conditions from the generated ModelServing: Initialized once the children exist, Active when
// the ModelServing is Available, Failed when it is invalid or the booster cannot be converted.
import { ModelBoosterSchema, WORKLOAD_API_VERSION } from "@tessera/shared";
import type { Condition } from "@tessera/shared";
import type { Logger } from "pino";
import type { KubeClient } from "../k8s/client.ts";
import type { KubeObject } from "../k8s/types.ts";
import { stableStringify } from "../modelserving/hash.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { convertModelBooster } from "./convert.ts";
import type { Booster } from "./convert.ts";

type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };

/** Parses a booster with the shared schema (defaults applied), or says what is wrong with it. */
export function parseBooster(
  raw: unknown,
): { ok: true; booster: Booster } | { ok: false; message: string } {
  const r = ModelBoosterSchema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      message: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  return { ok: true, booster: r.data };
}

export function boosterConditions(
  prev: readonly Condition[],
  ms: WithConditions | undefined,
  error: string | undefined,
  generation: number | undefined,
  now: string,
): Condition[] {
  const cond = (
    type: string,
    status: "True" | "False",
    reason: string,
    message: string,
  ): Condition => {
    const old = prev.find((c) => c.type === type);
    return {
      type,
      status,
      reason,
      message,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime: old?.status === status ? (old.lastTransitionTime ?? now) : now,
    };
  };
  if (error)
    return [
      cond("Initialized", "False", "ConversionFailed", error),
      cond("Active", "False", "ConversionFailed", error),
      cond("Failed", "True", "ConversionFailed", error),
    ];
  const msConds = ms?.status?.conditions ?? [];
  const invalid = msConds.find((c) => c.type === "Valid" && c.status === "False");
  const available = msConds.find((c) => c.type === "Available" && c.status === "True");
  return [
    cond(
      "Initialized",
      ms ? "True" : "False",
      ms ? "ChildrenCreated" : "Pending",
      ms ? `ModelServing ${ms.metadata?.name ?? ""} created` : "creating children",
    ),
    cond(
      "Active",
      available ? "True" : "False",
      available ? "ModelServingAvailable" : "ModelServingNotAvailable",
      available
        ? "all ServingGroups are ready"
        : "waiting for the ModelServing to become available",
    ),
    cond(
      "Failed",
      invalid ? "True" : "False",
      invalid ? "ModelServingInvalid" : "NoFailure",
      invalid?.message ?? "",
    ),
  ];
}

export class ModelBoosterReconciler {
  private readonly o: {
    client: KubeClient;
    log: Logger;
    events?: EventRecorder;
    booster: (ns: string, name: string) => WithConditions | undefined;
    modelServing: (ns: string, name: string) => KubeObject | undefined;
    downloaderImage?: string;
  };

  constructor(o: ModelBoosterReconciler["o"]) {
    this.o = o;
  }

  async reconcile(key: string): Promise<{ requeueAfterMs?: number }> {
    const [namespace = "", name = ""] = key.split("/");
    const raw = this.o.booster(namespace, name);
    if (!raw || raw.metadata?.deletionTimestamp) return {};
    const parsed = parseBooster(raw);
    const now = new Date().toISOString();
    const prev = raw.status?.conditions ?? [];
    let conditions: Condition[];
    if (!parsed.ok) {
      conditions = boosterConditions(
        prev,
        undefined,
        parsed.message,
        raw.metadata?.generation,
        now,
      );
      await this.o.events?.record(
        {
          apiVersion: WORKLOAD_API_VERSION,
          kind: "ModelBooster",
          name,
          namespace,
          uid: raw.metadata?.uid ?? "",
        },
        "Warning",
        "InvalidSpec",
        parsed.message,
      );
    } else {
      const children = convertModelBooster(
        parsed.booster,
        this.o.downloaderImage ? { downloaderImage: this.o.downloaderImage } : {},
      );
      for (const child of [children.modelServing, children.modelServer, children.modelRoute])
        await this.o.client.apply(child);
      const ms = this.o.modelServing(namespace, children.modelServing.metadata?.name ?? "");
      conditions = boosterConditions(prev, ms, undefined, raw.metadata?.generation, now);
    }
    const status = {
      ...(raw.metadata?.generation !== undefined
        ? { observedGeneration: raw.metadata.generation }
        : {}),
      conditions,
    };
    if (stableStringify(raw.status ?? {}) !== stableStringify(status)) {
      await this.o.client.mergePatch("ModelBooster", namespace, name, { status }, "status");
    }
    return {};
  }
}
