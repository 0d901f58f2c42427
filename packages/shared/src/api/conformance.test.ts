// Kthena's own manifests must validate unchanged: its examples directory, the YAML in the reference
// document (kthena.md) and the YAML shown in the seed talk. Kinds Tessera does not own are skipped.
//
// Fragments in kthena.md (e.g. `spec: # heterogeneous` under the AutoscalingPolicy example, or the
// `kind: ModelRoute # LoRA routing example` document) illustrate the kind of the section they sit in:
// they are completed with that kind's apiVersion/kind and a placeholder metadata.name and must then
// validate like any manifest. `{...}` placeholders are treated as elided content. See
// test-support/markdown-yaml.ts.
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { conformanceDir, referenceDir } from "../test-support/paths.ts";
import { extractDocuments, yamlBlocks } from "../test-support/markdown-yaml.ts";
import { validateManifest } from "../validate/validate-manifest.ts";

const TESSERA_KINDS = new Set([
  "ModelServing",
  "ModelBooster",
  "AutoscalingPolicy",
  "ModelRoute",
  "ModelServer",
  "PodGroup",
  "HyperNode",
]);

function documentsOf(file: string): { label: string; value: unknown }[] {
  return parseAllDocuments(fs.readFileSync(file, "utf8"))
    .map((d, i) => ({ label: `${path.basename(file)} doc ${i + 1}`, value: d.toJS() as unknown }))
    .filter((d) => d.value !== null && d.value !== undefined);
}

describe("Kthena examples (conformance/kthena-examples)", () => {
  const files = fs
    .readdirSync(conformanceDir())
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const docs = files.flatMap((f) => documentsOf(path.join(conformanceDir(), f)));

  it("finds the examples", () => {
    expect(files.length).toBeGreaterThanOrEqual(50);
  });

  it.each(docs.map((d) => [d.label, d.value] as const))("%s", (_label, value) => {
    const result = validateManifest(value);
    const kind = (value as { kind?: unknown }).kind;
    if (TESSERA_KINDS.has(String(kind))) {
      expect(result).toMatchObject({ ok: true, kind });
    } else {
      expect(result).toEqual({
        skipped: true,
        kind,
        apiVersion: (value as { apiVersion?: unknown }).apiVersion,
      });
    }
  });

  it("covers every Tessera kind that Kthena's examples use", () => {
    const kinds = new Set(docs.map((d) => (d.value as { kind?: string }).kind));
    for (const k of [
      "ModelServing",
      "ModelBooster",
      "AutoscalingPolicy",
      "ModelRoute",
      "ModelServer",
    ])
      expect(kinds).toContain(k);
  });
});

describe("YAML in kthena.md", () => {
  const markdown = fs.readFileSync(path.join(referenceDir(), "kthena.md"), "utf8");
  const docs = extractDocuments("kthena.md", markdown);

  it("extracts the §2 examples, fragments included", () => {
    expect(yamlBlocks(markdown).length).toBeGreaterThanOrEqual(5);
    const kinds = docs.map((d) => d.value["kind"]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        "ModelServing",
        "ModelRoute",
        "ModelServer",
        "ModelBooster",
        "AutoscalingPolicy",
      ]),
    );
    // The LoRA ModelRoute and the two AutoscalingPolicy `spec:` fragments.
    expect(docs.filter((d) => d.completed.length > 0).length).toBeGreaterThanOrEqual(3);
  });

  it.each(docs.map((d) => [d.label, d] as const))("%s validates", (_label, doc) => {
    const result = validateManifest(doc.value);
    expect(result).toMatchObject({ ok: true, kind: doc.value["kind"] });
  });

  it("applies Kthena's defaults to the examples", () => {
    const serving = docs.find((d) => d.value["kind"] === "ModelServing");
    const result = validateManifest(serving?.value);
    if (!("ok" in result) || !result.ok || result.kind !== "ModelServing")
      throw new Error("expected a valid ModelServing");
    expect(result.value.spec.template.roles[1]?.replicas).toBe(4);
    expect(result.value.spec.rolloutStrategy?.rollingUpdateConfiguration?.partition).toBe(0);
    const hetero = docs.find(
      (d) => d.completed.length > 0 && d.value["kind"] === "AutoscalingPolicy",
    );
    const policy = validateManifest(hetero?.value);
    if (!("ok" in policy) || !policy.ok || policy.kind !== "AutoscalingPolicy")
      throw new Error("expected a valid policy");
    expect(policy.value.spec.tolerancePercent).toBe(10);
  });
});

describe("YAML in the seed talk", () => {
  const seedDir = path.join(referenceDir(), "seed");
  const seedFiles = fs.readdirSync(seedDir).filter((f) => f.endsWith(".txt"));
  const fixture = path.join(import.meta.dirname, "__fixtures__", "seed-examples.yaml");

  it("validates any fenced YAML in the talk (the slides lost their layout and have none today)", () => {
    expect(seedFiles.length).toBeGreaterThan(0);
    const fenced = seedFiles.flatMap((f) =>
      extractDocuments(f, fs.readFileSync(path.join(seedDir, f), "utf8")),
    );
    for (const doc of fenced)
      expect(validateManifest(doc.value), doc.label).toMatchObject({ ok: true });
  });

  it("has a reconstruction for every manifest the talk shows", () => {
    const text = seedFiles.map((f) => fs.readFileSync(path.join(seedDir, f), "utf8")).join("\n");
    const reconstructed = documentsOf(fixture).map((d) => (d.value as { kind?: string }).kind);
    for (const kind of ["HyperNode", "ModelServing", "PodGroup", "ModelRoute", "ModelServer"]) {
      expect(text).toContain(`kind: ${kind}`);
      expect(reconstructed).toContain(kind);
    }
  });

  it.each(documentsOf(fixture).map((d) => [d.label, d.value] as const))(
    "%s validates",
    (_label, value) => {
      expect(validateManifest(value)).toMatchObject({ ok: true });
    },
  );

  it("reports the slide's `gangpolicy` spelling as an unknown field", () => {
    const serving = documentsOf(fixture).find(
      (d) => (d.value as { kind?: string }).kind === "ModelServing",
    )?.value as {
      spec: { template: Record<string, unknown> };
    };
    const { gangPolicy, ...rest } = serving.spec.template;
    const template = { ...rest, gangpolicy: gangPolicy };
    const result = validateManifest({ ...serving, spec: { ...serving.spec, template } });
    expect(result).toEqual({
      ok: false,
      kind: "ModelServing",
      name: "sample",
      issues: [{ path: "spec.template.gangpolicy", message: "unknown field" }],
    });
  });
});
