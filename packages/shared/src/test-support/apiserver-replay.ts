// Replays manifests through a generated CRD the way the apiserver handles a create or an update:
// apply the schema's defaults, check the OpenAPI value validations, then evaluate every CEL rule
// (x-kubernetes-validations) with a real CEL interpreter. Transition rules (those using oldSelf) run
// only on updates, where an old value exists at the same place (object fields and map entries are
// correlated; lists are atomic, as with the apiserver's default list type).
import { evaluate } from "@marcbachmann/cel-js";
import { applyDefaults, validateValue } from "../crd/openapi-value.ts";
import type { JsonSchema } from "../crd/structural.ts";

export interface ReplayProblem {
  path: string;
  message: string;
}

interface CelRule {
  rule: string;
  message?: string;
  fieldPath?: string;
}

/** Every rule text evaluated so far, so tests can prove no rule escaped evaluation. */
export const evaluatedRules = new Set<string>();
/** Every rule text that rejected something, so tests can prove each rule has a failing case. */
export const failedRules = new Set<string>();

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** CEL distinguishes int from double; YAML integers become BigInt so `type(x) == int` works. */
function toCel(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel);
  if (isObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

function join(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

function evaluateRules(
  schema: JsonSchema,
  path: string,
  self: unknown,
  oldSelf: unknown,
  out: ReplayProblem[],
): void {
  const rules = schema["x-kubernetes-validations"];
  for (const r of Array.isArray(rules) ? (rules as CelRule[]) : []) {
    if (r.rule.includes("oldSelf") && oldSelf === undefined) continue;
    const at = r.fieldPath ? (path ? `${path}${r.fieldPath}` : r.fieldPath.slice(1)) : path;
    evaluatedRules.add(r.rule);
    try {
      const ok: unknown = evaluate(r.rule, { self, oldSelf });
      if (ok !== true) {
        failedRules.add(r.rule);
        out.push({ path: at, message: r.message ?? r.rule });
      }
    } catch (error) {
      out.push({
        path: at,
        message: `CEL error in ${r.rule}: ${(error as Error).message.split("\n")[0] ?? ""}`,
      });
    }
  }
  const items = schema["items"];
  if (Array.isArray(self) && isObject(items)) {
    self.forEach((v, i) => evaluateRules(items, join(path, i), v, undefined, out));
  }
  if (isObject(self)) {
    const props = isObject(schema["properties"]) ? schema["properties"] : {};
    const additional = isObject(schema["additionalProperties"])
      ? schema["additionalProperties"]
      : undefined;
    for (const [k, v] of Object.entries(self)) {
      const child = isObject(props[k]) ? props[k] : additional;
      const old = isObject(oldSelf) ? oldSelf[k] : undefined;
      if (child) evaluateRules(child, join(path, k), v, old, out);
    }
  }
}

function rootSchema(crd: JsonSchema): JsonSchema {
  const versions = (crd["spec"] as { versions: { schema: { openAPIV3Schema: JsonSchema } }[] })
    .versions;
  const schema = versions[0]?.schema.openAPIV3Schema;
  if (!schema) throw new Error("CRD without schema");
  return schema;
}

/** Defaults the body and builds what CEL sees at the root (only metadata.name/generateName). */
function prepare(schema: JsonSchema, manifest: Record<string, unknown>) {
  const { metadata, ...body } = manifest;
  const defaulted = applyDefaults(schema, body) as Record<string, unknown>;
  const meta = isObject(metadata) ? metadata : {};
  const visible = Object.fromEntries(
    Object.entries(meta).filter(([k]) => k === "name" || k === "generateName"),
  );
  return { defaulted, cel: toCel({ ...defaulted, metadata: visible }) };
}

export function replayCreate(crd: JsonSchema, manifest: Record<string, unknown>): ReplayProblem[] {
  const schema = rootSchema(crd);
  const { defaulted, cel } = prepare(schema, manifest);
  const problems: ReplayProblem[] = validateValue(schema, defaulted);
  if (problems.length > 0) return problems; // the apiserver stops before CEL when the schema fails
  evaluateRules(schema, "", cel, undefined, problems);
  return problems;
}

/** Replays an update from `before` (already stored) to `after`. */
export function replayUpdate(
  crd: JsonSchema,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): ReplayProblem[] {
  const schema = rootSchema(crd);
  const next = prepare(schema, after);
  const problems: ReplayProblem[] = validateValue(schema, next.defaulted);
  if (problems.length > 0) return problems;
  evaluateRules(schema, "", next.cel, prepare(schema, before).cel, problems);
  return problems;
}
