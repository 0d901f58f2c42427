// The saved form of an xPyD topology design (`topologies.save`, the console designer's `toSpec`):
// one zod schema for the API, which stores and renders it, and the designer, which validates it on
// every keystroke. Browser-safe: no node: imports.
import { z } from "zod";
import { DNS1035_LABEL } from "../api/common/names.ts";
import { labelKeyProblem, labelValueProblem } from "./labels.ts";

const MAX_POD_LABELS = 64;

const PodLabelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  const entries = Object.entries(labels);
  if (entries.length > MAX_POD_LABELS)
    ctx.addIssue({ code: "custom", message: `must have at most ${MAX_POD_LABELS} labels` });
  for (const [key, value] of entries) {
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) ctx.addIssue({ code: "custom", path: [key], message: `key ${keyProblem}` });
    const valueProblem = labelValueProblem(value);
    if (valueProblem)
      ctx.addIssue({ code: "custom", path: [key], message: `value ${valueProblem}` });
  }
});

export const DesignRoleSchema = z.strictObject({
  // Kthena: role names are DNS-1035 labels of at most 12 characters.
  name: z.string().min(1).max(12).regex(DNS1035_LABEL, "must be a DNS-1035 label"),
  /** prefill / decode roles are paired by the router (PD disaggregation); mixed does both. */
  kind: z.enum(["prefill", "decode", "mixed"]),
  replicas: z.int().min(0).max(1000),
  tensorParallel: z.int().min(1).max(64).default(1),
  pipelineParallel: z.int().min(1).max(64).default(1),
  gpusPerPod: z.int().min(0).max(16).default(1),
  /** Gang minimum for this role (relaxed gang); absent = all replicas, as Kthena reads a missing
   * minRoleReplicas key. */
  minReplicas: z.int().min(0).optional(),
  // Fields added after designs were first saved (workerReplicas, podLabels, routing) are optional
  // without a zod default: absent means the behaviour from before they existed, so a stored spec
  // parses (and hashes) exactly as it did — an old version loads unchanged, re-saving it is no-op.
  workerReplicas: z
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe(
      "Worker pods per role replica (besides the entry pod). Default: TP×PP ÷ gpusPerPod − 1.",
    ),
});
export type DesignRole = z.output<typeof DesignRoleSchema>;

export const TopologyPolicySchema = z.strictObject({
  mode: z.enum(["hard", "soft"]).default("hard"),
  highestTierAllowed: z.int().min(0).max(10),
});

export const DesignSpecSchema = z
  .strictObject({
    model: z
      .string()
      .min(1)
      .max(253)
      .describe("Model name clients request (ModelRoute modelName)."),
    modelUri: z.string().max(1000).optional().describe("Weights location passed to the engine."),
    engine: z.enum(["vLLM", "SGLang"]),
    image: z.string().min(1).optional(),
    /** Base name of the rendered objects (DNS label). */
    name: z.string().min(1).max(40).regex(DNS1035_LABEL, "must be a DNS-1035 label"),
    namespace: z
      .string()
      .min(1)
      .max(63)
      .regex(DNS1035_LABEL, "must be a DNS label")
      .default("default"),
    servingGroups: z.int().min(0).max(1000).default(1),
    roles: z.array(DesignRoleSchema).min(1).max(8),
    gang: z.enum(["strict", "relaxed", "none"]).default("strict"),
    // See workerReplicas on why these have no zod default.
    podLabels: PodLabelsSchema.optional().describe(
      "Extra labels on every pod (e.g. tessera.io/engine=sim: simulated engines on local clusters).",
    ),
    routing: z
      .boolean()
      .optional()
      .describe("Render a ModelServer and ModelRoute for the router. Default: true."),
    networkTopology: z
      .strictObject({
        group: TopologyPolicySchema.optional(),
        role: TopologyPolicySchema.optional(),
      })
      .optional(),
    autoscaling: z
      .strictObject({
        metric: z.string().min(1).default("kthena:num_requests_waiting"),
        targetValue: z.number().positive(),
        minReplicas: z.int().min(0),
        maxReplicas: z.int().min(1),
      })
      .refine((a) => a.maxReplicas >= a.minReplicas, {
        path: ["maxReplicas"],
        message: "must be ≥ minReplicas",
      })
      .optional(),
  })
  .superRefine((d, ctx) => {
    const names = new Set<string>();
    d.roles.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "name"],
          message: `duplicate role name "${r.name}"`,
        });
      names.add(r.name);
      const gpus = r.tensorParallel * r.pipelineParallel;
      // Only a derived worker count needs whole pods; an explicit one is the designer's choice.
      if (r.workerReplicas === undefined && r.gpusPerPod > 0 && gpus % r.gpusPerPod !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "gpusPerPod"],
          message: `must divide tensorParallel × pipelineParallel (${gpus})`,
        });
      }
      // Kthena's webhook rejects a minRoleReplicas above the role's replicas; say so here, naming
      // the field, rather than clamping it.
      if (r.minReplicas !== undefined && r.minReplicas > r.replicas) {
        ctx.addIssue({
          code: "custom",
          path: ["roles", i, "minReplicas"],
          message: `must be ≤ replicas (${r.replicas})`,
        });
      }
    });
    const kinds = new Set(d.roles.map((r) => r.kind));
    if (kinds.has("prefill") !== kinds.has("decode")) {
      ctx.addIssue({
        code: "custom",
        path: ["roles"],
        message: "prefill and decode roles come together",
      });
    }
    const nt = d.networkTopology;
    // Volcano enforces tiers on a PodGroup; without a gang the controller creates none, so tiers
    // would be accepted and silently ignored.
    if (d.gang === "none" && (nt?.group !== undefined || nt?.role !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["networkTopology"],
        message: "needs gang strict or relaxed: without a Volcano PodGroup no tier is enforced",
      });
    }
    // A role replica's pods are a subset of its ServingGroup's, so its bound cannot be looser.
    if (
      nt?.group !== undefined &&
      nt.role !== undefined &&
      nt.role.highestTierAllowed > nt.group.highestTierAllowed
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["networkTopology", "role", "highestTierAllowed"],
        message: `must be ≤ the group's highestTierAllowed (${nt.group.highestTierAllowed})`,
      });
    }
  });
/** A parsed design spec (defaults filled in): what the renderer takes. */
export type DesignSpec = z.output<typeof DesignSpecSchema>;
/** A design spec as sent to the API (fields with defaults may be left out). */
export type DesignSpecInput = z.input<typeof DesignSpecSchema>;

/** Pods per role replica (entry + workers): as given, or TP×PP GPUs split into pods of gpusPerPod. */
export const podsPerReplica = (
  r: Pick<DesignRole, "workerReplicas" | "tensorParallel" | "pipelineParallel" | "gpusPerPod">,
): number =>
  r.workerReplicas !== undefined
    ? 1 + r.workerReplicas
    : r.gpusPerPod === 0
      ? 1
      : Math.max(1, (r.tensorParallel * r.pipelineParallel) / r.gpusPerPod);

/** Workers per role replica when the spec leaves workerReplicas out (TP×PP ÷ gpusPerPod − 1). */
export const derivedWorkerReplicas = (
  r: Pick<DesignRole, "tensorParallel" | "pipelineParallel" | "gpusPerPod">,
): number => podsPerReplica({ ...r, workerReplicas: undefined }) - 1;
