// RBAC checks on rendered manifests: no wildcards anywhere, and the controller's rules are exactly
// what apps/controller/src touches.
import type { KubeObject } from "./helm.ts";

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const RBAC_KINDS = new Set(["Role", "ClusterRole"]);

/** Every wildcard (`*` in verbs, resources, apiGroups or nonResourceURLs, or an aggregationRule) in Roles and ClusterRoles. */
export function findWildcards(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (!RBAC_KINDS.has(o.kind)) continue;
    const id = `${o.kind}/${o.metadata.name}`;
    if (o["aggregationRule"])
      problems.push(`${id}: aggregationRule grants whatever other roles grant`);
    const rules = (o["rules"] ?? []) as PolicyRule[];
    rules.forEach((r, i) => {
      for (const field of ["verbs", "resources", "apiGroups", "nonResourceURLs"] as const) {
        for (const v of r[field] ?? []) {
          if (v.includes("*")) problems.push(`${id} rules[${i}].${field}: "${v}"`);
        }
      }
      for (const v of r.resources ?? [])
        if (v.endsWith("/*")) problems.push(`${id} rules[${i}].resources: "${v}"`);
    });
  }
  return problems;
}

/** One (apiGroup, resource, verb) grant, optionally restricted to names: "group/resource:verb[@name]". */
export function grants(rules: PolicyRule[]): string[] {
  const out = new Set<string>();
  for (const r of rules)
    for (const g of r.apiGroups ?? [])
      for (const res of r.resources ?? [])
        for (const v of r.verbs)
          if (r.resourceNames?.length)
            for (const n of r.resourceNames) out.add(`${g}/${res}:${v}@${n}`);
          else out.add(`${g}/${res}:${v}`);
  return [...out].sort();
}

/**
 * What the controller does against the apiserver, with where it happens in apps/controller/src.
 * rbac.test.ts checks the rendered ClusterRole + Role against this list and this list against the code.
 */
export const CONTROLLER_ACCESS: { grant: string; kind: string; why: string }[] = [
  {
    grant: "workload.serving.volcano.sh/modelservings:list",
    kind: "ModelServing",
    why: "manager.ts informer",
  },
  {
    grant: "workload.serving.volcano.sh/modelservings:watch",
    kind: "ModelServing",
    why: "manager.ts informer",
  },
  {
    grant: "workload.serving.volcano.sh/modelservings:patch",
    kind: "ModelServing",
    why: "reconciler.ts group-status annotation; modelbooster apply",
  },
  // Server-side apply that creates the object is authorized as create.
  {
    grant: "workload.serving.volcano.sh/modelservings:create",
    kind: "ModelServing",
    why: "modelbooster apply (first time)",
  },
  {
    grant: "workload.serving.volcano.sh/modelservings/status:patch",
    kind: "ModelServing",
    why: "reconciler.ts writeStatus",
  },
  {
    grant: "workload.serving.volcano.sh/modelservings/scale:patch",
    kind: "ModelServing",
    why: "autoscaling/reconciler.ts scale",
  },
  {
    grant: "workload.serving.volcano.sh/autoscalingpolicies:list",
    kind: "AutoscalingPolicy",
    why: "manager.ts autoscaler informer",
  },
  {
    grant: "workload.serving.volcano.sh/autoscalingpolicies:watch",
    kind: "AutoscalingPolicy",
    why: "manager.ts autoscaler informer",
  },
  {
    grant: "workload.serving.volcano.sh/autoscalingpolicies/status:patch",
    kind: "AutoscalingPolicy",
    why: "autoscaling/reconciler.ts writeStatus",
  },
  { grant: "/nodes:list", kind: "Node", why: "manager.ts autoscaler capacity informer" },
  { grant: "/nodes:watch", kind: "Node", why: "manager.ts autoscaler capacity informer" },
  {
    grant: "topology.volcano.sh/hypernodes:list",
    kind: "HyperNode",
    why: "manager.ts autoscaler capacity informer",
  },
  {
    grant: "topology.volcano.sh/hypernodes:watch",
    kind: "HyperNode",
    why: "manager.ts autoscaler capacity informer",
  },
  {
    grant: "workload.serving.volcano.sh/modelboosters:list",
    kind: "ModelBooster",
    why: "manager.ts informer",
  },
  {
    grant: "workload.serving.volcano.sh/modelboosters:watch",
    kind: "ModelBooster",
    why: "manager.ts informer",
  },
  {
    grant: "workload.serving.volcano.sh/modelboosters/status:patch",
    kind: "ModelBooster",
    why: "modelbooster/reconciler.ts status",
  },
  ...(["create", "patch"] as const).flatMap((v) => [
    {
      grant: `networking.serving.volcano.sh/modelservers:${v}`,
      kind: "ModelServer",
      why: "modelbooster/reconciler.ts apply",
    },
    {
      grant: `networking.serving.volcano.sh/modelroutes:${v}`,
      kind: "ModelRoute",
      why: "modelbooster/reconciler.ts apply",
    },
  ]),
  ...(["list", "watch", "create", "patch", "delete"] as const).flatMap((v) => [
    { grant: `/pods:${v}`, kind: "Pod", why: "informer; plan apply/delete" },
    { grant: `/services:${v}`, kind: "Service", why: "informer; plan apply/delete" },
    {
      grant: `apps/controllerrevisions:${v}`,
      kind: "ControllerRevision",
      why: "informer; plan apply/delete",
    },
    {
      grant: `scheduling.volcano.sh/podgroups:${v}`,
      kind: "PodGroup",
      why: "informer; plan apply/delete",
    },
  ]),
  { grant: "/events:create", kind: "Event", why: "runtime/events.ts" },
  {
    grant: "apiextensions.k8s.io/customresourcedefinitions:get@podgroups.scheduling.volcano.sh",
    kind: "CustomResourceDefinition",
    why: "k8s/podgroup-mode.ts",
  },
  {
    grant: "coordination.k8s.io/leases:create",
    kind: "Lease",
    why: "runtime/leader-election.ts create",
  },
  {
    grant: "coordination.k8s.io/leases:get@tessera-controller",
    kind: "Lease",
    why: "leader-election.ts get",
  },
  {
    grant: "coordination.k8s.io/leases:update@tessera-controller",
    kind: "Lease",
    why: "leader-election.ts PUT",
  },
];

/** Rules of the named component's ClusterRole and Roles in rendered output. */
export function componentRules(objects: KubeObject[], component: string): PolicyRule[] {
  return objects
    .filter(
      (o) =>
        RBAC_KINDS.has(o.kind) && o.metadata.labels?.["app.kubernetes.io/component"] === component,
    )
    .flatMap((o) => (o["rules"] ?? []) as PolicyRule[]);
}
