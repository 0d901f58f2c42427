// `tessera validate`: exit codes, the one-line problem format, skipped kinds, malformed YAML and
// stdin. Most cases run the command in-process; a few spawn the real bin under Node to prove the
// entry point, stdin and the exit status work end to end.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./main.ts";

const MAIN = path.join(import.meta.dirname, "main.ts");

const SAMPLE = `apiVersion: v1
kind: Service
metadata:
  name: frontend
spec:
  ports: [{port: 80}]
---
apiVersion: workload.serving.volcano.sh/v1alpha1
kind: ModelServing
metadata:
  name: sample
spec:
  replicas: 1
  template:
    roles:
      - name: prefill
        entryTemplate: {spec: {containers: [{name: leader, image: vllm/vllm-openai}]}}
        workerReplicas: 0
      - name: decode
        entryTemplate: {spec: {containers: [{name: leader, image: vllm/vllm-openai}]}}
        workerReplicas: 2
`;

const VALID_ROUTE = `apiVersion: networking.serving.volcano.sh/v1alpha1
kind: ModelRoute
metadata: {name: r}
spec:
  modelName: m
  rules: [{name: all, targetModels: [{modelServerName: s}]}]
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tessera-validate-"));
  fs.writeFileSync(path.join(dir, "models.yaml"), SAMPLE);
  fs.mkdirSync(path.join(dir, "ok", "nested"), { recursive: true });
  fs.writeFileSync(path.join(dir, "ok", "route.yaml"), VALID_ROUTE);
  fs.writeFileSync(
    path.join(dir, "ok", "nested", "route.yml"),
    VALID_ROUTE.replace("name: r}", "name: r2}"),
  );
  fs.writeFileSync(path.join(dir, "ok", "notes.txt"), "not yaml: [");
  fs.writeFileSync(
    path.join(dir, "broken.yaml"),
    `${VALID_ROUTE}---\nkind: ModelRoute\nmetadata:\n  name: x\n   bad: indent\n`,
  );
  fs.mkdirSync(path.join(dir, "empty"));
  fs.mkdirSync(path.join(dir, "ok", ".hidden"));
  fs.writeFileSync(path.join(dir, "ok", ".hidden", "bad.yaml"), "kind: ModelRoute\n");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[], stdin = "") {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = runCli(args, {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    readStdin: () => stdin,
  });
  return { code, stdout, stderr };
}

describe("tessera validate", () => {
  it("prints one line per problem naming file, document, line, object, field path and rule", () => {
    const file = path.join(dir, "models.yaml");
    const r = run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      `${file}:doc 2 (line 8): ModelServing/sample: spec.template.roles[1].workerTemplate: required when workerReplicas > 0`,
    ]);
  });

  it("reports kinds Tessera does not own as skipped, on stderr, one line each", () => {
    const file = path.join(dir, "models.yaml");
    const r = run(["validate", file]);
    expect(r.stderr).toContain(
      `skipped ${file}:doc 1 (line 1): Service/frontend (v1): not a Tessera kind`,
    );
    expect(r.stderr.at(-1)).toBe("0 valid, 1 invalid, 1 skipped");
  });

  it("exits 0 when everything is valid, walking directories for *.yaml and *.yml", () => {
    const r = run(["validate", path.join(dir, "ok")]);
    expect(r).toEqual({ code: 0, stdout: [], stderr: ["2 valid, 0 invalid, 0 skipped"] });
  });

  it("gives malformed YAML its line and column", () => {
    const file = path.join(dir, "broken.yaml");
    const r = run(["validate", file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toHaveLength(1);
    expect(r.stdout[0]).toMatch(
      new RegExp(
        `^${file.replaceAll(/[.\\/]/g, "\\$&")}:doc 2 \\(line 8\\): malformed YAML at line 10, column 9: \\S`,
      ),
    );
    expect(r.stdout[0]).not.toMatch(/\n| {4}at /);
  });

  it("reads - from stdin", () => {
    const r = run(["validate", "-"], SAMPLE);
    expect(r.code).toBe(1);
    expect(r.stdout[0]).toBe(
      "<stdin>:doc 2 (line 8): ModelServing/sample: spec.template.roles[1].workerTemplate: required when workerReplicas > 0",
    );
  });

  it("rejects duplicate keys as malformed YAML", () => {
    const r = run(
      ["validate", "-"],
      VALID_ROUTE.replace("modelName: m", "modelName: m\n  modelName: n"),
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toEqual([
      expect.stringMatching(
        /^<stdin>:doc 1 \(line 1\): malformed YAML at line 6, column 3: Map keys must be unique/,
      ),
    ]);
  });

  it("reports unknown fields like kubectl --validate=strict", () => {
    const r = run(
      ["validate", "-"],
      VALID_ROUTE.replace("modelName: m", "modelName: m\n  modelname: m"),
    );
    expect(r.stdout).toEqual([
      "<stdin>:doc 1 (line 1): ModelRoute/r: spec.modelname: unknown field",
    ]);
  });

  it("labels documents without kind or name", () => {
    const r = run(
      ["validate", "-"],
      "metadata: {name: x}\n---\napiVersion: networking.serving.volcano.sh/v1alpha1\nkind: ModelServer\nmetadata: {}\nspec: {inferenceEngine: vLLM, workloadSelector: {}}\n",
    );
    expect(r.stdout).toEqual([
      "<stdin>:doc 1 (line 1): (no kind)/x: apiVersion: required",
      "<stdin>:doc 1 (line 1): (no kind)/x: kind: required",
      "<stdin>:doc 2 (line 3): ModelServer: metadata.name: required (or metadata.generateName)",
    ]);
  });

  it.each([
    [["validate"], /no input given/],
    [["validate", "--strict", "x.yaml"], /unknown option --strict/],
    [["frobnicate"], /unknown command "frobnicate"/],
    [[], /usage: tessera/],
  ])("exits 2 on usage errors: %j", (args, message) => {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stderr.join("\n")).toMatch(message);
  });

  it("exits 2 on unreadable input and names it", () => {
    const missing = path.join(dir, "missing.yaml");
    expect(run(["validate", missing])).toMatchObject({
      code: 2,
      stderr: [`tessera validate: ${missing}: no such file or directory`],
    });
    expect(run(["validate", path.join(dir, "empty")]).code).toBe(2);
  });
});

describe("the tessera bin", () => {
  const node = process.execPath;
  const bin = (args: string[], input?: string) =>
    spawnSync(node, [MAIN, ...args], { input, encoding: "utf8", timeout: 30_000 });

  it("is declared in package.json and is executable", () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(import.meta.dirname, "../../package.json"), "utf8"),
    ) as { bin: Record<string, string> };
    expect(path.resolve(import.meta.dirname, "../..", pkg.bin["tessera"] ?? "")).toBe(MAIN);
    expect(fs.readFileSync(MAIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(fs.statSync(MAIN).mode & 0o111).not.toBe(0);
  });

  it("exits 0, 1 and 2 as documented", () => {
    expect(bin(["validate", path.join(dir, "ok")]).status).toBe(0);
    const invalid = bin(["validate", path.join(dir, "models.yaml")]);
    expect(invalid.status).toBe(1);
    expect(invalid.stdout).toContain(
      "spec.template.roles[1].workerTemplate: required when workerReplicas > 0\n",
    );
    expect(bin(["validate", path.join(dir, "nope.yaml")]).status).toBe(2);
  });

  it("reads stdin and never prints a stack trace for malformed YAML", () => {
    const r = bin(["validate", "-"], "kind: ModelRoute\nspec: {a: [1, 2}\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      /^<stdin>:doc 1 \(line \d+\): malformed YAML at line \d+, column \d+: /,
    );
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
