// Heterogeneous placement: how many replicas of each ModelServing target (GPU type) to run.
//
// Exact model (MILP, solved by HiGHS compiled to WebAssembly, npm `highs`):
//   integer x_i ∈ [min_i, max_i]                      replicas of target i
//   Σ capacity_i · x_i ≥ demand                        enough capacity
//   minimise Σ cost_i · x_i + ε · Σ |x_i − current_i|  cheapest, then fewest changes
// |x_i − current_i| is linearised with d_i ≥ x_i − current_i, d_i ≥ current_i − x_i, d_i ≥ 0.
//
// Choice of ε: costs are first scaled by s = 10^k (the smallest k ≤ 6 that makes every cost an
// integer; Kthena's costs are int32 so normally s = 1), giving integer costs C_i. Let
// D = Σ_i max(|max_i − current_i|, |current_i − min_i|), the largest churn any feasible x can have.
// The solver minimises (D + 1) · Σ C_i x_i + Σ d_i, i.e. ε = 1/(D + 1) in scaled cost units. Two
// solutions with different real cost differ in Σ C_i x_i by at least 1, so in the objective by at
// least D + 1 > D ≥ any difference in churn: churn only ever breaks ties between equally cheap
// solutions and never overrides a real cost difference. All objective coefficients are integers,
// so an absolute MIP gap below 1 (we use 0.5, and a relative gap of 0) certifies optimality.
//
// Infeasible demand (Σ capacity_i · max_i < demand) is reported without calling the solver, with
// the best effort "every target at max".
//
// The Kthena cost-block heuristic (kthena.md §5) is kept as `kthenaCostBlocks` for compatibility
// and comparison.
import type { Highs, HighsOptions, InitOptions } from "highs";

export interface HeterogeneousTarget {
  name: string;
  /** Relative cost of one replica. */
  cost: number;
  /** Units of the scaling metric one replica serves (e.g. requests/s at the SLO). */
  capacity: number;
  min: number;
  max: number;
  /** Replicas running now (kept when it costs nothing extra). */
  current: number;
}

export interface HeterogeneousPlan {
  replicas: Record<string, number>;
  /** Σ cost_i · x_i (unscaled). */
  cost: number;
  capacity: number;
  /** Σ |x_i − current_i|. */
  churn: number;
  feasible: boolean;
  /** demand − capacity when infeasible, else 0. */
  shortfall: number;
  solver: "highs" | "none";
  message: string;
}

type HighsLoader = (options?: InitOptions) => Promise<Highs>;
let cached: Promise<Highs> | undefined;

/**
 * Loads HiGHS once per process/page and caches the instance. In Node the wasm file is found next to
 * the package; in a browser pass `locateFile` (or `wasmBinary`) so the bundler-served asset is used,
 * and prefer a Web Worker for large models (the solver is synchronous once loaded).
 */
export function loadHighsSolver(options?: InitOptions): Promise<Highs> {
  cached ??= import("highs")
    .then((m) => {
      // The package's typings are CommonJS-flavoured; at runtime the ESM build exports the loader as
      // default, while some bundlers wrap it once more.
      const mod = m as unknown as { default: HighsLoader | { default: HighsLoader } };
      const load = typeof mod.default === "function" ? mod.default : mod.default.default;
      return load(options);
    })
    .catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
  return cached;
}

function costScale(costs: readonly number[]): number {
  for (let k = 0, s = 1; k <= 6; k++, s *= 10) {
    if (
      costs.every((c) => Math.abs(c * s - Math.round(c * s)) <= 1e-9 * Math.max(1, Math.abs(c * s)))
    )
      return s;
  }
  return 1e6; // costs are rounded to 1e-6: relative weights never need more
}

function evaluate(targets: readonly HeterogeneousTarget[], x: readonly number[]) {
  let cost = 0;
  let capacity = 0;
  let churn = 0;
  targets.forEach((t, i) => {
    const v = x[i] ?? 0;
    cost += t.cost * v;
    capacity += t.capacity * v;
    churn += Math.abs(v - t.current);
  });
  return { cost, capacity, churn };
}

function plan(
  targets: readonly HeterogeneousTarget[],
  x: readonly number[],
  demand: number,
  solver: HeterogeneousPlan["solver"],
  message: string,
): HeterogeneousPlan {
  const e = evaluate(targets, x);
  const feasible = e.capacity >= demand - 1e-9 * Math.max(1, demand);
  return {
    replicas: Object.fromEntries(targets.map((t, i) => [t.name, x[i] ?? 0])),
    ...e,
    feasible,
    shortfall: feasible ? 0 : demand - e.capacity,
    solver,
    message,
  };
}

function num(x: number): string {
  // LP format: plain decimal, no exponent surprises for the magnitudes used here.
  return Number.isInteger(x) ? String(x) : x.toPrecision(15).replace(/\.?0+$/, "");
}

/** The LP-format model (exported for debugging and the console's "show model" view). */
export function heterogeneousModel(
  targets: readonly HeterogeneousTarget[],
  demand: number,
): string {
  const s = costScale(targets.map((t) => t.cost));
  const D = targets.reduce(
    (a, t) => a + Math.max(Math.abs(t.max - t.current), Math.abs(t.current - t.min)),
    0,
  );
  const w = D + 1;
  const obj = targets
    .flatMap((t, i) => [`${num(w * Math.round(t.cost * s))} x${i}`, `d${i}`])
    .join(" + ");
  const cap = targets.map((t, i) => `${num(t.capacity)} x${i}`).join(" + ");
  const rows = targets.flatMap((t, i) => [
    ` up${i}: d${i} - x${i} >= ${num(-t.current)}`,
    ` dn${i}: d${i} + x${i} >= ${num(t.current)}`,
  ]);
  const bounds = targets.flatMap((t, i) => [` ${t.min} <= x${i} <= ${t.max}`, ` d${i} >= 0`]);
  return [
    "Minimize",
    ` obj: ${obj}`,
    "Subject To",
    ` cap: ${cap} >= ${num(demand)}`,
    ...rows,
    "Bounds",
    ...bounds,
    "Generals",
    ` ${targets.map((_, i) => `x${i}`).join(" ")}`,
    "End",
  ].join("\n");
}

