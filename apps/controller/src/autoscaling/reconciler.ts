// The autoscaler: level-triggered per AutoscalingPolicy, every `intervalMs` (15 s like Kthena) and
// on events (policy changes, capacity changes). Per policy it keeps the recommendation state (one
// Recommender per scalable unit, rebuilt when the policy's generation changes), reads the metrics
// (pod /metrics or Prometheus), decides, cuts scale-ups to what the cluster can place, writes the
// replica count, records an Event explaining the decision and writes the status.
//
// How replicas are written, and why: homogeneous and heterogeneous targets go through the
// ModelServing `scale` subresource (`PATCH …/scale`, field manager `tessera-autoscaler`). It touches
// exactly `spec.replicas`, needs no knowledge of the rest of the spec, and the apiserver records the
// field as owned by `tessera-autoscaler`, distinct from the user's apply manager, so ownership
// shows who set it (as with the HPA, users should leave `spec.replicas` out of their manifests).
// Role replicas (disaggregated) have no scale subresource and `spec.template.roles` is an atomic
// list, so server-side apply of one role's count would take ownership of the whole list and a
// merge patch would replace it; a JSON patch with a `test` of the role's name at that index
// changes only that integer and fails (and is retried next cycle) if the list was reordered.
import type { AutoscalingPolicySpec } from "@tessera/shared/api/workload/autoscaling-policy";
import { AutoscalingPolicySpecSchema } from "@tessera/shared/api/workload/autoscaling-policy";
import type { ModelServing } from "@tessera/shared/api/workload/model-serving";
import type { Condition } from "@tessera/shared/api/common/condition";
import {
  DisaggregatedRecommender,
  Recommender,
  applyPlacementLimit,
  fromAutoscalingPolicy,
  optimiseHeterogeneous,
  ratioHolds,
  type ConvertedPolicy,
  type Decision,
  type MetricObservation,
  type PlaceableCapacity,
  type PlacementLimitedDecision,
} from "@tessera/shared/autoscaling/index";
import type { Cluster, PodPlacement } from "@tessera/shared/placement/index";
import type { Logger } from "pino";
import type { KubeClient } from "../k8s/client.ts";
import { resourcePath } from "../k8s/resources.ts";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import { stableStringify } from "../modelserving/hash.ts";
import type { EventRecorder, InvolvedObject } from "../runtime/events.ts";
import {
  REASON_INVALID,
  REASON_NO_METRICS,
  REASON_RATIO_CUT,
  REASON_RATIO_VIOLATED,
  REASON_SCALED_DOWN,
  REASON_SCALED_UP,
  REASON_TARGET_MISSING,
  REASON_UNSCHEDULABLE,
  decisionMessage,
} from "./events.ts";
import { placeableGroups, placeableRoleReplicas } from "./feasibility.ts";
import { PodScraper } from "./metrics/pod-scraper.ts";
import { queryPrometheus } from "./metrics/prometheus.ts";
import { policySelectorProblems, selectPods } from "./selector.ts";
import { condition, type UnitStatus } from "./status.ts";

export const AUTOSCALER_FIELD_MANAGER = "tessera-autoscaler";
const LABEL_ROLE = "modelserving.volcano.sh/role";

export interface AutoscalingPolicyObject extends KubeObject {
  spec?: unknown;
  status?: { conditions?: Condition[] } & Record<string, unknown>;
}

type MetricSources = NonNullable<
  NonNullable<AutoscalingPolicySpec["homogeneousTarget"]>["target"]["metricSources"]
>;

export interface AutoscalerCaches {
  policy(ns: string, name: string): AutoscalingPolicyObject | undefined;
  modelServing(ns: string, name: string): KubeObject | undefined;
  /** Pods of a ModelServing (by its name label). */
  pods(ns: string, modelServing: string): PodObject[];
  /** Cluster inventory; undefined ⇒ feasibility unknown (scale-ups pass). */
  cluster(): Cluster | undefined;
}

export interface AutoscalerOptions {
  client: KubeClient;
  events: EventRecorder;
  log: Logger;
  caches: AutoscalerCaches;
  intervalMs?: number;
  fetch?: typeof fetch;
  /** Histogram baseline age for pod metrics (default 60 s). */
  histogramBaselineMs?: number;
  now?: () => number;
}

