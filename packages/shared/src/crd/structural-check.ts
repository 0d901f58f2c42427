// Checks a CRD against the rules the apiserver applies to apiextensions.k8s.io/v1 schemas, so
// generated CRDs are known to install before a real cluster ever sees them: structural schema rules,
// where defaults may appear and whether they are valid, CEL rule shape (fieldPath must exist, fields
// an expression dereferences must exist and be guarded with has() when optional), and subresource
// and printer-column paths that must point at real fields.
import { validateValue } from "./openapi-value.ts";
import type { JsonSchema } from "./structural.ts";

export interface StructuralProblem {
  path: string;
  message: string;
}

const TYPES = new Set(["object", "array", "string", "integer", "number", "boolean"]);

// Every keyword apiextensions.k8s.io/v1 JSONSchemaProps knows. `$ref`, `definitions`, `$schema`,
// `const`, `propertyNames` and friends are absent on purpose: the apiserver rejects them.
const ALLOWED = new Set([
  "type",
  "format",
  "title",
  "description",
  "default",
  "example",
  "externalDocs",
  "maximum",
  "exclusiveMaximum",
  "minimum",
  "exclusiveMinimum",
  "multipleOf",
  "maxLength",
  "minLength",
  "pattern",
  "maxItems",
  "minItems",
  "uniqueItems",
  "maxProperties",
  "minProperties",
  "required",
  "enum",
  "items",
  "properties",
  "additionalProperties",
  "allOf",
  "oneOf",
  "anyOf",
  "not",
  "nullable",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-int-or-string",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
]);

const RULE_KEYS = new Set([
  "rule",
  "message",
  "messageExpression",
  "reason",
  "fieldPath",
  "optionalOldSelf",
]);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeOk(type: string, v: unknown): boolean {
  if (type === "integer") return typeof v === "number" && Number.isInteger(v);
  if (type === "object") return isObject(v);
  if (type === "array") return Array.isArray(v);
  return typeof v === type;
}

/** Follows `.a.b` through properties; returns undefined if a step does not exist. */
export function resolveFieldPath(node: JsonSchema, fieldPath: string): JsonSchema | undefined {
  let current: JsonSchema | undefined = node;
  for (const step of fieldPath.split(".").filter(Boolean)) {
    const props: unknown = current?.["properties"];
    current = isObject(props) && isObject(props[step]) ? props[step] : undefined;
    if (!current) return undefined;
  }
  return current;
}

function isOptional(parent: JsonSchema, name: string): boolean {
  const required = Array.isArray(parent["required"]) ? (parent["required"] as string[]) : [];
  const props = parent["properties"];
  const child = isObject(props) ? props[name] : undefined;
  return !required.includes(name) && !(isObject(child) && child["default"] !== undefined);
}

/**
 * Static check of field references in a CEL rule: every `self.a.b` / `oldSelf.a.b` chain must exist
 * in the schema, and every optional step must be tested with has() somewhere in the rule (CEL
 * raises "no such key" otherwise). Lambda variables (`r.name` in `all(r, ...)`) are not followed.
 */
