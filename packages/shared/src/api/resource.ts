// The one description of a top-level kind from which everything else is derived: the zod schema
// for whole manifests (apiVersion/kind/metadata/spec/status), and, for the kinds Tessera installs,
// the CRD (names, subresources, printer columns) that src/crd renders from the same schemas.
import { z } from "zod";
import { ObjectMetaSchema } from "./common/object-meta.ts";
import type { ObjectMeta } from "./common/object-meta.ts";
import { withRules } from "./common/rules.ts";
import type { Rule } from "./common/rules.ts";

export interface PrinterColumn {
  name: string;
  type: "integer" | "number" | "string" | "boolean" | "date";
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface ScaleSubresource {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

/** Present only for kinds whose CRD Tessera ships (not for Volcano's PodGroup/HyperNode). */
export interface CrdOptions {
  shortNames?: string[];
  categories?: string[];
  printerColumns?: PrinterColumn[];
  scale?: ScaleSubresource;
}

export interface ResourceOptions<
  Kind extends string,
  Spec extends z.ZodType,
  Status extends z.ZodType,
> {
  apiVersion: string;
  kind: Kind;
  plural: string;
  scope?: "Namespaced" | "Cluster";
  description?: string;
  spec: Spec;
  status: Status;
  /** Rules that need metadata or span spec and metadata; CEL `self` is the whole object. */
  rules?: readonly Rule<{ metadata: ObjectMeta; spec: z.output<Spec> }>[];
  crd?: CrdOptions;
}

/** What the CRD generator and the manifest validator need to know about any kind. */
export interface ResourceDefinition {
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  listKind: string;
  scope: "Namespaced" | "Cluster";
  description?: string;
  spec: z.ZodType;
  status: z.ZodType;
  schema: z.ZodType;
  crd?: CrdOptions;
}

export function defineResource<
  Kind extends string,
  Spec extends z.ZodType,
  Status extends z.ZodType,
>(options: ResourceOptions<Kind, Spec, Status>) {
  const [group = "", version = ""] = options.apiVersion.includes("/")
    ? options.apiVersion.split("/")
    : ["", options.apiVersion];
  const shape = z.strictObject({
    apiVersion: z.literal(options.apiVersion),
    kind: z.literal(options.kind),
    metadata: ObjectMetaSchema,
    spec: options.spec,
    status: options.status.optional(),
  });
  // The apiserver itself insists on a name; manifests must carry one (or generateName) to be applied.
  const named = shape.superRefine((obj, ctx) => {
    if (obj.metadata.name === undefined && obj.metadata.generateName === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["metadata", "name"],
        message: "required (or metadata.generateName)",
      });
    }
  });
  // The cast only widens the rule input from {metadata, spec} to the whole object (TypeScript cannot
  // see through the generic spec type that the object carries both).
  const schema = withRules(
    named,
    (options.rules ?? []) as unknown as readonly Rule<z.output<typeof named>>[],
  );
  const { rules: _rules, ...rest } = options;
  return {
    ...rest,
    group,
    version,
    scope: options.scope ?? "Namespaced",
    singular: options.kind.toLowerCase(),
    listKind: `${options.kind}List`,
    schema,
  } satisfies ResourceDefinition;
}