interface PolicyState {
  generation: number | undefined;
  uid: string | undefined;
  converted: ConvertedPolicy;
  recommender?: Recommender;
  disaggregated?: DisaggregatedRecommender;
  scrapers: Map<string, PodScraper>;
  lastScaleTime: Map<string, string>;
}

function metricNames(c: ConvertedPolicy): string[] {
  if (c.kind === "disaggregated")
    return [...new Set(Object.values(c.params.roles).flatMap((r) => r.metrics.map((m) => m.name)))];
  return c.params.metrics.map((m) => m.name);
}

export class AutoscalingReconciler {
  private readonly o: AutoscalerOptions;
  private readonly state = new Map<string, PolicyState>();
  readonly intervalMs: number;

  constructor(o: AutoscalerOptions) {
    this.o = o;
    this.intervalMs = o.intervalMs ?? 15_000;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async reconcile(key: string): Promise<{ requeueAfterMs?: number }> {
    const [ns = "", name = ""] = key.split("/");
    const policy = this.o.caches.policy(ns, name);
    if (!policy || policy.metadata?.deletionTimestamp) {
      this.state.delete(key);
      return {};
    }
    const parsed = AutoscalingPolicySpecSchema.safeParse(policy.spec ?? {});
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
      await this.notReady(policy, REASON_INVALID, msg);
      return {};
    }
    const selectorProblems = policySelectorProblems(parsed.data);
    if (selectorProblems.length > 0) {
      await this.notReady(policy, REASON_INVALID, selectorProblems.join("; "));
      return {};
    }
    let st = this.state.get(key);
    if (!st || st.generation !== policy.metadata?.generation || st.uid !== policy.metadata?.uid) {
      const converted = fromAutoscalingPolicy(parsed.data);
      st = {
        generation: policy.metadata?.generation,
        uid: policy.metadata?.uid,
        converted,
        scrapers: new Map(),
        lastScaleTime: new Map(st?.lastScaleTime ?? []),
        ...(converted.kind === "disaggregated"
          ? { disaggregated: new DisaggregatedRecommender(converted.params) }
          : { recommender: new Recommender(converted.params) }),
      };
      this.state.set(key, st);
    }
    const spec = parsed.data;
    if (spec.homogeneousTarget) await this.homogeneous(policy, spec, st);
    else if (spec.heterogeneousTarget) await this.heterogeneous(policy, spec, st);
    else if (spec.disaggregatedTarget) await this.disaggregated(policy, spec, st);
    return { requeueAfterMs: this.intervalMs };
  }

  private involved(o: KubeObject): InvolvedObject {
    return {
      apiVersion: o.apiVersion ?? "",
      kind: o.kind ?? "",
      name: o.metadata?.name ?? "",
      namespace: o.metadata?.namespace ?? "",
      ...(o.metadata?.uid ? { uid: o.metadata.uid } : {}),
    };
  }

  private scraper(st: PolicyState, unit: string): PodScraper {
    let s = st.scrapers.get(unit);
    if (!s) {
      s = new PodScraper({
        ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
        ...(this.o.histogramBaselineMs !== undefined
          ? { minSnapshotAgeMs: this.o.histogramBaselineMs }
          : {}),
      });
      st.scrapers.set(unit, s);
    }
    return s;
  }

  /** Observations of every metric for one unit's pods, from its metric sources. */
  private async observe(
    st: PolicyState,
    unit: string,
    pods: PodObject[],
    sources: MetricSources | undefined,
    metrics: readonly string[],
  ): Promise<{ obs: Record<string, MetricObservation>; errors: string[] }> {
    const obs: Record<string, MetricObservation> = {};
    const errors: string[] = [];
    const byPodSource = new Map<
      string,
      {
        port: number;
        uri: string;
        metrics: string[];
        family: Map<string, string>;
        pods: PodObject[];
      }
    >();
    for (const m of metrics) {
      const src = sources?.[m];
      if (!src) {
        obs[m] = { kind: "missing" };
        errors.push(`${m}: no metric source`);
        continue;
      }
      if (src.prometheus) {
        const r = await queryPrometheus(
          src.prometheus.serverURL,
          src.prometheus.query,
          this.o.fetch ? { fetch: this.o.fetch } : {},
        );
        obs[m] = r.kind === "external" ? { kind: "external", value: r.value } : { kind: "missing" };
        if (r.error) errors.push(`${m}: ${r.error}`);
      } else if (src.pod) {
        const sel = src.pod.labelSelector;
        const selected = selectPods(pods, sel);
        const k = `${src.pod.port}|${src.pod.uri}|${stableStringify(sel ?? {})}`;
        const g = byPodSource.get(k) ?? {
          port: src.pod.port,
          uri: src.pod.uri,
          metrics: [] as string[],
          family: new Map<string, string>(),
          pods: selected,
        };
        g.metrics.push(m);
        g.family.set(m, src.pod.name ?? m);
        byPodSource.set(k, g);
      }
    }
    // Pods with the same port/uri/selector are scraped once per cycle for all their metrics.
    for (const [k, g] of byPodSource) {
      const families = [...new Set(g.family.values())];
      const r = await this.scraper(st, `${unit}|${k}`).observe(g.pods, g, families, this.now());
      for (const m of g.metrics) {
        const o = r[g.family.get(m) ?? m] ?? { kind: "missing" };
        obs[m] = o;
        if (o.kind === "missing") errors.push(`${m}: pods failed or restarted, cycle skipped`);
        else if (o.kind === "pods" && o.samples.every((s) => s.value === undefined))
          errors.push(`${m}: no pod reported it`);
      }
    }
    return { obs, errors };
  }

