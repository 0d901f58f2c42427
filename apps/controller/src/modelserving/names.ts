// Kthena's naming scheme (reference §3.1): ServingGroup `<ms>-<g>`, role replica `<role>-<r>`, pod
// `<ms>-<g>-<role>-<r>-<i>` (i = 0 for the entry pod, 1..N for workers). The headless Service of a
// role replica has the entry pod's name.

export function groupName(ms: string, ordinal: number): string {
  return `${ms}-${ordinal}`;
}

export function roleId(role: string, ordinal: number): string {
  return `${role}-${ordinal}`;
}

export function podName(
  ms: string,
  group: number,
  role: string,
  roleOrdinal: number,
  index: number,
): string {
  return `${groupName(ms, group)}-${roleId(role, roleOrdinal)}-${index}`;
}

export function entryPodName(ms: string, group: number, role: string, roleOrdinal: number): string {
  return podName(ms, group, role, roleOrdinal, 0);
}

export function controllerRevisionName(ms: string, revision: string): string {
  return `${ms}-${revision}`;
}

/** Parses the trailing `-<n>` of a name that starts with `prefix-`; undefined if it does not. */
export function ordinalAfter(prefix: string, name: string): number | undefined {
  if (!name.startsWith(`${prefix}-`)) return undefined;
  const rest = name.slice(prefix.length + 1);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

/** Splits a role id `<role>-<ordinal>` (role names are DNS-1035 labels, so the last `-` separates). */
export function parseRoleId(id: string): { role: string; ordinal: number } | undefined {
  const i = id.lastIndexOf("-");
  if (i <= 0) return undefined;
  const n = id.slice(i + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(n)) return undefined;
  return { role: id.slice(0, i), ordinal: Number(n) };
}
