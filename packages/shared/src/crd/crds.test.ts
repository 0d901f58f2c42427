// The committed CRDs under infra/crds are exactly what the schemas generate, and they obey the
// apiserver's rules for apiextensions.k8s.io/v1 schemas.
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { checkCrd } from "./structural-check.ts";
import { generateAllCrds } from "./generate-crd.ts";
import { CRD_DIR, renderCrdFiles } from "./render.ts";
import { toStructural } from "./structural.ts";
import type { JsonSchema } from "./structural.ts";

// These tests poke into generated CRDs (plain JSON) and break them on purpose, so they use `any`.
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument */
type Any = Record<string, any>;
const asAny = (x: unknown): Any => x as Any;

const byKind = (kind: string): Any => {
  const found = generateAllCrds().find((f) => asAny(f.crd["spec"]).names.kind === kind);
  if (!found) throw new Error(`no CRD for ${kind}`);
  return found.crd;
};
const schemaOf = (kind: string): Any => byKind(kind)["spec"].versions[0].schema.openAPIV3Schema;

describe("committed CRDs", () => {
  const rendered = renderCrdFiles();

  it("are the five Kthena kinds and Tessera's tenancy kinds", () => {
    expect(rendered.map((r) => r.fileName).sort()).toEqual([
      "networking.serving.volcano.sh_modelroutes.yaml",
      "networking.serving.volcano.sh_modelservers.yaml",
      "tessera.io_apikeys.yaml",
      "tessera.io_tenants.yaml",
      "workload.serving.volcano.sh_autoscalingpolicies.yaml",
      "workload.serving.volcano.sh_modelboosters.yaml",
      "workload.serving.volcano.sh_modelservings.yaml",
    ]);
  });

  it.each(rendered.map((r) => [r.fileName, r.text] as const))(
    "%s matches the generator (run `npm run -w @tessera/shared crds` after changing schemas)",
    (fileName, text) => {
      const file = path.join(CRD_DIR, fileName);
      expect(fs.existsSync(file), `${file} is missing`).toBe(true);
      expect(fs.readFileSync(file, "utf8")).toBe(text);
    },
  );

  it("has no stale generated files", () => {
    const generated = fs
      .readdirSync(CRD_DIR)
      .filter((f) => /(serving\.volcano\.sh|tessera\.io)_.*\.yaml$/.test(f));
    expect(generated.sort()).toEqual(rendered.map((r) => r.fileName).sort());
  });

  it.each(rendered.map((r) => [r.fileName, r.text] as const))(
    "%s passes the structural-schema checks",
    (_f, text) => {
      expect(checkCrd(parse(text) as JsonSchema)).toEqual([]);
    },
  );
});

describe("CRD contents", () => {
  it("ModelServing has status and scale subresources for HPA/KEDA", () => {
    expect(byKind("ModelServing")["spec"].versions[0].subresources).toEqual({
      status: {},
      scale: {
        specReplicasPath: ".spec.replicas",
        statusReplicasPath: ".status.replicas",
        labelSelectorPath: ".status.labelSelector",
      },
    });
    expect(
      byKind("ModelServing")["spec"].versions[0].additionalPrinterColumns.map(
        (c: Any) => c["name"],
      ),
    ).toEqual(["Replicas", "Available", "Updated", "Age"]);
  });

  it("carries Kthena's defaults and enums", () => {
    const spec = schemaOf("ModelServing")["properties"].spec;
    expect(spec.properties.replicas).toMatchObject({
      type: "integer",
      default: 1,
      minimum: 0,
      format: "int32",
    });
    expect(spec.properties.schedulerName.default).toBe("volcano");
    expect(spec.properties.recoveryPolicy).toMatchObject({
      default: "RoleRecreate",
      enum: ["RoleRecreate", "ServingGroupRecreate", "None"],
    });
    expect(spec.properties.rolloutStrategy.properties.type.default).toBe(
      "ServingGroupRollingUpdate",
    );
    const role = spec.properties.template.properties.roles;
    expect(role).toMatchObject({ minItems: 1, maxItems: 4 });
    expect(role.items.properties.name).toMatchObject({
      maxLength: 12,
      pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$",
    });
    expect(role.items.required).toEqual(["name", "entryTemplate", "workerReplicas"]);
    const route = schemaOf("ModelRoute")["properties"].spec;
    expect(route.properties.rateLimit.properties.unit.default).toBe("second");
    expect(
      schemaOf("AutoscalingPolicy")["properties"].spec.properties.tolerancePercent,
    ).toMatchObject({ default: 10, maximum: 100 });
  });

  it("keeps PodSpecs and engine configs free-form but typed", () => {
    const role =
      schemaOf("ModelServing")["properties"].spec.properties.template.properties.roles.items;
    expect(role.properties.entryTemplate.properties.spec).toMatchObject({
      type: "object",
      "x-kubernetes-preserve-unknown-fields": true,
    });
    expect(role.properties.maxUnavailable["x-kubernetes-int-or-string"]).toBe(true);
    const worker =
      schemaOf("ModelBooster")["properties"].spec.properties.backend.properties.workers.items;
    expect(worker.properties.config).toEqual({
      type: "object",
      description: expect.any(String),
      "x-kubernetes-preserve-unknown-fields": true,
    });
  });

  it("puts the cross-field rules in CEL", () => {
    const rules = (node: Any): string[] =>
      (node["x-kubernetes-validations"] ?? []).map((r: Any) => r["rule"]);
    const template = schemaOf("ModelServing")["properties"].spec.properties.template;
    expect(rules(template.properties.roles.items)).toContain(
      "self.workerReplicas == 0 || has(self.workerTemplate)",
    );
    expect(rules(schemaOf("AutoscalingPolicy")["properties"].spec).join()).toContain(
      "has(self.homogeneousTarget)",
    );
    expect(
      rules(schemaOf("ModelRoute")["properties"].spec).some((r) => r.includes("oldSelf")),
    ).toBe(true);
  });
});