  private modelServing(ns: string, name: string): ModelServing | undefined {
    return this.o.caches.modelServing(ns, name) as ModelServing | undefined;
  }

  /** A policy that cannot be applied at all: a Warning Event and Ready=False, nothing else. */
  private async notReady(
    policy: AutoscalingPolicyObject,
    reason: string,
    message: string,
  ): Promise<void> {
    await this.o.events.record(this.involved(policy), "Warning", reason, message);
    await this.writeStatus(policy, {}, [
      condition(
        "Ready",
        false,
        reason,
        message,
        policy.metadata?.generation,
        policy.status?.conditions,
        new Date().toISOString(),
      ),
    ]);
  }

  private targetMissing(policy: AutoscalingPolicyObject, target: string): Promise<void> {
    return this.notReady(policy, REASON_TARGET_MISSING, `ModelServing ${target} not found`);
  }

  /** Events for one unit's decision; returns whether the replica count changes. */
  private async explain(
    policy: AutoscalingPolicyObject,
    ms: ModelServing | undefined,
    unit: string,
    current: number,
    d: PlacementLimitedDecision,
  ): Promise<void> {
    const targets = [
      this.involved(policy),
      ...(ms ? [this.involved(ms as unknown as KubeObject)] : []),
    ];
    const msg = decisionMessage(unit, current, d);
    for (const t of targets) {
      if (d.unschedulable !== undefined)
        await this.o.events.record(t, "Warning", REASON_UNSCHEDULABLE, msg);
      if (d.desired > current) await this.o.events.record(t, "Normal", REASON_SCALED_UP, msg);
      else if (d.desired < current)
        await this.o.events.record(t, "Normal", REASON_SCALED_DOWN, msg);
    }
  }

  private async scaleReplicas(ms: ModelServing, replicas: number): Promise<void> {
    await this.o.client.request(
      "PATCH",
      resourcePath("ModelServing", ms.metadata.namespace, ms.metadata.name) + "/scale",
      {
        query: { fieldManager: AUTOSCALER_FIELD_MANAGER },
        body: { spec: { replicas } },
        contentType: "application/merge-patch+json",
      },
    );
  }

  private async scaleRole(ms: ModelServing, role: string, replicas: number): Promise<void> {
    const i = ms.spec.template.roles.findIndex((r) => r.name === role);
    if (i < 0) throw new Error(`role ${role} not in ModelServing ${ms.metadata.name ?? ""}`);
    await this.o.client.request(
      "PATCH",
      resourcePath("ModelServing", ms.metadata.namespace, ms.metadata.name),
      {
        query: { fieldManager: AUTOSCALER_FIELD_MANAGER },
        body: [
          { op: "test", path: `/spec/template/roles/${i}/name`, value: role },
          { op: "add", path: `/spec/template/roles/${i}/replicas`, value: replicas },
        ],
        contentType: "application/json-patch+json",
      },
    );
  }

  private feasibleGroups(ms: ModelServing, extra: number): PlaceableCapacity {
    const cluster = this.o.caches.cluster();
    if (!cluster || extra <= 0) return { count: extra };
    return placeableGroups(
      cluster,
      ms,
      this.o.caches.pods(ms.metadata.namespace ?? "", ms.metadata.name ?? ""),
      extra,
    );
  }

