// Revision hashes. A revision names one ServingGroup template; pods carry it in their labels so the
// controller can tell outdated groups from updated ones without any in-memory state.
//
// Kthena hashes the roles with `replicas` and the per-role rolling config blanked (so scaling never
// triggers a rollout). Tessera does the same and additionally folds in gangPolicy and
// networkTopology: a change to either changes how a group must be placed, and Kthena silently
// ignoring it (kthena#690) leaves running groups on the old placement forever.
import type { ModelServing, Role } from "@tessera/shared";

/** 32-bit FNV-1a over the UTF-8 bytes of a string. */
export function fnv32a(s: string): number {
  const bytes = new TextEncoder().encode(s);
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal values always hash equally whatever the key order. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => stableStringify(v)).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
}

// Like Kubernetes' rand.SafeEncodeString: no vowels (no accidental words) and no ambiguous 0/1/3.
const SAFE = "bcdfghjklmnpqrstvwxz2456789";

/** Encodes a hash the way Kubernetes encodes pod-template hashes: decimal digits mapped to safe characters. */
export function safeEncode(n: number): string {
  return String(n)
    .split("")
    .map((d) => SAFE[Number(d) % SAFE.length] ?? "b")
    .join("");
}

function blankRole(role: Role): Omit<Role, "replicas" | "maxUnavailable" | "partition"> {
  const { replicas: _r, maxUnavailable: _m, partition: _p, ...rest } = role;
  return rest;
}

/** Hash of one role's pod templates (what RoleRollingUpdate compares); includes the role-level topology. */
export function roleTemplateHash(role: Role, rolePolicy?: unknown): string {
  return safeEncode(
    fnv32a(stableStringify({ role: blankRole(role), rolePolicy: rolePolicy ?? null })),
  );
}

/** Hash of the whole ServingGroup template: roles (replicas blanked), gangPolicy and networkTopology. */
export function templateRevision(template: ModelServing["spec"]["template"]): string {
  return safeEncode(
    fnv32a(
      stableStringify({
        roles: template.roles.map(blankRole),
        gangPolicy: template.gangPolicy ?? null,
        networkTopology: template.networkTopology ?? null,
      }),
    ),
  );
}