const SOLVE_OPTIONS: Partial<HighsOptions> = {
  output_flag: false,
  mip_rel_gap: 0,
  mip_abs_gap: 0.5,
};

export function validateTargets(targets: readonly HeterogeneousTarget[]): void {
  const names = new Set<string>();
  for (const t of targets) {
    if (names.has(t.name)) throw new Error(`heterogeneous: duplicate target ${t.name}`);
    names.add(t.name);
    for (const k of ["min", "max", "current"] as const) {
      if (!Number.isInteger(t[k]) || t[k] < 0)
        throw new Error(`heterogeneous: ${t.name}.${k} must be a non-negative integer`);
    }
    if (t.min > t.max) throw new Error(`heterogeneous: ${t.name}.min exceeds max`);
    if (!(t.cost >= 0) || !(t.capacity >= 0))
      throw new Error(`heterogeneous: ${t.name} cost and capacity must be ≥ 0`);
  }
}

/** Cheapest integer replicas per target with capacity ≥ demand, keeping running replicas on ties. */
export async function optimiseHeterogeneous(
  targets: readonly HeterogeneousTarget[],
  demand: number,
  options: { highs?: Highs } = {},
): Promise<HeterogeneousPlan> {
  validateTargets(targets);
  const maxCap = targets.reduce((a, t) => a + t.capacity * t.max, 0);
  if (maxCap < demand) {
    return plan(
      targets,
      targets.map((t) => t.max),
      demand,
      "none",
      `Infeasible: demand ${num(demand)} exceeds the capacity of every target at maxReplicas (${num(maxCap)}); best effort is all targets at max`,
    );
  }
  if (targets.length === 0) return plan(targets, [], demand, "none", "no targets and no demand");
  const highs = options.highs ?? (await loadHighsSolver());
  const result = highs.solve(heterogeneousModel(targets, demand), SOLVE_OPTIONS);
  if (result.Status !== "Optimal")
    throw new Error(`heterogeneous: HiGHS returned ${result.Status}`);
  const columns = result.Columns as Record<string, { Primal: number } | undefined>;
  const x = targets.map((t, i) =>
    Math.min(t.max, Math.max(t.min, Math.round(columns[`x${i}`]?.Primal ?? t.min))),
  );
  const p = plan(targets, x, demand, "highs", "");
  if (!p.feasible) throw new Error("heterogeneous: solver solution violates the capacity row");
  p.message = `Optimal: cost ${num(p.cost)} for capacity ${num(p.capacity)} ≥ demand ${num(demand)}, ${p.churn} replica change(s)`;
  return p;
}

/**
 * Kthena's distribution (kthena.md §5): each target's range max − min is cut into blocks of 1, r, r², …
 * (r = costExpansionRatePercent / 100, remainder last; r ≤ 1 ⇒ one block), blocks sorted by
 * cost × size then target index; the total K is every target's min plus the first K − Σmin replicas
 * taken block by block.
 */
export function kthenaCostBlocks(
  targets: readonly Pick<HeterogeneousTarget, "cost" | "min" | "max">[],
  total: number,
  costExpansionRatePercent = 200,
): number[] {
  const r = costExpansionRatePercent / 100;
  const blocks: { i: number; size: number; cost: number }[] = [];
  targets.forEach((t, i) => {
    let left = t.max - t.min;
    if (left <= 0) return;
    if (r <= 1) {
      blocks.push({ i, size: left, cost: t.cost * left });
      return;
    }
    let size = 1;
    while (left > 0) {
      const b = Math.min(left, Math.max(1, Math.floor(size)));
      blocks.push({ i, size: b, cost: t.cost * b });
      left -= b;
      size *= r;
    }
  });
  blocks.sort((a, b) => a.cost - b.cost || a.i - b.i);
  const x = targets.map((t) => t.min);
  let extra = total - x.reduce((a, v) => a + v, 0);
  for (const b of blocks) {
    if (extra <= 0) break;
    const take = Math.min(extra, b.size);
    x[b.i] = (x[b.i] ?? 0) + take;
    extra -= take;
  }
  return x;
}

/**
 * The heuristic applied to a demand: the smallest total K whose cost-block allocation has
 * capacity ≥ demand (Kthena itself derives K from metrics as if all replicas were equal).
 */
export function kthenaForDemand(
  targets: readonly HeterogeneousTarget[],
  demand: number,
  costExpansionRatePercent = 200,
): HeterogeneousPlan {
  validateTargets(targets);
  const lo = targets.reduce((a, t) => a + t.min, 0);
  const hi = targets.reduce((a, t) => a + t.max, 0);
  let x = targets.map((t) => t.max);
  for (let k = lo; k <= hi; k++) {
    const cand = kthenaCostBlocks(targets, k, costExpansionRatePercent);
    if (evaluate(targets, cand).capacity >= demand - 1e-9 * Math.max(1, demand)) {
      x = cand;
      break;
    }
  }
  const p = plan(targets, x, demand, "none", "");
  p.message = p.feasible
    ? `Kthena cost blocks: cost ${num(p.cost)}`
    : `Infeasible: best effort all at max`;
  return p;
}
