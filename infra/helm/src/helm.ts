// Runs the helm binary (built by binaries.ts) to lint and render the chart.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { helmPath } from "./binaries.ts";
import { childEnv } from "./env.ts";
import { CHART_DIR } from "./paths.ts";

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export class HelmError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string) {
    super(message);
    this.name = "HelmError";
    this.stderr = stderr;
  }
}

export function runHelm(args: string[], helm = helmPath()): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      helm,
      args,
      {
        maxBuffer: 64 * 1024 * 1024,
        env: childEnv({ HELM_CACHE_HOME: join(tmpdir(), "tessera-helm-cache") }),
      },
      (err, stdout, stderr) => {
        if (err)
          reject(new HelmError(`helm ${args[0]} failed: ${stderr.trim() || err.message}`, stderr));
        else resolve(stdout);
      },
    );
  });
}

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Values merged over values.yaml (written to a temporary values file). */
  values?: Record<string, unknown>;
  /** Include crds/ in the output (helm template leaves them out by default). */
  includeCrds?: boolean;
  chartDir?: string;
  helm?: string;
}

/** `helm template` with the values; helm validates them against values.schema.json first. */
export async function renderChart(o: RenderOptions = {}): Promise<KubeObject[]> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-values-"));
  try {
    const valuesFile = join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(o.values ?? {}));
    const out = await runHelm(
      [
        "template",
        o.releaseName ?? "tessera",
        o.chartDir ?? CHART_DIR,
        "--namespace",
        o.namespace ?? "tessera-system",
        "--values",
        valuesFile,
        ...(o.includeCrds ? ["--include-crds"] : []),
      ],
      o.helm,
    );
    return parseManifests(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function parseManifests(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`invalid YAML from helm: ${doc.errors[0]?.message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj && typeof obj === "object" && obj.kind) out.push(obj);
  }
  return out;
}

export async function lintChart(
  o: { values?: Record<string, unknown>; chartDir?: string; helm?: string } = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "tessera-values-"));
  try {
    const valuesFile = join(dir, "values.json");
    writeFileSync(valuesFile, JSON.stringify(o.values ?? {}));
    return await runHelm(
      ["lint", "--strict", o.chartDir ?? CHART_DIR, "--values", valuesFile],
      o.helm,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
