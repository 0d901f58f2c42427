// The generated CRDs and the zod schemas must agree: every manifest zod accepts is accepted by the
// CRD (schema + defaults + CEL, replayed with a CEL interpreter), and every invalid variant zod
// rejects is rejected by the CRD at a related field path. This is what keeps the CEL twins of the
// TypeScript rules honest, and shows that CEL only reads fields that exist.
// The transition tests edit fixture manifests, which are untyped JSON.
/* eslint-disable @typescript-eslint/no-unsafe-member-access */
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { cases, modelRoute, modelServing } from "../api/__fixtures__/invalid-variants.ts";
import { crdResources } from "../api/registry.ts";
import { extractDocuments } from "../test-support/markdown-yaml.ts";
import { conformanceDir, referenceDir } from "../test-support/paths.ts";
import {
  evaluatedRules,
  failedRules,
  replayCreate,
  replayUpdate,
} from "../test-support/apiserver-replay.ts";
import { generateCrd } from "./generate-crd.ts";
import type { JsonSchema } from "./structural.ts";

const crdByKind = new Map<string, JsonSchema>(crdResources.map((r) => [r.kind, generateCrd(r)]));

function corpus(): { label: string; value: Record<string, unknown> }[] {
  const out: { label: string; value: Record<string, unknown> }[] = [];
  for (const f of fs.readdirSync(conformanceDir()).sort()) {
    parseAllDocuments(fs.readFileSync(path.join(conformanceDir(), f), "utf8")).forEach((d, i) => {
      const value = d.toJS() as unknown;
      if (typeof value === "object" && value !== null)
        out.push({ label: `${f} doc ${i + 1}`, value: value as Record<string, unknown> });
    });
  }
  out.push(
    ...extractDocuments(
      "kthena.md",
      fs.readFileSync(path.join(referenceDir(), "kthena.md"), "utf8"),
    ),
  );
  for (const c of cases) out.push({ label: `base of "${c.rule}"`, value: c.base() });
  return out.filter((d) => crdByKind.has(String(d.value["kind"])));
}

/** a.b["c.d"][0] → a.b.c.d[0], so zod paths and CRD paths compare as text. */
const normalise = (p: string) => p.replace(/\["([^"]*)"\]/g, ".$1").replace(/^\./, "");

function related(expected: string, actual: string): boolean {
  const [e, a] = [normalise(expected), normalise(actual)];
  if (a === "") return e.startsWith("metadata"); // root rules report on the object
  return (
    e === a ||
    e.startsWith(`${a}.`) ||
    e.startsWith(`${a}[`) ||
    a.startsWith(`${e}.`) ||
    a.startsWith(`${e}[`)
  );
}

describe("CRDs accept what zod accepts", () => {
  const docs = corpus();
  it("replays a meaningful corpus", () => {
    expect(docs.length).toBeGreaterThan(60);
  });
  it.each(docs.map((d) => [d.label, d.value] as const))("%s", (_label, value) => {
    const crd = crdByKind.get(String(value["kind"])) as JsonSchema;
    expect(replayCreate(crd, structuredClone(value))).toEqual([]);
  });
});

describe("CRDs reject what zod rejects", () => {
  const applicable = cases.filter(
    (c) => crdByKind.has(String(c.base()["kind"])) && c.notInCrd === undefined,
  );
  it("covers most rules", () => {
    expect(applicable.length).toBeGreaterThanOrEqual(80);
  });
  it.each(applicable.map((c) => [c.rule, c] as const))("%s", (_rule, c) => {
    const manifest = c.base();
    c.mutate(manifest);
    const crd = crdByKind.get(String(manifest["kind"])) as JsonSchema;
    const problems = replayCreate(crd, manifest);
    expect(problems.length, "the CRD accepted it").toBeGreaterThan(0);
    expect(
      problems.some((p) => related(c.path, p.path)),
      `expected a problem at ${c.path}, got ${JSON.stringify(problems)}`,
    ).toBe(true);
  });
});

describe("transition rules (updates)", () => {
  const serving = crdByKind.get("ModelServing") as JsonSchema;
  const route = crdByKind.get("ModelRoute") as JsonSchema;
  const withGang = (gang: Record<string, number> | undefined) => {
    const o = modelServing();
    if (gang) o["spec"].template.gangPolicy = { minRoleReplicas: gang };
    else delete o["spec"].template.gangPolicy;
    return o;
  };

  it("allows updates that keep minRoleReplicas, and adding it where there was none", () => {
    const scaled = withGang({ prefill: 1 });
    scaled["spec"].replicas = 5;
    expect(replayUpdate(serving, withGang({ prefill: 1 }), scaled)).toEqual([]);
    expect(replayUpdate(serving, withGang(undefined), withGang({ prefill: 1 }))).toEqual([]);
  });

  it.each([
    ["changing", { prefill: 2 }],
    ["removing", undefined],
  ] as const)("rejects %s minRoleReplicas", (_what, gang) => {
    expect(replayUpdate(serving, withGang({ prefill: 1 }), withGang(gang))).toEqual([
      {
        path: "spec.template.gangPolicy",
        message: "minRoleReplicas is immutable and cannot be removed once set",
      },
    ]);
  });

  it("keeps ModelRoute.modelName immutable", () => {
    const renamed = modelRoute();
    renamed["spec"].modelName = "other";
    expect(replayUpdate(route, modelRoute(), renamed)).toEqual([
      { path: "spec.modelName", message: "modelName is immutable" },
    ]);
    const retargeted = modelRoute();
    retargeted["spec"].rules[0].targetModels[0].modelServerName = "other-server";
    expect(replayUpdate(route, modelRoute(), retargeted)).toEqual([]);
  });
});

function allRules(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allRules);
  if (typeof node !== "object" || node === null) return [];
  const own = (node as JsonSchema)["x-kubernetes-validations"];
  const rules = Array.isArray(own) ? own.map((r: { rule: string }) => r.rule) : [];
  return [
    ...rules,
    ...Object.entries(node).flatMap(([k, v]) =>
      k === "x-kubernetes-validations" ? [] : allRules(v),
    ),
  ];
}

// Runs after the replays above (tests in a file run in order): a CEL rule that no example or variant
// reaches would be untested, so the fixtures must reach every one.
describe("coverage", () => {
  it("evaluated every CEL rule of every CRD at least once", () => {
    const rules = new Set([...crdByKind.values()].flatMap(allRules));
    expect(rules.size).toBeGreaterThan(20);
    expect([...rules].filter((r) => !evaluatedRules.has(r))).toEqual([]);
  });

  it("saw every CEL rule reject something", () => {
    const rules = new Set([...crdByKind.values()].flatMap(allRules));
    expect([...rules].filter((r) => !failedRules.has(r))).toEqual([]);
  });
});
