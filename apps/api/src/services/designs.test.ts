// The design spec's validation as the API reports it (field paths, messages) and the stored-spec
// compatibility the versioning relies on. Rendering is tested with the renderer in
// @tessera/shared (src/design/render.test.ts).
import { describe, expect, it } from "vitest";
import { DesignSpecSchema } from "@tessera/shared";
import { validationError } from "../errors.ts";
import { hashOf } from "./deployments.ts";

/** A valid spec to which a test adds one bad field. */
const valid = {
  name: "llama",
  model: "llama-3-8b",
  engine: "vLLM",
  roles: [{ name: "m", kind: "mixed", replicas: 1 }],
};

/** `path: message` lines as the API reports a bad spec (see errors.ts validationError). */
const problems = (input: unknown): string[] => {
  const r = DesignSpecSchema.safeParse(input);
  return r.success
    ? []
    : (validationError(r.error).issues ?? []).map((i) => `${i.path}: ${i.message}`);
};

describe("design specs through the API", () => {
  it("name the field of each invalid pod label, worker count and routing flag", () => {
    const chars = "alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric";
    expect(
      problems({
        name: "x",
        model: "m",
        engine: "vLLM",
        roles: [{ name: "m", kind: "mixed", replicas: 1, workerReplicas: -1 }],
        podLabels: {
          "Bad Key": "v",
          "Example.com/x": "v",
          "a/b/c": "v",
          [`n${"x".repeat(63)}`]: "v",
          "tessera.io/pd-role": "decode",
          "modelserving.volcano.sh/name": "other",
          team: "a b",
          "tessera.io/engine": "sim",
          empty: "",
        },
        routing: "no",
      }),
    ).toEqual([
      "roles[0].workerReplicas: must be ≥ 0",
      `podLabels["Bad Key"]: key name must consist of ${chars}`,
      `podLabels["Example.com/x"]: key prefix must be a DNS subdomain (lower-case alphanumerics, '-' or '.')`,
      `podLabels["a/b/c"]: key must have at most one "/" (prefix/name)`,
      `podLabels.n${"x".repeat(63)}: key name must be at most 63 characters`,
      `podLabels["tessera.io/pd-role"]: key is set by Tessera from the role kind`,
      `podLabels["modelserving.volcano.sh/name"]: key is set on every pod by the ModelServing controller`,
      `podLabels.team: value must be empty or consist of ${chars}`,
      "routing: must be boolean",
    ]);
    expect(problems({ ...valid, podLabels: { app: "v".repeat(64) } })).toEqual([
      "podLabels.app: value must be at most 63 characters",
    ]);
    expect(problems({ ...valid, podLabels: { n: 1 } })).toEqual(["podLabels.n: must be string"]);
  });

  it("load a spec saved before these fields existed unchanged", () => {
    // As stored in topology_design_versions.spec before workerReplicas, podLabels and routing.
    const stored = {
      model: "llama-3-8b",
      engine: "vLLM",
      name: "old-pd",
      namespace: "default",
      servingGroups: 1,
      roles: [
        {
          name: "prefill",
          kind: "prefill",
          replicas: 1,
          tensorParallel: 4,
          pipelineParallel: 1,
          gpusPerPod: 2,
        },
        {
          name: "decode",
          kind: "decode",
          replicas: 2,
          tensorParallel: 2,
          pipelineParallel: 1,
          gpusPerPod: 2,
        },
      ],
      gang: "strict",
    };
    const parsed = DesignSpecSchema.parse(structuredClone(stored));
    expect(parsed).toEqual(stored);
    expect(hashOf(parsed)).toBe(hashOf(stored)); // re-saving it is not a new version
  });
});
