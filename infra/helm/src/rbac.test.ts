import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureHelm } from "./binaries.ts";
import { parseManifests, renderChart } from "./helm.ts";
import type { KubeObject } from "./helm.ts";
import { REPO_ROOT } from "./paths.ts";
import { CONTROLLER_ACCESS, componentRules, findWildcards, grants } from "./rbac.ts";

const CONTROLLER_SRC = join(REPO_ROOT, "apps", "controller", "src");
const ROUTER_SRC = join(REPO_ROOT, "apps", "router", "src");

let defaults: KubeObject[];
let full: KubeObject[];
beforeAll(async () => {
  await ensureHelm();
  defaults = await renderChart();
  full = await renderChart({
    values: {
      api: { enabled: true, kubeconfigKeySecret: "k", database: { url: "postgres://x@db/t" } },
      console: { enabled: true },
      redis: { mode: "internal" },
      controller: { watchNamespace: "llm" },
    },
  });
});

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== "testing") out.push(...sourceFiles(p));
    } else if (e.endsWith(".ts") && !e.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

describe("no wildcards in the rendered RBAC", () => {
  it("finds none in the chart, whatever is enabled", () => {
    expect(defaults.some((o) => o.kind === "ClusterRole")).toBe(true);
    expect(findWildcards(defaults)).toEqual([]);
    expect(findWildcards(full)).toEqual([]);
  });

  it("reports every wildcard of the negative fixture (the check can fail)", () => {
    const fixture = parseManifests(
      readFileSync(
        join(import.meta.dirname, "..", "test", "fixtures", "wildcard-role.yaml"),
        "utf8",
      ),
    );
    expect(findWildcards(fixture)).toEqual([
      'ClusterRole/too-broad rules[0].apiGroups: "*"',
      'ClusterRole/too-broad rules[1].resources: "*"',
      'ClusterRole/too-broad rules[2].verbs: "*"',
      'ClusterRole/too-broad rules[3].resources: "pods/*"',
      'ClusterRole/too-broad rules[3].resources: "pods/*"',
    ]);
  });
});

describe("controller RBAC is exactly what apps/controller/src touches", () => {
  it("grants exactly the controller's access list, nothing more", () => {
    expect(grants(componentRules(defaults, "controller"))).toEqual(
      CONTROLLER_ACCESS.map((a) => a.grant).sort(),
    );
  });

  it("covers every kind the controller code names, and no kind it does not", () => {
    // The controller's table of kinds it can address (k8s/resources.ts) ...
    const table = readFileSync(join(CONTROLLER_SRC, "k8s", "resources.ts"), "utf8");
    const addressable = [...table.matchAll(/kind: "([A-Za-z]+)"/g)].map((m) => m[1] ?? "");
    expect(addressable.length).toBeGreaterThan(5);
    // ... and which of them the rest of the code actually uses.
    const code = sourceFiles(CONTROLLER_SRC)
      .filter((f) => !f.endsWith(join("k8s", "resources.ts")))
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const used = addressable.filter((k) => code.includes(`"${k}"`)).sort();
    const granted = [...new Set(CONTROLLER_ACCESS.map((a) => a.kind))].sort();
    expect(granted).toEqual(used);
    // Kinds the code never names (Namespace today) get no access.
    for (const k of addressable.filter((x) => !used.includes(x)))
      expect(granted, `unexpected grant for ${k}`).not.toContain(k);
  });

  it("has no write access without the matching client call in the code", () => {
    const code = sourceFiles(CONTROLLER_SRC)
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const verbs = new Set(CONTROLLER_ACCESS.map((a) => a.grant.split(":")[1]?.split("@")[0]));
    const evidence: Record<string, RegExp> = {
      list: /new Informer|\.list\(/,
      watch: /new Informer/,
      get: /\.get<|"GET"/,
      patch: /\.apply[<(]|\.mergePatch[<(]|"PATCH"/,
      delete: /\.delete\(/,
      // server-side apply creates missing objects
      create: /\.create[<(]|\.apply[<(]/,
      update: /"PUT"/,
    };
    for (const v of verbs) expect(evidence[v ?? ""]?.test(code), `verb ${v}`).toBe(true);
  });

  it("drops ModelBooster access when the ModelBooster controller is off", async () => {
    const objs = await renderChart({ values: { controller: { modelBooster: false } } });
    const g = grants(componentRules(objs, "controller"));
    expect(g.some((x) => x.includes("modelboosters"))).toBe(false);
    expect(g.some((x) => x.startsWith("networking.serving.volcano.sh/"))).toBe(false);
  });
});

describe("router RBAC", () => {
  it("is read-only (list, watch) on exactly the objects its Kubernetes source watches", () => {
    const src = readFileSync(
      join(ROUTER_SRC, "sources", "kubernetes", "kubernetes-source.ts"),
      "utf8",
    );
    // Kthena's kinds go through crdPath("<plural>"), Tessera's tenancy kinds through
    // tPath("<plural>"), core kinds through /api/v1/.../<plural>.
    const watched = [
      ...[...src.matchAll(/crdPath\("([a-z]+)"\)/g)].map(
        (m) => `networking.serving.volcano.sh/${m[1]}`,
      ),
      ...[...src.matchAll(/tPath\("([a-z]+)"\)/g)].map((m) => `tessera.io/${m[1]}`),
      ...[...src.matchAll(/"\/api\/v1\/([a-z]+)"/g)].map((m) => `/${m[1]}`),
    ];
    expect(watched.length, relative(REPO_ROOT, ROUTER_SRC)).toBeGreaterThanOrEqual(3);
    const expected = watched.flatMap((r) => [`${r}:list`, `${r}:watch`]).sort();
    expect(grants(componentRules(defaults, "router"))).toEqual(expected);
  });

  it("gives the API and console no Kubernetes access at all", () => {
    expect(componentRules(full, "api")).toEqual([]);
    expect(componentRules(full, "console")).toEqual([]);
    const apiSa = full.find(
      (o) => o.kind === "ServiceAccount" && o.metadata.name === "tessera-api",
    );
    expect(apiSa?.["automountServiceAccountToken"]).toBe(false);
  });
});
