// `pod.labelSelector` of a metric source, with Kubernetes' semantics (metav1.LabelSelector):
// matchLabels and every matchExpression must all hold; In / NotIn need at least one value, Exists /
// DoesNotExist take none. An unknown operator is rejected earlier, by the policy schema. A selector
// the apiserver would refuse is reported as InvalidPolicy naming the field, never half-applied.
import type { LabelSelector } from "@tessera/shared/api/common/label-selector";
import type { AutoscalingPolicySpec } from "@tessera/shared/api/workload/autoscaling-policy";
import { matchesLabels } from "@tessera/shared/placement/index";
import type { PodObject } from "../k8s/types.ts";

type MetricSources = Record<string, { pod?: { labelSelector?: LabelSelector } | undefined }>;

/** What is wrong with one selector, each message starting with the field's path. */
export function selectorProblems(sel: LabelSelector | undefined, field: string): string[] {
  const out: string[] = [];
  (sel?.matchExpressions ?? []).forEach((e, i) => {
    const at = `${field}.matchExpressions.${i}`;
    const n = e.values?.length ?? 0;
    if (e.key === "") out.push(`${at}.key: must not be empty`);
    if ((e.operator === "In" || e.operator === "NotIn") && n === 0)
      out.push(`${at}.values: operator ${e.operator} needs at least one value`);
    if ((e.operator === "Exists" || e.operator === "DoesNotExist") && n > 0)
      out.push(`${at}.values: must be empty for operator ${e.operator}`);
  });
  return out;
}

function sourcesProblems(sources: MetricSources | undefined | null, field: string): string[] {
  return Object.entries(sources ?? {}).flatMap(([metric, src]) =>
    selectorProblems(src.pod?.labelSelector, `${field}.${metric}.pod.labelSelector`),
  );
}

/** Every pod label selector of a policy, checked; empty when all are valid. */
export function policySelectorProblems(spec: AutoscalingPolicySpec): string[] {
  const out: string[] = [];
  const homogeneous = spec.homogeneousTarget;
  if (homogeneous)
    out.push(
      ...sourcesProblems(
        homogeneous.target.metricSources,
        "homogeneousTarget.target.metricSources",
      ),
    );
  spec.heterogeneousTarget?.params.forEach((p, i) =>
    out.push(
      ...sourcesProblems(
        p.target.metricSources,
        `heterogeneousTarget.params.${i}.target.metricSources`,
      ),
    ),
  );
  for (const [role, r] of Object.entries(spec.disaggregatedTarget?.roles ?? {}))
    out.push(
      ...sourcesProblems(r.metricSources, `disaggregatedTarget.roles.${role}.metricSources`),
    );
  return out;
}

/** The pods a (valid) selector selects; no selector selects them all. */
export function selectPods(
  pods: readonly PodObject[],
  sel: LabelSelector | undefined,
): PodObject[] {
  return sel ? pods.filter((p) => matchesLabels(p.metadata?.labels, sel)) : [...pods];
}