describe("structural-schema checker", () => {
  const base = (): Any => structuredClone(byKind("ModelServer"));
  const spec = (crd: Any): Any => crd["spec"].versions[0].schema.openAPIV3Schema.properties.spec;
  const broken: [string, (crd: Any) => void, RegExp][] = [
    ["a node without type", (c) => delete spec(c).properties.model.type, /missing type/],
    ["$ref", (c) => (spec(c).properties.model = { $ref: "#/defs/x" }), /"\$ref" is not allowed/],
    [
      "properties with additionalProperties",
      (c) => (spec(c).additionalProperties = { type: "string" }),
      /mutually exclusive/,
    ],
    [
      "additionalProperties: false",
      (c) => (spec(c).properties.workloadSelector.additionalProperties = false),
      /false is not allowed/,
    ],
    [
      "types inside anyOf",
      (c) => (spec(c).properties.model = { anyOf: [{ type: "string" }, { type: "integer" }] }),
      /anyOf/,
    ],
    [
      "a default of the wrong type",
      (c) => (spec(c).properties.workloadPort.properties.protocol.default = 7),
      /invalid default/,
    ],
    [
      "a default outside the enum",
      (c) => (spec(c).properties.workloadPort.properties.protocol.default = "grpc"),
      /invalid default/,
    ],
    [
      "a default inside a junctor",
      (c) =>
        (spec(c).properties.x = {
          "x-kubernetes-int-or-string": true,
          anyOf: [{ type: "integer", default: 1 }, { type: "string" }],
        }),
      /anyOf/,
    ],
    [
      "uniqueItems",
      (c) =>
        (spec(c).properties.y = { type: "array", items: { type: "string" }, uniqueItems: true }),
      /uniqueItems/,
    ],
    ["an array without items", (c) => (spec(c).properties.y = { type: "array" }), /items schema/],
    ["required naming no property", (c) => spec(c).required.push("nope"), /required field nope/],
    [
      "metadata with properties",
      (c) =>
        (c["spec"].versions[0].schema.openAPIV3Schema.properties.metadata.properties = {
          name: { type: "string" },
        }),
      /bare `type: object`/,
    ],
    [
      "a CEL fieldPath that does not exist",
      (c) => (spec(c)["x-kubernetes-validations"] = [{ rule: "true", fieldPath: ".nope" }]),
      /fieldPath .nope does not exist/,
    ],
    [
      "CEL reading a field that does not exist",
      (c) => (spec(c)["x-kubernetes-validations"] = [{ rule: "self.engine == 'vLLM'" }]),
      /self.engine, which is not in the schema/,
    ],
    [
      "CEL reading an optional field without has()",
      (c) => (spec(c)["x-kubernetes-validations"] = [{ rule: "self.model != ''" }]),
      /without has\(self.model\)/,
    ],
    [
      "a printer column on a missing field",
      (c) =>
        c["spec"].versions[0].additionalPrinterColumns.push({
          name: "X",
          type: "string",
          jsonPath: ".spec.nope",
        }),
      /\.spec\.nope does not exist/,
    ],
    [
      "a scale path on a missing field",
      (c) =>
        (c["spec"].versions[0].subresources.scale = {
          specReplicasPath: ".spec.replicas",
          statusReplicasPath: ".status.replicas",
        }),
      /specReplicasPath/,
    ],
  ];

  it("accepts the generated ModelServer CRD", () => {
    expect(checkCrd(base())).toEqual([]);
  });

  it.each(broken)("rejects %s", (_name, breakIt, expected) => {
    const crd = base();
    breakIt(crd);
    const messages = checkCrd(crd).map((p) => `${p.path}: ${p.message}`);
    expect(messages.join("\n")).toMatch(expected);
  });
});

describe("zod JSON Schema to structural schema", () => {
  const convert = (schema: z.ZodType) =>
    toStructural(z.toJSONSchema(schema, { target: "openapi-3.0", io: "input" }));

  it("drops additionalProperties: false and keeps defaults", () => {
    expect(convert(z.strictObject({ a: z.string().default("x") }))).toEqual({
      type: "object",
      properties: { a: { type: "string", default: "x" } },
    });
  });

  it("turns zod's implicit integer bounds into formats", () => {
    expect(convert(z.int32().min(0))).toEqual({ type: "integer", minimum: 0, format: "int32" });
    expect(convert(z.int())).toEqual({ type: "integer", format: "int64" });
  });

  it("merges literal unions into an enum", () => {
    expect(convert(z.union([z.literal("a"), z.literal("b")]))).toEqual({
      type: "string",
      enum: ["a", "b"],
    });
  });

  it("refuses unions it cannot express structurally", () => {
    expect(() => convert(z.union([z.string(), z.int()]))).toThrow(/unions are only supported/);
  });

  it("refuses keywords Kubernetes does not know", () => {
    expect(() => toStructural({ type: "object", propertyNames: { pattern: "x" } })).toThrow(
      /propertyNames/,
    );
  });
});
