// ModelServing (workload.serving.volcano.sh/v1alpha1): replicas of a ServingGroup, each made of up to
// four roles (e.g. prefill and decode), each role replica being one entry pod plus workerReplicas
// worker pods. Field names, defaults and webhook rules follow Kthena (reference §2.2 and §3.7).
import { z } from "zod";
import { duplicates } from "../common/collections.ts";
import { ConditionSchema } from "../common/condition.ts";
import { freeFormObject } from "../common/k8s-extensions.ts";
import {
  celIsZeroIntOrPercent,
  intOrPercent,
  isZeroIntOrPercent,
} from "../common/int-or-string.ts";
import { DNS1035_LABEL, DNS1035_LABEL_MAX } from "../common/names.ts";
import { PodTemplateSchema } from "../common/pod-template.ts";
import { withRules } from "../common/rules.ts";
import { WORKLOAD_API_VERSION } from "../groups.ts";
import { defineResource } from "../resource.ts";
import { NetworkTopologySpecSchema } from "../volcano/network-topology.ts";

export const MAX_ROLES = 4;
export const ROLE_NAME_MAX = 12;

export const RolloutStrategyTypeSchema = z.enum(["ServingGroupRollingUpdate", "RoleRollingUpdate"]);
export const RecoveryPolicySchema = z.enum(["RoleRecreate", "ServingGroupRecreate", "None"]);

export const RoleSchema = withRules(
  z.strictObject({
    name: z.string().min(1).max(ROLE_NAME_MAX).regex(DNS1035_LABEL, {
      error: "must be a DNS-1035 label (lower case letters, digits, '-', starting with a letter)",
    }),
    replicas: z.int32().min(0).default(1).describe("Role replicas in each ServingGroup."),
    entryTemplate: PodTemplateSchema.describe("Exactly one entry pod per role replica."),
    workerReplicas: z
      .int32()
      .min(0)
      .describe("Worker pods per role replica, besides the entry pod."),
    workerTemplate: PodTemplateSchema.optional(),
    maxUnavailable: intOrPercent(
      "Role-level rolling update budget (RoleRollingUpdate).",
    ).optional(),
    partition: intOrPercent(
      "Role replicas below this ordinal keep the old revision (RoleRollingUpdate).",
    ).optional(),
  }),
  [
    {
      field: "workerTemplate",
      cel: "self.workerReplicas == 0 || has(self.workerTemplate)",
      message: "required when workerReplicas > 0",
      test: (r) => r.workerReplicas === 0 || r.workerTemplate !== undefined,
    },
    {
      field: "entryTemplate.spec.containers",
      cel: "size(self.entryTemplate.spec.containers) > 0",
      message: "must have at least 1 container",
      test: (r) => r.entryTemplate.spec.containers.length > 0,
    },
    {
      field: "workerTemplate.spec.containers",
      cel: "self.workerReplicas == 0 || !has(self.workerTemplate) || size(self.workerTemplate.spec.containers) > 0",
      message: "must have at least 1 container when workerReplicas > 0",
      test: (r) =>
        r.workerReplicas === 0 ||
        r.workerTemplate === undefined ||
        r.workerTemplate.spec.containers.length > 0,
    },
    {
      field: "maxUnavailable",
      cel: `!has(self.maxUnavailable) || !${celIsZeroIntOrPercent("self.maxUnavailable")}`,
      message: "must not be 0",
      test: (r) => r.maxUnavailable === undefined || !isZeroIntOrPercent(r.maxUnavailable),
    },
    {
      field: "maxUnavailable",
      cel: "!has(self.maxUnavailable) || type(self.maxUnavailable) != int || self.maxUnavailable <= self.replicas",
      message: "must not exceed the role's replicas",
      test: (r) => typeof r.maxUnavailable !== "number" || r.maxUnavailable <= r.replicas,
    },
  ],
);
export type Role = z.output<typeof RoleSchema>;

export const GangPolicySchema = z.strictObject({
  minRoleReplicas: z
    .record(z.string(), z.int32().min(0))
    .meta({ maxProperties: MAX_ROLES })
    .optional()
    .describe(
      "Role replicas that must be scheduled together (gang) in each ServingGroup; immutable.",
    ),
});

export const ServingGroupNetworkTopologySchema = z.strictObject({
  groupPolicy: NetworkTopologySpecSchema.optional().describe("Placement of a whole ServingGroup."),
  rolePolicy: NetworkTopologySpecSchema.optional().describe(
    "Placement of one role replica (entry + workers).",
  ),
});

