// Converts the JSON Schema that zod emits (z.toJSONSchema, OpenAPI 3.0 flavour) into a Kubernetes
// structural schema: every node typed, no $ref/const/propertyNames, no `additionalProperties: false`
// next to `properties` (the apiserver prunes unknown fields instead), int-or-string unions collapsed
// to `x-kubernetes-int-or-string`, and zod's implicit integer bounds turned into int32/int64 formats.
// Anything it does not understand is an error, so a new zod construct cannot slip an invalid schema
// into a CRD unnoticed.

export type JsonSchema = Record<string, unknown>;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const SAFE_MAX = Number.MAX_SAFE_INTEGER;

/** Keys copied as they are (value validations and Kubernetes extensions). */
const COPIED = new Set([
  "description",
  "default",
  "enum",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "required",
  "x-kubernetes-validations",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
]);

/** Keys handled explicitly below. */
const HANDLED = new Set([
  "type",
  "properties",
  "items",
  "additionalProperties",
  "anyOf",
  "oneOf",
  "const",
  "x-kubernetes-int-or-string",
]);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(path: string, message: string): never {
  throw new Error(`cannot convert schema at ${path || "<root>"}: ${message}`);
}

/** An int-or-string node keeps only what applies to it; the union's branches are dropped. */
function intOrString(node: JsonSchema): JsonSchema {
  const out: JsonSchema = { "x-kubernetes-int-or-string": true };
  for (const key of ["description", "default", "pattern", "x-kubernetes-validations"]) {
    if (node[key] !== undefined) out[key] = node[key];
  }
  return out;
}

/** A union of plain literals of one type (what z.enum/z.literal unions produce) becomes one enum. */
function literalUnion(node: JsonSchema, branches: unknown[], path: string): JsonSchema {
  const values: unknown[] = [];
  let type: unknown;
  for (const b of branches) {
    if (
      !isObject(b) ||
      !Array.isArray(b["enum"]) ||
      Object.keys(b).some((k) => k !== "type" && k !== "enum")
    ) {
      fail(path, "unions are only supported for literals or with x-kubernetes-int-or-string");
    }
    if (type !== undefined && b["type"] !== type) fail(path, "a literal union must have one type");
    type = b["type"];
    values.push(...(b["enum"] as unknown[]));
  }
  const rest = { ...node };
  delete rest["anyOf"];
  delete rest["oneOf"];
  return toStructural({ ...rest, type, enum: values }, path);
}

export function toStructural(node: JsonSchema, path = ""): JsonSchema {
  if (node["x-kubernetes-int-or-string"] === true) return intOrString(node);
  const branches = node["anyOf"] ?? node["oneOf"];
  if (Array.isArray(branches)) return literalUnion(node, branches, path);

  for (const key of Object.keys(node)) {
    if (!COPIED.has(key) && !HANDLED.has(key)) fail(path, `unsupported keyword "${key}"`);
  }
  const out: JsonSchema = {};
  const type = node["type"];
  if (typeof type !== "string") fail(path, "every node needs a type");
  // Emit `type` and `description` first so the YAML reads naturally.
  out["type"] = type;
  if (node["description"] !== undefined) out["description"] = node["description"];
  for (const key of Object.keys(node))
    if (COPIED.has(key) && key !== "description") out[key] = node[key];
  if (node["const"] !== undefined) out["enum"] = [node["const"]];

  if (type === "integer") normaliseIntegerBounds(out);

  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  const properties = node["properties"];
  if (isObject(properties)) {
    const converted: JsonSchema = {};
    for (const [name, child] of Object.entries(properties)) {
      if (!isObject(child)) fail(`${path}.${name}`, "not a schema");
      converted[name] = toStructural(child, `${path}.${name}`);
    }
    out["properties"] = converted;
  }
  const additional = node["additionalProperties"];
  if (isObject(additional) && !preserve) {
    if (Object.keys(additional).length === 0) out["x-kubernetes-preserve-unknown-fields"] = true;
    else if (isObject(properties))
      fail(path, "properties and additionalProperties cannot be combined");
    else out["additionalProperties"] = toStructural(additional, `${path}[*]`);
  }
  const items = node["items"];
  if (items !== undefined) {
    if (!isObject(items)) fail(path, "items must be a single schema");
    out["items"] = toStructural(items, `${path}[]`);
  }
  if (type === "array" && out["items"] === undefined) fail(path, "arrays need an items schema");
  return out;
}

/** zod writes the implicit range of z.int()/z.int32() as bounds; Kubernetes expresses it as a format. */
function normaliseIntegerBounds(out: JsonSchema): void {
  if (out["maximum"] === INT32_MAX || out["minimum"] === INT32_MIN) {
    out["format"] = "int32";
    if (out["maximum"] === INT32_MAX) delete out["maximum"];
    if (out["minimum"] === INT32_MIN) delete out["minimum"];
  }
  if (out["maximum"] === SAFE_MAX || out["minimum"] === -SAFE_MAX) {
    out["format"] = "int64";
    if (out["maximum"] === SAFE_MAX) delete out["maximum"];
    if (out["minimum"] === -SAFE_MAX) delete out["minimum"];
  }
}
