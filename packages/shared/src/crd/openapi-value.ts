// A small evaluator for the subset of OpenAPI v3 that structural CRD schemas use: applies defaults
// the way the apiserver does and checks values against value validations. Used to prove that every
// `default` in a generated CRD is itself valid, and by tests that replay manifests through the CRD
// schema to compare its verdicts with zod's. CEL rules are not evaluated here.
import type { JsonSchema } from "./structural.ts";

export interface ValueProblem {
  path: string;
  message: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function schemaOf(v: unknown): JsonSchema | undefined {
  return isObject(v) ? v : undefined;
}

/** Returns a copy of value with missing fields filled from `default`s, recursively (like the apiserver). */
export function applyDefaults(schema: JsonSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = schemaOf(schema["items"]);
    return items ? value.map((v) => applyDefaults(items, v)) : value;
  }
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  const properties = schemaOf(schema["properties"]);
  if (properties) {
    for (const [name, child] of Object.entries(properties)) {
      const childSchema = schemaOf(child);
      if (!childSchema) continue;
      if (out[name] === undefined && childSchema["default"] !== undefined)
        out[name] = structuredClone(childSchema["default"]);
      if (out[name] !== undefined) out[name] = applyDefaults(childSchema, out[name]);
    }
  }
  const additional = schemaOf(schema["additionalProperties"]);
  if (additional) for (const [k, v] of Object.entries(out)) out[k] = applyDefaults(additional, v);
  return out;
}

function typeMatches(type: unknown, value: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "integer":
      return typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value));
    case "number":
      return typeof value === "number" || typeof value === "bigint";
    case "boolean":
      return typeof value === "boolean";
    default:
      return false;
  }
}

function child(path: string, key: string | number): string {
  return typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;
}

/**
 * Checks value against the schema's types and value validations. Unknown fields count as problems
 * (the apiserver would prune them silently, kubectl --validate=strict reports them).
 */
export function validateValue(schema: JsonSchema, value: unknown, path = ""): ValueProblem[] {
  const problems: ValueProblem[] = [];
  const report = (message: string) => problems.push({ path, message });
  if (schema["x-kubernetes-int-or-string"] === true) {
    if (!typeMatches("integer", value) && typeof value !== "string")
      report("must be an integer or a string");
    else if (
      typeof value === "string" &&
      typeof schema["pattern"] === "string" &&
      !new RegExp(schema["pattern"], "u").test(value)
    ) {
      report(`must match ${schema["pattern"]}`);
    }
    return problems;
  }
  const type = schema["type"];
  if (type !== undefined && !typeMatches(type, value)) {
    report(`must be of type ${JSON.stringify(type)}`);
    return problems;
  }
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value))
    report(`must be one of ${schema["enum"].join(", ")}`);
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n === "number") {
    if (typeof schema["minimum"] === "number" && n < schema["minimum"])
      report(`must be >= ${schema["minimum"]}`);
    if (typeof schema["maximum"] === "number" && n > schema["maximum"])
      report(`must be <= ${schema["maximum"]}`);
  }
  if (typeof value === "string") {
    if (typeof schema["minLength"] === "number" && [...value].length < schema["minLength"])
      report("too short");
    if (typeof schema["maxLength"] === "number" && [...value].length > schema["maxLength"])
      report("too long");
    if (typeof schema["pattern"] === "string" && !new RegExp(schema["pattern"], "u").test(value))
      report(`must match ${schema["pattern"]}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema["minItems"] === "number" && value.length < schema["minItems"])
      report("too few items");
    if (typeof schema["maxItems"] === "number" && value.length > schema["maxItems"])
      report("too many items");
    const items = schemaOf(schema["items"]);
    if (items) value.forEach((v, i) => problems.push(...validateValue(items, v, child(path, i))));
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (typeof schema["minProperties"] === "number" && keys.length < schema["minProperties"])
      report("too few properties");
    if (typeof schema["maxProperties"] === "number" && keys.length > schema["maxProperties"])
      report("too many properties");
    for (const r of Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []) {
      if (value[r] === undefined) problems.push({ path: child(path, r), message: "required" });
    }
    const properties = schemaOf(schema["properties"]);
    const additional = schemaOf(schema["additionalProperties"]);
    const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
    for (const [k, v] of Object.entries(value)) {
      const s = schemaOf(properties?.[k]) ?? additional;
      if (s) problems.push(...validateValue(s, v, child(path, k)));
      else if (!preserve) problems.push({ path: child(path, k), message: "unknown field" });
    }
  }
  return problems;
}
