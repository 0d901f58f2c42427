import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_DIR, REPO_ROOT } from "./paths.ts";

function metricNames(dir: string): Set<string> {
  const out = new Set<string>();
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      for (const n of metricNames(p)) out.add(n);
    } else if (e.endsWith(".ts") && !e.endsWith(".test.ts")) {
      for (const m of readFileSync(p, "utf8").matchAll(
        /"(tessera_(?:router|controller)_[a-z0-9_]+)"/g,
      ))
        if (!m[1]?.endsWith("_")) out.add(m[1] ?? ""); // skip prefixes (collectDefaultMetrics)
    }
  }
  return out;
}

describe("Grafana dashboard", () => {
  const dashboard = readFileSync(join(CHART_DIR, "files", "grafana-dashboard.json"), "utf8");
  const known = new Set([
    ...metricNames(join(REPO_ROOT, "apps", "router", "src")),
    ...metricNames(join(REPO_ROOT, "apps", "controller", "src")),
  ]);

  it("queries only metrics the router and controller export", () => {
    expect(known.size).toBeGreaterThan(20);
    const used = new Set(
      [...dashboard.matchAll(/tessera_(?:router|controller)_[a-z0-9_]+/g)]
        .map((m) => m[0].replace(/_(bucket|sum|count)$/, ""))
        .filter((m) => !m.startsWith("tessera_router_process_")),
    );
    expect(used.size).toBeGreaterThan(20);
    for (const m of used) expect(known, m).toContain(m);
  });

  it("has a panel for every router and controller metric", () => {
    for (const m of known) expect(dashboard, m).toContain(m);
  });

  it("is valid JSON with unique panel ids", () => {
    const d = JSON.parse(dashboard) as { uid: string; panels: { id: number }[] };
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
