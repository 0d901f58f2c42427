// The scheduling engine: per profile, filters in order → each scorer's [0,1] scores clamped,
// multiplied by the profile weight and summed → one picker returns the ranked fallback list.
// Every plugin call is timed here (not in the plugins) into one histogram labelled by extension
// point, plugin type and instance name. Plugin instances are reused across config reloads when type,
// name and parameters are unchanged, so cache state (prefix-cache LRU, session table) survives.
import { performance } from "node:perf_hooks";
import type { HistogramChild } from "../metrics/fast.ts";
import type { Endpoint } from "../framework/endpoint.ts";
import type { Plugin, PluginHandle } from "../framework/plugin.ts";
import type { InferenceRequest } from "../framework/request.ts";
import type { Filter, Picker, PostResponse, PreRequest, Scorer } from "../framework/scheduling.ts";
import {
  isFilter,
  isPicker,
  isPostResponse,
  isPreRequest,
  isScorer,
} from "../framework/scheduling.ts";
import type { ResolvedSchedulerConfig } from "../config/scheduler-config.ts";
import { DEFAULT_PROFILE } from "../config/defaults.ts";
import type { RouterMetrics } from "../metrics/metrics.ts";
import { Cycle } from "./cycle-context.ts";
import type { PluginRegistry } from "./registry.ts";

type Timer = HistogramChild;

interface Slot<P> {
  readonly plugin: P;
  readonly timer: Timer;
}
interface ScorerSlot extends Slot<Scorer> {
  readonly weight: number;
}

export interface DecisionRecord {
  at: string;
  requestId: string;
  model: string;
  modelServer: string;
  profile: string;
  /** Endpoints after filters, with per-scorer raw scores and the weighted total. */
  candidates: { endpoint: string; total: number; scores: Record<string, number> }[];
  filteredOut: Record<string, number>;
  picked: string[];
}

/**
 * What a profile run leaves for the debug ring: references and the typed arrays the run produced
 * anyway, so recording costs a few small copies; the JSON view is built only when someone asks.
 */
export class RawDecision implements LoggedDecision {
  readonly at: number;
  readonly requestId: string;
  readonly model: string;
  readonly modelServer: string;
  readonly profile: Profile;
  readonly eps: readonly Endpoint[];
  readonly totals: Float64Array;
  readonly perScorer: readonly Float64Array[];
  readonly picked: readonly Endpoint[];
  readonly filteredOut: readonly (readonly [string, number])[] | null;

  constructor(
    at: number,
    req: InferenceRequest,
    profile: Profile,
    eps: readonly Endpoint[],
    totals: Float64Array,
    perScorer: readonly Float64Array[],
    picked: readonly Endpoint[],
    filteredOut: readonly (readonly [string, number])[] | null,
  ) {
    this.at = at;
    this.requestId = req.requestId;
    this.model = req.requestedModel;
    this.modelServer = req.modelServer;
    this.profile = profile;
    this.eps = eps;
    this.totals = totals;
    this.perScorer = perScorer;
    this.picked = picked;
    this.filteredOut = filteredOut;
  }

  toRecord(): DecisionRecord {
    const scorers = this.profile.scorers;
    return {
      at: new Date(this.at).toISOString(),
      requestId: this.requestId,
      model: this.model,
      modelServer: this.modelServer,
      profile: this.profile.name,
      candidates: this.eps.map((ep, j) => {
        const scores: Record<string, number> = {};
        scorers.forEach(
          (sc, k) => (scores[sc.plugin.typedName.name] = round(this.perScorer[k]?.[j] ?? 0)),
        );
        return { endpoint: ep.id, total: round(this.totals[j] ?? 0), scores };
      }),
      filteredOut: Object.fromEntries(this.filteredOut ?? []),
      picked: this.picked.map((p) => p.id),
    };
  }
}

/** An entry of the decision log, formatted only when read: a profile run or a PD decision. */
export interface LoggedDecision {
  toRecord(): DecisionRecord;
}