export const ServingGroupSchema = withRules(
  z.strictObject({
    restartGracePeriodSeconds: z
      .int()
      .min(0)
      .default(0)
      .describe("How long a failed pod may recover before its role or group is rebuilt."),
    gangPolicy: GangPolicySchema.optional(),
    networkTopology: ServingGroupNetworkTopologySchema.optional(),
    roles: z.array(RoleSchema).min(1).max(MAX_ROLES),
  }),
  [
    {
      field: "roles",
      cel: "self.roles.all(r, self.roles.exists_one(o, o.name == r.name))",
      message: "role names must be unique",
      test: (t) =>
        duplicates(t.roles.map((r) => r.name)).map((i) => ({
          path: ["roles", i, "name"],
          message: `duplicate role name "${t.roles[i]?.name ?? ""}"`,
        })),
    },
    {
      field: "gangPolicy.minRoleReplicas",
      cel: "!has(self.gangPolicy) || !has(self.gangPolicy.minRoleReplicas) || self.gangPolicy.minRoleReplicas.all(k, self.roles.exists(r, r.name == k))",
      message: "keys must name roles of this template",
      test: (t) =>
        Object.keys(t.gangPolicy?.minRoleReplicas ?? {})
          .filter((k) => !t.roles.some((r) => r.name === k))
          .map((k) => ({
            path: ["gangPolicy", "minRoleReplicas", k],
            message: `"${k}" is not a role of this template`,
          })),
    },
    {
      field: "gangPolicy.minRoleReplicas",
      cel: "!has(self.gangPolicy) || !has(self.gangPolicy.minRoleReplicas) || self.gangPolicy.minRoleReplicas.all(k, self.roles.all(r, r.name != k || self.gangPolicy.minRoleReplicas[k] <= r.replicas))",
      message: "must not exceed the role's replicas",
      test: (t) =>
        Object.entries(t.gangPolicy?.minRoleReplicas ?? {}).flatMap(([k, min]) => {
          const role = t.roles.find((r) => r.name === k);
          return role && min > role.replicas
            ? [
                {
                  path: ["gangPolicy", "minRoleReplicas", k],
                  message: `must not exceed the role's replicas (${role.replicas})`,
                },
              ]
            : [];
        }),
    },
    {
      // Transition rule (apiserver only): gang membership is baked into existing PodGroups.
      field: "gangPolicy",
      cel: "!has(oldSelf.gangPolicy) || !has(oldSelf.gangPolicy.minRoleReplicas) || (has(self.gangPolicy) && has(self.gangPolicy.minRoleReplicas) && self.gangPolicy.minRoleReplicas == oldSelf.gangPolicy.minRoleReplicas)",
      message: "minRoleReplicas is immutable and cannot be removed once set",
    },
  ],
);
export type ServingGroup = z.output<typeof ServingGroupSchema>;

export const RollingUpdateConfigurationSchema = withRules(
  z.strictObject({
    maxUnavailable: intOrPercent(
      "ServingGroups that may be unavailable during an update (% of replicas, rounded down).",
    ).default(1),
    partition: intOrPercent(
      "ServingGroups with a lower ordinal keep the old revision (% rounded up).",
    ).default(0),
  }),
  [
    {
      field: "maxUnavailable",
      cel: `!${celIsZeroIntOrPercent("self.maxUnavailable")}`,
      message: "must not be 0",
      test: (c) => !isZeroIntOrPercent(c.maxUnavailable),
    },
  ],
);

export const RolloutStrategySchema = withRules(
  z.strictObject({
    type: RolloutStrategyTypeSchema.default("ServingGroupRollingUpdate"),
    rollingUpdateConfiguration: RollingUpdateConfigurationSchema.optional(),
  }),
  [
    {
      field: "rollingUpdateConfiguration",
      cel: "self.type != 'RoleRollingUpdate' || !has(self.rollingUpdateConfiguration)",
      message:
        "only allowed when type is ServingGroupRollingUpdate (set maxUnavailable/partition on roles instead)",
      test: (s) => s.type !== "RoleRollingUpdate" || s.rollingUpdateConfiguration === undefined,
    },
  ],
);

export const PluginSchema = z.strictObject({
  name: z.string().min(1),
  type: z.enum(["BuiltIn"]).default("BuiltIn"),
  config: freeFormObject("Plugin-specific configuration.").optional(),
  scope: z
    .strictObject({
      roles: z.array(z.string()).optional(),
      target: z.enum(["All", "Entry", "Worker"]).default("All"),
    })
    .optional(),
});

