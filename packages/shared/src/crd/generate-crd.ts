// Builds apiextensions.k8s.io/v1 CustomResourceDefinitions from the resource descriptions in
// src/api: the spec and status schemas go through z.toJSONSchema and the structural converter;
// names, subresources and printer columns come from the descriptor.
import { z } from "zod";
import { celValidationsOf } from "../api/common/rules.ts";
import { crdResources } from "../api/registry.ts";
import type { ResourceDefinition } from "../api/resource.ts";
import { toStructural } from "./structural.ts";
import type { JsonSchema } from "./structural.ts";

function jsonSchemaOf(schema: z.ZodType, path: string): JsonSchema {
  // io "input": fields with defaults are optional and carry `default`, exactly what a CRD wants.
  const json = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "throw",
    reused: "inline",
    cycles: "throw",
  }) as JsonSchema;
  delete json["$schema"];
  return toStructural(json, path);
}

export function generateCrd(resource: ResourceDefinition): JsonSchema {
  const { group, version, kind, plural, singular, listKind, scope, crd } = resource;
  const rootRules = celValidationsOf(resource.schema);
  const openAPIV3Schema: JsonSchema = {
    type: "object",
    ...(resource.description ? { description: resource.description } : {}),
    properties: {
      apiVersion: {
        type: "string",
        description: "Versioned schema of this representation of an object.",
      },
      kind: { type: "string", description: "REST resource this object represents." },
      metadata: { type: "object" },
      spec: jsonSchemaOf(resource.spec, ".spec"),
      status: jsonSchemaOf(resource.status, ".status"),
    },
    required: ["spec"],
    ...(rootRules.length > 0 ? { "x-kubernetes-validations": rootRules } : {}),
  };
  const subresources: JsonSchema = { status: {} };
  if (crd?.scale) subresources["scale"] = { ...crd.scale };
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: {
        kind,
        listKind,
        plural,
        singular,
        ...(crd?.shortNames ? { shortNames: crd.shortNames } : {}),
        ...(crd?.categories ? { categories: crd.categories } : {}),
      },
      scope,
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema },
          subresources,
          ...(crd?.printerColumns ? { additionalPrinterColumns: crd.printerColumns } : {}),
        },
      ],
    },
  };
}

export interface GeneratedCrdFile {
  /** File name inside infra/crds, kubebuilder style: <group>_<plural>.yaml */
  fileName: string;
  crd: JsonSchema;
}

export function generateAllCrds(): GeneratedCrdFile[] {
  return crdResources.map((r) => ({
    fileName: `${r.group}_${r.plural}.yaml`,
    crd: generateCrd(r),
  }));
}