  private async homogeneous(
    policy: AutoscalingPolicyObject,
    spec: AutoscalingPolicySpec,
    st: PolicyState,
  ): Promise<void> {
    const t = spec.homogeneousTarget;
    const rec = st.recommender;
    if (!t || !rec) return;
    const ns = policy.metadata?.namespace ?? "";
    const targetName = t.target.targetRef.name ?? "";
    const ms = this.modelServing(ns, targetName);
    if (!ms) return this.targetMissing(policy, targetName);
    const current = ms.spec.replicas ?? 1;
    const pods = this.o.caches.pods(ns, targetName);
    const { obs, errors } = await this.observe(
      st,
      targetName,
      pods,
      t.target.metricSources,
      metricNames(st.converted),
    );
    const now = this.now();
    const raw = rec.decide({ now, currentReplicas: current, observations: obs });
    const d = applyPlacementLimit(raw, current, this.feasibleGroups(ms, raw.desired - current));
    await this.explain(policy, ms, targetName, current, d);
    if (d.desired !== current) {
      await this.scaleReplicas(ms, d.desired);
      st.lastScaleTime.set(targetName, new Date().toISOString());
    }
    const unit = this.unitStatus(st, targetName, current, d);
    await this.writeStatus(
      policy,
      { homogeneousStatus: unit },
      this.conditions(policy, [d], errors),
    );
  }

  private async heterogeneous(
    policy: AutoscalingPolicyObject,
    spec: AutoscalingPolicySpec,
    st: PolicyState,
  ): Promise<void> {
    const h = spec.heterogeneousTarget;
    const rec = st.recommender;
    if (!h || !rec || st.converted.kind !== "heterogeneous") return;
    const ns = policy.metadata?.namespace ?? "";
    const units: {
      name: string;
      ms: ModelServing;
      current: number;
      cost: number;
      min: number;
      max: number;
    }[] = [];
    const pods: PodObject[] = [];
    const obsAll: Record<string, MetricObservation> = {};
    const errors: string[] = [];
    for (const p of h.params) {
      const name = p.target.targetRef.name ?? "";
      const ms = this.modelServing(ns, name);
      if (!ms) return this.targetMissing(policy, name);
      units.push({
        name,
        ms,
        current: ms.spec.replicas ?? 1,
        cost: p.cost,
        min: p.minReplicas,
        max: p.maxReplicas,
      });
      const mine = this.o.caches.pods(ns, name);
      pods.push(...mine);
      // Every target's pods contribute to the one total recommendation.
      const r = await this.observe(
        st,
        name,
        mine,
        p.target.metricSources,
        metricNames(st.converted),
      );
      errors.push(...r.errors);
      for (const [m, o] of Object.entries(r.obs)) {
        const prev = obsAll[m];
        if (!prev || prev.kind === "missing") obsAll[m] = o;
        else if (prev.kind === "pods" && o.kind === "pods")
          obsAll[m] = { kind: "pods", samples: [...prev.samples, ...o.samples] };
        else if (prev.kind === "external" && o.kind === "external") obsAll[m] = prev; // one Prometheus query answers for the whole policy
      }
    }
    const current = units.reduce((s, u) => s + u.current, 0);
    const d: Decision = rec.decide({
      now: this.now(),
      currentReplicas: current,
      observations: obsAll,
    });
    // Feasibility per target caps how far each may grow; then the MILP picks the cheapest split.
    const caps = units.map((u) => {
      const f = this.feasibleGroups(u.ms, Math.max(0, u.max - u.current));
      return { max: Math.min(u.max, u.current + f.count), blockedBy: f.blockedBy };
    });
    const optimise = () =>
      optimiseHeterogeneous(
        units.map((u, i) => ({
          name: u.name,
          cost: u.cost,
          capacity: 1,
          min: Math.min(u.min, caps[i]?.max ?? u.max),
          max: caps[i]?.max ?? u.max,
          current: u.current,
        })),
        d.desired,
      );
    let plan = await optimise();
    // The targets draw on the same free GPUs: the split is placed jointly, cheapest target first,
    // and a target whose share does not fit beside the others' is capped and the split re-planned.
    // Caps only shrink, so this ends; the plan it ends with places as a whole.
    const cluster = this.o.caches.cluster();
    const byCost = units
      .map((_, i) => i)
      .sort((a, b) => (units[a]?.cost ?? 0) - (units[b]?.cost ?? 0));
    let sharedWhy: string | undefined;
    let cut = cluster !== undefined;
    while (cut && cluster) {
      cut = false;
      const reserved: PodPlacement[] = [];
      for (const i of byCost) {
        const u = units[i];
        if (!u) continue;
        const extra = (plan.replicas[u.name] ?? u.current) - u.current;
        if (extra <= 0) continue;
        const f = placeableGroups(cluster, u.ms, this.o.caches.pods(ns, u.name), extra, reserved);
        if (f.count < extra) {
          sharedWhy = `${u.name}: ${f.blockedBy ?? "no capacity"} (free GPUs shared with the policy's other targets)`;
          caps[i] = { max: u.current + f.count, blockedBy: sharedWhy };
          cut = true;
        }
      }
      if (cut) plan = await optimise();
    }
    const placed = Object.values(plan.replicas).reduce((s, x) => s + x, 0);
    const why = sharedWhy ?? caps.map((c) => c.blockedBy).find((b) => b !== undefined);
    const total: PlacementLimitedDecision =
      placed < d.desired && d.desired > current
        ? applyPlacementLimit(d, current, {
            count: Math.max(0, placed - current),
            ...(why ? { blockedBy: why } : {}),
          })
        : d;
    const statuses: UnitStatus[] = [];
    const decisions: PlacementLimitedDecision[] = [total];
    for (const u of units) {
      const want = plan.replicas[u.name] ?? u.current;
      const ud: PlacementLimitedDecision = {
        ...total,
        desired: want,
        reason: {
          ...total.reason,
          message: `${total.reason.message}; ${plan.message || "placement plan"} → ${u.name}=${want}`,
        },
      };
      await this.explain(policy, u.ms, u.name, u.current, ud);
      if (want !== u.current) {
        await this.scaleReplicas(u.ms, want);
        st.lastScaleTime.set(u.name, new Date().toISOString());
      }
      statuses.push(this.unitStatus(st, u.name, u.current, ud));
    }
    await this.writeStatus(
      policy,
      { heterogeneousStatus: statuses },
      this.conditions(policy, decisions, errors),
    );
  }