export function checkCelReferences(node: JsonSchema, rule: string, atRoot = false): string[] {
  const problems: string[] = [];
  for (const match of rule.matchAll(/\b(self|oldSelf)((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(\s*\()?/g)) {
    const root = match[1] ?? "self";
    const steps = (match[2] ?? "").split(".").filter(Boolean);
    if (match[3]) steps.pop(); // the last step is a method call such as .matches( or .all(
    // At the root the apiserver exposes metadata.name and metadata.generateName (and nothing else
    // of metadata); they may be unset, so has() is still required.
    if (atRoot && steps[0] === "metadata") {
      const field = steps[1];
      if (steps.length !== 2 || (field !== "name" && field !== "generateName")) {
        problems.push(
          `references ${root}.${steps.join(".")}; only metadata.name and metadata.generateName are visible to CEL`,
        );
      } else if (!rule.includes(`has(${root}.metadata.${field})`)) {
        problems.push(`reads ${root}.metadata.${field} without has(${root}.metadata.${field})`);
      }
      continue;
    }
    let current: JsonSchema = node;
    let prefix = root;
    for (const step of steps) {
      prefix = `${prefix}.${step}`;
      if (
        current["x-kubernetes-preserve-unknown-fields"] === true &&
        !isObject(current["properties"])
      )
        break;
      if (isObject(current["additionalProperties"])) break; // map access by key: not a schema field
      const props = current["properties"];
      const next = isObject(props) ? props[step] : undefined;
      if (!isObject(next)) {
        problems.push(`references ${prefix}, which is not in the schema`);
        break;
      }
      if (isOptional(current, step) && !rule.includes(`has(${prefix})`)) {
        problems.push(`reads optional ${prefix} without has(${prefix})`);
      }
      current = next;
    }
  }
  return problems;
}

function checkNode(
  node: JsonSchema,
  path: string,
  problems: StructuralProblem[],
  ctx: { inJunctor: boolean },
): void {
  const report = (message: string) => problems.push({ path: path || "<root>", message });
  for (const key of Object.keys(node))
    if (!ALLOWED.has(key)) report(`keyword "${key}" is not allowed`);
  const intOrString = node["x-kubernetes-int-or-string"] === true;
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  const type = node["type"];

  if (!ctx.inJunctor) {
    if (type === undefined && !intOrString && !preserve) report("missing type");
    if (type !== undefined && (typeof type !== "string" || !TYPES.has(type)))
      report(`unknown type ${JSON.stringify(type)}`);
    if (intOrString && type !== undefined)
      report("x-kubernetes-int-or-string nodes must not set type");
  }
  for (const junctor of ["allOf", "oneOf", "anyOf", "not"]) {
    if (node[junctor] === undefined) continue;
    const allowedIntOrString =
      junctor === "anyOf" &&
      intOrString &&
      JSON.stringify(node[junctor]) === JSON.stringify([{ type: "integer" }, { type: "string" }]);
    if (!allowedIntOrString)
      report(`${junctor} is not used in Tessera CRDs (types inside junctors are forbidden)`);
  }
  if (node["properties"] !== undefined && node["additionalProperties"] !== undefined) {
    report("properties and additionalProperties are mutually exclusive");
  }
  if (node["additionalProperties"] !== undefined && !isObject(node["additionalProperties"])) {
    report("additionalProperties must be a schema (false is not allowed)");
  }
  if (node["uniqueItems"] === true) report("uniqueItems: true is forbidden");
  if (type === "array" && !isObject(node["items"])) report("arrays need a single items schema");
  if (Array.isArray(node["enum"]) && typeof type === "string") {
    for (const v of node["enum"])
      if (!typeOk(type, v)) report(`enum value ${JSON.stringify(v)} is not a ${type}`);
  }
  if (Array.isArray(node["required"])) {
    const props = isObject(node["properties"]) ? node["properties"] : {};
    for (const r of node["required"] as unknown[])
      if (typeof r !== "string" || !(r in props))
        report(`required field ${String(r)} is not a property`);
  }
  if (node["x-kubernetes-embedded-resource"] === true && type !== "object")
    report("embedded resources must be objects");
  if (node["default"] !== undefined) {
    if (ctx.inJunctor) report("defaults are not allowed inside allOf/anyOf/oneOf/not");
    for (const p of validateValue(node, node["default"], "default"))
      report(`invalid default: ${p.path}: ${p.message}`);
  }
  const rules = node["x-kubernetes-validations"];
  if (rules !== undefined) {
    if (!Array.isArray(rules)) report("x-kubernetes-validations must be a list");
    else
      for (const [i, r] of rules.entries()) {
        if (!isObject(r) || typeof r["rule"] !== "string" || r["rule"] === "") {
          report(`x-kubernetes-validations[${i}] needs a rule`);
          continue;
        }
        for (const k of Object.keys(r))
          if (!RULE_KEYS.has(k)) report(`x-kubernetes-validations[${i}]: unknown key ${k}`);
        if (typeof r["fieldPath"] === "string" && !resolveFieldPath(node, r["fieldPath"])) {
          report(`x-kubernetes-validations[${i}]: fieldPath ${r["fieldPath"]} does not exist`);
        }
        for (const p of checkCelReferences(node, r["rule"], path === ""))
          report(`x-kubernetes-validations[${i}]: ${p}`);
      }
  }

  const props = node["properties"];
  if (isObject(props)) {
    for (const [name, child] of Object.entries(props)) {
      if (isObject(child)) checkNode(child, `${path}.${name}`, problems, ctx);
      else problems.push({ path: `${path}.${name}`, message: "not a schema" });
    }
  }
  if (isObject(node["additionalProperties"]))
    checkNode(node["additionalProperties"], `${path}[*]`, problems, ctx);
  if (isObject(node["items"])) checkNode(node["items"], `${path}[]`, problems, ctx);
  for (const junctor of ["allOf", "oneOf", "anyOf"]) {
    const list = node[junctor];
    if (Array.isArray(list))
      for (const s of list)
        if (isObject(s)) checkNode(s, `${path}.${junctor}`, problems, { inJunctor: true });
  }
}

export function checkCrd(crd: JsonSchema): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  const spec = isObject(crd["spec"]) ? crd["spec"] : {};
  const versions = Array.isArray(spec["versions"]) ? (spec["versions"] as unknown[]) : [];
  if (crd["apiVersion"] !== "apiextensions.k8s.io/v1")
    problems.push({ path: "apiVersion", message: "must be apiextensions.k8s.io/v1" });
  if (versions.length === 0) problems.push({ path: "spec.versions", message: "no versions" });
  for (const version of versions) {
    if (!isObject(version)) continue;
    const schemaWrapper = version["schema"];
    const schema =
      isObject(schemaWrapper) && isObject(schemaWrapper["openAPIV3Schema"])
        ? schemaWrapper["openAPIV3Schema"]
        : undefined;
    const at = `versions[${String(version["name"])}]`;
    if (!schema) {
      problems.push({ path: at, message: "missing openAPIV3Schema" });
      continue;
    }
    if (schema["type"] !== "object")
      problems.push({ path: at, message: "root must be type object" });
    if (schema["default"] !== undefined)
      problems.push({ path: at, message: "root must not have a default" });
    const metadata = resolveFieldPath(schema, ".metadata");
    if (metadata) {
      const extra = Object.keys(metadata).filter((k) => k !== "type");
      if (metadata["type"] !== "object" || extra.length > 0)
        problems.push({
          path: `${at}.metadata`,
          message: "metadata must be a bare `type: object`",
        });
    }
    checkNode(schema, "", problems, { inJunctor: false });

    const sub = isObject(version["subresources"]) ? version["subresources"] : {};
    const scale = sub["scale"];
    if (isObject(scale)) {
      for (const key of ["specReplicasPath", "statusReplicasPath", "labelSelectorPath"]) {
        const p = scale[key];
        if (p === undefined && key === "labelSelectorPath") continue;
        const target = typeof p === "string" ? resolveFieldPath(schema, p) : undefined;
        const wanted = key === "labelSelectorPath" ? "string" : "integer";
        if (!target || target["type"] !== wanted)
          problems.push({
            path: `${at}.subresources.scale.${key}`,
            message: `must point at a ${wanted} field`,
          });
      }
      if (
        scale["specReplicasPath"] !== undefined &&
        !(
          typeof scale["specReplicasPath"] === "string" &&
          scale["specReplicasPath"].startsWith(".spec.")
        )
      ) {
        problems.push({
          path: `${at}.subresources.scale.specReplicasPath`,
          message: "must be under .spec",
        });
      }
    }
    const columns = Array.isArray(version["additionalPrinterColumns"])
      ? (version["additionalPrinterColumns"] as unknown[])
      : [];
    for (const c of columns) {
      if (!isObject(c) || typeof c["jsonPath"] !== "string") continue;
      if (c["jsonPath"] === ".metadata.creationTimestamp") continue;
      if (!resolveFieldPath(schema, c["jsonPath"]))
        problems.push({
          path: `${at}.additionalPrinterColumns`,
          message: `${c["jsonPath"]} does not exist`,
        });
    }
  }
  return problems;
}