export interface DecisionSink {
  readonly enabled: boolean;
  record(d: LoggedDecision): void;
}

export class SchedulingError extends Error {
  override readonly name = "SchedulingError";
  readonly plugin: string;
  constructor(plugin: string, message: string) {
    super(message);
    this.plugin = plugin;
  }
}

interface PluginInstance {
  readonly key: string;
  readonly plugin: Plugin;
}

export class Profile {
  readonly name: string;
  readonly maxCandidates: number;
  readonly filters: readonly Slot<Filter>[];
  readonly scorers: readonly ScorerSlot[];
  readonly picker: Slot<Picker>;
  readonly pre: readonly PreRequest[];
  readonly post: readonly PostResponse[];
  readonly #schedTimer: HistogramChild;
  /** The plugins' clock (PluginHandle.now): wall time in the router, virtual time in a simulation. */
  readonly #now: () => number;

  constructor(
    name: string,
    maxCandidates: number,
    filters: Slot<Filter>[],
    scorers: ScorerSlot[],
    picker: Slot<Picker>,
    pre: PreRequest[],
    post: PostResponse[],
    schedTimer: HistogramChild,
    now: () => number = Date.now,
  ) {
    this.name = name;
    this.maxCandidates = maxCandidates;
    this.filters = filters;
    this.scorers = scorers;
    this.picker = picker;
    this.pre = pre;
    this.post = post;
    this.#schedTimer = schedTimer;
    this.#now = now;
  }