  private async disaggregated(
    policy: AutoscalingPolicyObject,
    spec: AutoscalingPolicySpec,
    st: PolicyState,
  ): Promise<void> {
    const t = spec.disaggregatedTarget;
    const rec = st.disaggregated;
    if (!t || !rec || st.converted.kind !== "disaggregated") return;
    const ns = policy.metadata?.namespace ?? "";
    const targetName = t.targetRef.name ?? "";
    const ms = this.modelServing(ns, targetName);
    if (!ms) return this.targetMissing(policy, targetName);
    const pods = this.o.caches.pods(ns, targetName);
    const inputs: Record<
      string,
      { currentReplicas: number; observations: Record<string, MetricObservation> }
    > = {};
    const errors: string[] = [];
    const currentOf = (role: string) =>
      ms.spec.template.roles.find((r) => r.name === role)?.replicas ?? 1;
    for (const [role, r] of Object.entries(t.roles)) {
      const rolePods = pods.filter((p) => p.metadata?.labels?.[LABEL_ROLE] === role);
      const names = (st.converted.params.roles[role]?.metrics ?? []).map((m) => m.name);
      const o = await this.observe(st, role, rolePods, r.metricSources ?? undefined, names);
      errors.push(...o.errors.map((e) => `${role} ${e}`));
      inputs[role] = { currentReplicas: currentOf(role), observations: o.obs };
    }
    const dd = rec.decide(this.now(), inputs);
    const cluster = this.o.caches.cluster();
    const statuses: UnitStatus[] = [];
    const decisions: PlacementLimitedDecision[] = [];
    // Both roles draw on the same free GPUs: the first role's added replicas are reserved before
    // the second is checked.
    const reserved: PodPlacement[] = [];
    const written: Record<string, number> = {};
    for (const [role, d] of Object.entries(dd.roles)) {
      const current = currentOf(role);
      const extra = d.desired - current;
      const cap =
        cluster && extra > 0
          ? placeableRoleReplicas(cluster, ms, role, extra, reserved)
          : { count: Math.max(0, extra) };
      const limited = applyPlacementLimit(d, current, cap);
      written[role] = limited.desired;
      decisions.push(limited);
      await this.explain(policy, ms, role, current, limited);
      if (limited.desired !== current) {
        await this.scaleRole(ms, role, limited.desired);
        st.lastScaleTime.set(role, new Date().toISOString());
      }
      statuses.push(this.unitStatus(st, role, current, limited));
    }
    const { numeratorRole, denominatorRole, ratio } = st.converted.params;
    const num = written[numeratorRole];
    const den = written[denominatorRole];
    // The ratio is repaired before placement; a cut to one role can leave the pair actually
    // written outside it until capacity frees up, and the condition says so.
    let ratioProblem: { reason: string; message: string } | undefined;
    if (dd.ratio && !dd.ratio.satisfied)
      ratioProblem = { reason: REASON_RATIO_VIOLATED, message: dd.ratio.message };
    else if (ratio && num !== undefined && den !== undefined && !ratioHolds(num, den, ratio)) {
      const wanted = `${dd.roles[numeratorRole]?.desired ?? num}/${dd.roles[denominatorRole]?.desired ?? den}`;
      ratioProblem = {
        reason: REASON_RATIO_CUT,
        message: `${numeratorRole}/${denominatorRole} is ${num}/${den}, outside [${ratio.minRatio ?? "-"}, ${ratio.maxRatio ?? "-"}]: the repaired pair ${wanted} was cut to what the cluster can place now`,
      };
    }
    await this.writeStatus(
      policy,
      {
        disaggregatedStatus: {
          roles: statuses,
          ...(num !== undefined && den !== undefined ? { ratioStatus: `${num}/${den}` } : {}),
          ...(dd.ratio ? { ratioAdjusted: dd.ratio.adjusted } : {}),
        },
      },
      this.conditions(policy, decisions, errors, ratioProblem),
    );
  }

