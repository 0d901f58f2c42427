// P/D ratio repair (kthena.md §5, disaggregated targets), biased to scale up:
//   both desired counts 0                ⇒ allowed (the pair scales to zero together)
//   exactly one 0                        ⇒ that role is seeded to 1
//   num/den < minRatio                   ⇒ raise num to ceil(minRatio × den); if that exceeds num.max,
//                                          saturate num at max and lower den to floor(num.max / minRatio)
//   num/den > maxRatio                   ⇒ raise den to ceil(num / maxRatio); if that exceeds den.max,
//                                          saturate den at max and lower num to floor(maxRatio × den.max)
// When integer rounding makes those two steps miss (e.g. minRatio = maxRatio = 0.5 with den = 3) Tessera
// falls back to the closest feasible pair inside the bounds, preferring pairs that remove nothing,
// then the fewest changed replicas, then the larger pair. `satisfied` is false only if no pair within
// the bounds meets the ratio (the condition RatioConstraintViolated).
import { Recommender, type DecideInput } from "./recommender.ts";
import type { Decision, ScalingParams } from "./types.ts";

export interface RoleCount {
  desired: number;
  min: number;
  max: number;
}

export interface RatioConstraint {
  minRatio?: number;
  maxRatio?: number;
}

export interface RatioRepair {
  numerator: number;
  denominator: number;
  adjusted: boolean;
  satisfied: boolean;
  message: string;
}

const EPS = 1e-9;

export function ratioHolds(num: number, den: number, c: RatioConstraint): boolean {
  if (num === 0 && den === 0) return true;
  if (num === 0 || den === 0) return false;
  const r = num / den;
  return (
    (c.minRatio === undefined || r >= c.minRatio - EPS) &&
    (c.maxRatio === undefined || r <= c.maxRatio + EPS)
  );
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

export function repairRatio(
  numRole: RoleCount,
  denRole: RoleCount,
  c: RatioConstraint,
): RatioRepair {
  const n0 = clamp(numRole.desired, numRole.min, numRole.max);
  const d0 = clamp(denRole.desired, denRole.min, denRole.max);
  let n = n0;
  let d = d0;
  const done = (how: string): RatioRepair => {
    const satisfied = ratioHolds(n, d, c);
    const adjusted = n !== numRole.desired || d !== denRole.desired;
    return {
      numerator: n,
      denominator: d,
      adjusted,
      satisfied,
      message: satisfied
        ? adjusted
          ? `ratio repaired (${how}): ${numRole.desired}/${denRole.desired} → ${n}/${d}`
          : `ratio ${n}/${d} within bounds`
        : `ratio ${n}/${d} violates [${c.minRatio ?? "-"}, ${c.maxRatio ?? "-"}] and no replica pair within the role bounds satisfies it`,
    };
  };
  if (n === 0 && d === 0) return done("both zero");
  if (n === 0) n = Math.min(1, numRole.max);
  if (d === 0) d = Math.min(1, denRole.max);

  // Kthena's rule.
  if (c.minRatio !== undefined && n / d < c.minRatio - EPS) {
    const want = Math.ceil(c.minRatio * d - EPS);
    if (want <= numRole.max) n = want;
    else {
      n = numRole.max;
      d = Math.max(denRole.min, Math.floor(n / c.minRatio + EPS));
    }
  } else if (c.maxRatio !== undefined && c.maxRatio > 0 && n / d > c.maxRatio + EPS) {
    const want = Math.ceil(n / c.maxRatio - EPS);
    if (want <= denRole.max) d = want;
    else {
      d = denRole.max;
      n = Math.max(numRole.min, Math.floor(c.maxRatio * d + EPS));
    }
  }
  if (ratioHolds(n, d, c)) return done("kthena rule");

  // Fallback: nearest feasible pair, biased to scale up.
  let best: { n: number; d: number; key: [number, number, number] } | undefined;
  for (let dd = Math.max(1, denRole.min); dd <= denRole.max; dd++) {
    const lo = Math.max(
      numRole.min,
      1,
      c.minRatio === undefined ? 1 : Math.ceil(c.minRatio * dd - EPS),
    );
    const hi = Math.min(
      numRole.max,
      c.maxRatio === undefined ? numRole.max : Math.floor(c.maxRatio * dd + EPS),
    );
    if (lo > hi) continue;
    // Within [lo, hi] the best numerator is the one closest to n0 from above, else hi.
    const nn = n0 <= lo ? lo : n0 >= hi ? hi : n0;
    const removed = Math.max(0, n0 - nn) + Math.max(0, d0 - dd);
    const changed = Math.abs(nn - n0) + Math.abs(dd - d0);
    const key: [number, number, number] = [removed, changed, -(nn + dd)];
    if (!best || lexLess(key, best.key)) best = { n: nn, d: dd, key };
  }
  if (best) {
    n = best.n;
    d = best.d;
    return done("nearest feasible pair");
  }
  n = n0;
  d = d0;
  return done("unsatisfiable");
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

export interface DisaggregatedParams {
  numeratorRole: string;
  denominatorRole: string;
  roles: Record<string, ScalingParams>;
  ratio?: RatioConstraint;
}

export interface DisaggregatedDecision {
  roles: Record<string, Decision & { beforeRatio: number }>;
  ratio?: RatioRepair;
}

/**
 * Two (or one) independent role recommenders plus the ratio repair. Roles whose min equals max are
 * pinned and never consult their metrics.
 */
export class DisaggregatedRecommender {
  readonly params: DisaggregatedParams;
  private readonly recommenders = new Map<string, Recommender>();

  constructor(params: DisaggregatedParams) {
    this.params = params;
    for (const [name, p] of Object.entries(params.roles))
      this.recommenders.set(name, new Recommender(p));
  }

  decide(now: number, roles: Record<string, Omit<DecideInput, "now">>): DisaggregatedDecision {
    const out: DisaggregatedDecision["roles"] = {};
    for (const [name, rec] of this.recommenders) {
      const input = roles[name] ?? { currentReplicas: rec.params.minReplicas, observations: {} };
      const p = rec.params;
      const d: Decision =
        p.minReplicas === p.maxReplicas
          ? {
              desired: p.minReplicas,
              mode: "Stable",
              reason: {
                recommended: p.minReplicas,
                limit: "minReplicas",
                message: `pinned at ${p.minReplicas} (min = max)`,
              },
            }
          : rec.decide({ now, ...input });
      out[name] = { ...d, beforeRatio: d.desired };
    }
    const { numeratorRole, denominatorRole, ratio } = this.params;
    const num = out[numeratorRole];
    const den = out[denominatorRole];
    const numP = this.params.roles[numeratorRole];
    const denP = this.params.roles[denominatorRole];
    if (!ratio || !num || !den || !numP || !denP) return { roles: out };
    const r = repairRatio(
      { desired: num.desired, min: numP.minReplicas, max: numP.maxReplicas },
      { desired: den.desired, min: denP.minReplicas, max: denP.maxReplicas },
      ratio,
    );
    num.desired = r.numerator;
    den.desired = r.denominator;
    return { roles: out, ratio: r };
  }
}