  /** Returns up to maxCandidates endpoints, best first. Throws SchedulingError when filters empty the set. */
  async run(
    req: InferenceRequest,
    input: readonly Endpoint[],
    sink: DecisionSink | null,
  ): Promise<Endpoint[]> {
    const t0 = performance.now();
    const cx = new Cycle(this.name, this.#now());
    const recording = sink !== null && sink.enabled;
    let filteredOut: [string, number][] | null = null;
    let eps = input;
    for (let i = 0; i < this.filters.length; i++) {
      const f = this.filters[i] as Slot<Filter>;
      const s = performance.now();
      const before = eps.length;
      eps = f.plugin.filter(cx, req, eps);
      f.timer.observe((performance.now() - s) / 1000);
      if (recording && eps.length !== before)
        (filteredOut ??= []).push([f.plugin.typedName.name, before - eps.length]);
      if (eps.length === 0)
        throw new SchedulingError(
          f.plugin.typedName.name,
          `all endpoints filtered out by ${f.plugin.typedName.name}`,
        );
    }
    const n = eps.length;
    const totals = new Float64Array(n);
    const scratch = this.scorers.length > 0 ? new Float64Array(n) : totals;
    const perScorer: Float64Array[] | null = recording ? [] : null;
    for (let i = 0; i < this.scorers.length; i++) {
      const sc = this.scorers[i] as ScorerSlot;
      scratch.fill(0);
      const s = performance.now();
      const r = sc.plugin.score(cx, req, eps, scratch);
      if (r !== undefined) await r;
      sc.timer.observe((performance.now() - s) / 1000);
      const w = sc.weight;
      for (let j = 0; j < n; j++) {
        const v = scratch[j] as number;
        totals[j] = (totals[j] as number) + (v > 1 ? 1 : v > 0 ? v : 0) * w;
      }
      if (perScorer !== null) perScorer.push(Float64Array.from(scratch));
    }
    const s = performance.now();
    const picked = this.picker.plugin.pick(cx, eps, totals, this.maxCandidates);
    const end = performance.now();
    this.picker.timer.observe((end - s) / 1000);
    this.#schedTimer.observe((end - t0) / 1000);
    if (recording && perScorer !== null)
      sink.record(new RawDecision(cx.now, req, this, eps, totals, perScorer, picked, filteredOut));
    return picked;
  }

  preRequest(req: InferenceRequest, ep: Endpoint): void {
    for (let i = 0; i < this.pre.length; i++) (this.pre[i] as PreRequest).preRequest(req, ep);
  }

  postResponse(req: InferenceRequest, ep: Endpoint, ok: boolean): void {
    for (let i = 0; i < this.post.length; i++)
      (this.post[i] as PostResponse).postResponse(req, ep, ok);
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

export class Scheduler {
  readonly config: ResolvedSchedulerConfig;
  readonly #profiles = new Map<string, Profile>();
  readonly #instances: PluginInstance[] = [];

  /**
   * @param previous instances of an earlier scheduler to reuse when type, name and parameters match.
   * @throws on unknown plugin types, factory errors, or a profile that mixes in two pickers.
   */
  constructor(
    config: ResolvedSchedulerConfig,
    registry: PluginRegistry,
    handle: PluginHandle,
    metrics: RouterMetrics,
    previous?: Scheduler,
  ) {
    this.config = config;
    const reusable = new Map(
      previous === undefined ? [] : previous.#instances.map((i) => [i.key, i.plugin]),
    );
    const byName = new Map<string, Plugin>();
    for (const spec of config.plugins) {
      const reg = registry.get(spec.type);
      if (reg === undefined)
        throw new Error(
          `unknown plugin type "${spec.type}" (known: ${registry.types().join(", ")})`,
        );
      const key = `${spec.type}\u0000${spec.name}\u0000${JSON.stringify(spec.parameters ?? {})}`;
      const plugin = reusable.get(key) ?? reg.factory(spec.name, spec.parameters, handle);
      this.#instances.push({ key, plugin });
      byName.set(spec.name, plugin);
    }
    for (const prof of config.profiles) {
      const filters: Slot<Filter>[] = [];
      const scorers: ScorerSlot[] = [];
      const pre: PreRequest[] = [];
      const post: PostResponse[] = [];
      let picker: Slot<Picker> | null = null;
      for (const ref of prof.plugins) {
        const p = byName.get(ref.pluginRef);
        if (p === undefined)
          throw new Error(`profile "${prof.name}" references unknown plugin "${ref.pluginRef}"`);
        const timer = (point: string) =>
          metrics.pluginDuration.labels(point, p.typedName.type, p.typedName.name);
        if (isFilter(p)) filters.push({ plugin: p, timer: timer("filter") });
        if (isScorer(p) && ref.weight > 0)
          scorers.push({ plugin: p, timer: timer("score"), weight: ref.weight });
        if (isPicker(p)) {
          if (picker !== null) throw new Error(`profile "${prof.name}" has two pickers`);
          picker = { plugin: p, timer: timer("pick") };
        }
        if (isPreRequest(p)) pre.push(p);
        if (isPostResponse(p)) post.push(p);
      }
      if (picker === null) throw new Error(`profile "${prof.name}" has no picker`);
      this.#profiles.set(
        prof.name,
        new Profile(
          prof.name,
          prof.maxCandidates,
          filters,
          scorers,
          picker,
          pre,
          post,
          metrics.schedulingDuration.labels(prof.name),
          () => handle.now(),
        ),
      );
    }
    if (this.#profiles.size === 0) throw new Error("no scheduling profile");
  }

  /** Profile by name; `prefill`/`decode` fall back to `default`, then to the first profile. */
  profile(name: string): Profile {
    return (
      this.#profiles.get(name) ??
      this.#profiles.get(DEFAULT_PROFILE) ??
      (this.#profiles.values().next().value as Profile)
    );
  }

  profiles(): Profile[] {
    return [...this.#profiles.values()];
  }

  /** Closes the instances that `next` did not take over. */
  async closeUnused(next: Scheduler | null): Promise<void> {
    const kept = new Set(next === null ? [] : next.#instances.map((i) => i.plugin));
    await Promise.allSettled(
      this.#instances.filter((i) => !kept.has(i.plugin)).map(async (i) => i.plugin.close?.()),
    );
  }
}