  private unitStatus(st: PolicyState, name: string, current: number, d: Decision): UnitStatus {
    const last = st.lastScaleTime.get(name);
    return {
      name,
      currentReplicas: current,
      desiredReplicas: d.desired,
      mode: d.mode,
      ...(last ? { lastScaleTime: last } : {}),
    };
  }

  private conditions(
    policy: AutoscalingPolicyObject,
    decisions: readonly PlacementLimitedDecision[],
    errors: readonly string[],
    ratioProblem?: { reason: string; message: string },
  ): Condition[] {
    const gen = policy.metadata?.generation;
    const prev = policy.status?.conditions;
    const now = new Date().toISOString();
    const noMetrics = decisions.some((d) => d.reason.limit === "noMetrics");
    const limited = decisions.find(
      (d) => d.reason.limit !== "none" && d.reason.limit !== "tolerance",
    );
    const unsched = decisions.find((d) => d.unschedulable !== undefined);
    return [
      condition(
        "Ready",
        ratioProblem === undefined,
        ratioProblem?.reason ?? "Active",
        ratioProblem?.message ?? "policy is being applied",
        gen,
        prev,
        now,
      ),
      condition(
        "ScalingActive",
        !noMetrics,
        noMetrics ? REASON_NO_METRICS : "ValidMetricFound",
        noMetrics ? errors.join("; ") || "no metric could be read" : "metrics read",
        gen,
        prev,
        now,
      ),
      condition(
        "ScalingLimited",
        limited !== undefined,
        limited ? limited.reason.limit : "DesiredWithinRange",
        limited ? limited.reason.message : "the desired count is within bounds",
        gen,
        prev,
        now,
      ),
      condition(
        "Schedulable",
        unsched === undefined,
        unsched ? REASON_UNSCHEDULABLE : "Placeable",
        unsched?.unschedulable ?? "the desired ServingGroups can be placed",
        gen,
        prev,
        now,
      ),
    ];
  }

  private async writeStatus(
    policy: AutoscalingPolicyObject,
    fields: Record<string, unknown>,
    conditions: Condition[],
  ): Promise<void> {
    try {
      await this.o.client.request(
        "PATCH",
        resourcePath("AutoscalingPolicy", policy.metadata?.namespace, policy.metadata?.name) +
          "/status",
        {
          query: { fieldManager: AUTOSCALER_FIELD_MANAGER, force: true },
          body: {
            apiVersion: policy.apiVersion,
            kind: "AutoscalingPolicy",
            metadata: { name: policy.metadata?.name, namespace: policy.metadata?.namespace },
            status: { observedGeneration: policy.metadata?.generation, conditions, ...fields },
          },
          contentType: "application/apply-patch+yaml",
        },
      );
    } catch (e) {
      this.o.log.warn(
        { err: e instanceof Error ? e.message : String(e) },
        "autoscaling status not written",
      );
    }
  }
}