export const ModelServingSpecSchema = withRules(
  z.strictObject({
    replicas: z.int32().min(0).default(1).describe("Number of ServingGroups (not pods)."),
    schedulerName: z.string().default("volcano"),
    plugins: z.array(PluginSchema).optional(),
    template: ServingGroupSchema,
    rolloutStrategy: RolloutStrategySchema.optional(),
    recoveryPolicy: RecoveryPolicySchema.default("RoleRecreate"),
  }),
  [
    {
      field: "recoveryPolicy",
      cel: "!(has(self.recoveryPolicy) && self.recoveryPolicy == 'ServingGroupRecreate' && has(self.rolloutStrategy) && has(self.rolloutStrategy.type) && self.rolloutStrategy.type == 'RoleRollingUpdate')",
      message:
        "ServingGroupRecreate cannot be combined with rolloutStrategy.type RoleRollingUpdate",
      test: (s) =>
        !(
          s.recoveryPolicy === "ServingGroupRecreate" &&
          s.rolloutStrategy?.type === "RoleRollingUpdate"
        ),
    },
    {
      field: "template.roles",
      cel: "(has(self.rolloutStrategy) && has(self.rolloutStrategy.type) && self.rolloutStrategy.type == 'RoleRollingUpdate') || self.template.roles.all(r, !has(r.partition))",
      message: "partition on a role is only allowed when rolloutStrategy.type is RoleRollingUpdate",
      test: (s) =>
        s.rolloutStrategy?.type === "RoleRollingUpdate"
          ? []
          : s.template.roles.flatMap((r, i) =>
              r.partition === undefined ? [] : [{ path: ["template", "roles", i, "partition"] }],
            ),
    },
  ],
);
export type ModelServingSpec = z.output<typeof ModelServingSpecSchema>;

export const ModelServingStatusSchema = z.strictObject({
  observedGeneration: z.int().optional(),
  replicas: z.int32().optional().describe("ServingGroups that exist."),
  currentReplicas: z.int32().optional(),
  updatedReplicas: z.int32().optional(),
  availableReplicas: z.int32().optional(),
  currentRevision: z.string().optional(),
  updateRevision: z.string().optional(),
  conditions: z.array(ConditionSchema).optional(),
  labelSelector: z.string().optional().describe("Selects one pod per ServingGroup, for HPA/KEDA."),
});

// Pods and headless Services are named <ms>-<group>-<role>-<roleReplica>-<podIndex> and must be
// DNS-1035 labels. The length check uses the replica counts themselves (not count-1) as a slightly
// conservative bound that CEL can express without a max() function.
function longestGeneratedName(
  name: string,
  spec: ModelServingSpec,
): { role: string; length: number } | undefined {
  let worst: { role: string; length: number } | undefined;
  for (const r of spec.template.roles) {
    const length =
      name.length +
      String(spec.replicas).length +
      r.name.length +
      String(r.replicas).length +
      String(r.workerReplicas).length +
      4;
    if (!worst || length > worst.length) worst = { role: r.name, length };
  }
  return worst;
}

export const ModelServingResource = defineResource({
  apiVersion: WORKLOAD_API_VERSION,
  kind: "ModelServing",
  plural: "modelservings",
  description:
    "Serves one model as replicas of a ServingGroup made of roles with entry and worker pods.",
  spec: ModelServingSpecSchema,
  status: ModelServingStatusSchema,
  rules: [
    {
      field: "metadata.name",
      celFieldPath: false,
      cel: "!has(self.metadata.name) || self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')",
      message: "must start with a letter (generated pod and Service names must be DNS-1035 labels)",
      test: (o) => o.metadata.name === undefined || DNS1035_LABEL.test(o.metadata.name),
    },
    {
      field: "metadata.name",
      celFieldPath: false,
      cel: `!has(self.metadata.name) || self.spec.template.roles.all(r, size(self.metadata.name) + size(string(self.spec.replicas)) + size(r.name) + size(string(r.replicas)) + size(string(r.workerReplicas)) + 4 <= ${DNS1035_LABEL_MAX})`,
      message: `too long: generated names <name>-<group>-<role>-<replica>-<index> must fit in ${DNS1035_LABEL_MAX} characters`,
      test: (o) =>
        o.metadata.name === undefined ||
        (longestGeneratedName(o.metadata.name, o.spec)?.length ?? 0) <= DNS1035_LABEL_MAX,
    },
  ],
  crd: {
    printerColumns: [
      {
        name: "Replicas",
        type: "integer",
        jsonPath: ".spec.replicas",
        description: "Desired ServingGroups",
      },
      { name: "Available", type: "integer", jsonPath: ".status.availableReplicas" },
      { name: "Updated", type: "integer", jsonPath: ".status.updatedReplicas" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ],
    scale: {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.replicas",
      labelSelectorPath: ".status.labelSelector",
    },
  },
});

export const ModelServingSchema = ModelServingResource.schema;
export type ModelServing = z.output<typeof ModelServingSchema>;
