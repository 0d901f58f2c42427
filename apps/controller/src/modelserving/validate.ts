// Validation the controller does itself (reference §3.7). The shared zod schema carries every rule
// the CRD also enforces with CEL; running it here catches objects admitted by an older CRD or one
// installed without validation. On top come checks CEL cannot express: exact generated-name
// lengths for the real ordinals, label-value limits, and duplicate container names (which only
// surface as a pod-creation error much later).
import { ModelServingSchema } from "@tessera/shared";
import type { ModelServing } from "@tessera/shared";
import { DNS1035_LABEL } from "@tessera/shared/api/common/names";
import { entryPodName, groupName, podName, roleId } from "./names.ts";

export type ValidationResult = { ok: true; ms: ModelServing } | { ok: false; problems: string[] };

function path(p: readonly PropertyKey[]): string {
  return p
    .map((x) => (typeof x === "number" ? `[${x}]` : `.${String(x)}`))
    .join("")
    .replace(/^\./, "");
}

export function validateModelServing(raw: unknown): ValidationResult {
  const parsed = ModelServingSchema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `${path(i.path)}: ${i.message}`) };
  }
  const ms = parsed.data;
  const problems: string[] = [];
  const name = ms.metadata.name ?? "";
  const lastGroup = Math.max(0, ms.spec.replicas - 1);
  if (groupName(name, lastGroup).length > 63)
    problems.push(
      `metadata.name: ServingGroup name ${groupName(name, lastGroup)} exceeds 63 characters (label value limit)`,
    );
  ms.spec.template.roles.forEach((role, i) => {
    const lastRole = Math.max(0, role.replicas - 1);
    const longest = podName(name, lastGroup, role.name, lastRole, role.workerReplicas);
    if (longest.length > 63 || !DNS1035_LABEL.test(longest)) {
      problems.push(
        `spec.template.roles[${i}]: generated pod name ${longest} is not a DNS-1035 label of at most 63 characters`,
      );
    }
    if (role.workerTemplate && entryPodName(name, lastGroup, role.name, lastRole).length > 63) {
      problems.push(`spec.template.roles[${i}]: headless Service name too long`);
    }
    if (roleId(role.name, lastRole).length > 63)
      problems.push(`spec.template.roles[${i}].name: role id too long for a label value`);
    const templates = [
      ["entryTemplate", role.entryTemplate] as const,
      ...(role.workerTemplate ? [["workerTemplate", role.workerTemplate] as const] : []),
    ];
    for (const [field, t] of templates) {
      const names = [...t.spec.containers, ...(t.spec.initContainers ?? [])].map((c) => c.name);
      const dup = names.find((n, j) => names.indexOf(n) !== j);
      if (dup !== undefined)
        problems.push(`spec.template.roles[${i}].${field}: duplicate container name "${dup}"`);
    }
  });
  for (const [role, min] of Object.entries(ms.spec.template.gangPolicy?.minRoleReplicas ?? {})) {
    if (min === 0)
      problems.push(
        `spec.template.gangPolicy.minRoleReplicas.${role}: 0 leaves the role out of the gang entirely; omit it instead`,
      );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, ms };
}
