// The controller manager: informers (hardened, with per-owner indexes), one work queue and worker
// pool per controller, leader election gating the workers, and the PodGroup CRD watched
// dynamically (Volcano may be installed, upgraded or removed while the controller runs).
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { AutoscalingReconciler } from "./autoscaling/reconciler.ts";
import type { AutoscalingPolicyObject } from "./autoscaling/reconciler.ts";
import { clusterInventory } from "./autoscaling/feasibility.ts";
import type { NodeObject } from "./autoscaling/feasibility.ts";
import { KubeClient } from "./k8s/client.ts";
import { detectPodGroupMode } from "./k8s/podgroup-mode.ts";
import { resourcePath } from "./k8s/resources.ts";
import type {
  ControllerRevisionObject,
  KubeObject,
  PodGroupObject,
  PodObject,
  ServiceObject,
} from "./k8s/types.ts";
import { stableStringify } from "./modelserving/hash.ts";
import type { PodGroupMode } from "./modelserving/desired/podgroup.ts";
import { ANNOTATION_GROUP_STATUS } from "./modelserving/plan/index.ts";
import { ModelServingReconciler, ownerKeyOf } from "./modelserving/reconciler.ts";
import { ModelBoosterReconciler } from "./modelbooster/reconciler.ts";
import { EventRecorder } from "./runtime/events.ts";
import { Expectations } from "./runtime/expectations.ts";
import { Index, Informer } from "./runtime/informer.ts";
import type { ControllerMetrics } from "./runtime/metrics.ts";
import { WorkQueue } from "./runtime/workqueue.ts";

export interface ManagerOptions {
  kc: KubeConfig;
  log: Logger;
  metrics: ControllerMetrics;
  identity: string;
  /** Watch one namespace only; all namespaces when undefined. */
  namespace?: string;
  workers?: number;
  resyncSeconds?: number;
  podGroupPollSeconds?: number;
  modelBooster?: boolean;
  /** The autoscaler (AutoscalingPolicy); on by default. */
  autoscaling?: boolean | { intervalSeconds?: number; histogramBaselineSeconds?: number };
}

const LABEL_MS = "modelserving.volcano.sh/name";

function key(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

function ownedBy(o: KubeObject, kind: string): boolean {
  return (o.metadata?.ownerReferences ?? []).some((r) => r.controller && r.kind === kind);
}

/** What of a ModelServing update is worth a reconcile (its own status and state annotation are not). */
function interesting(o: KubeObject): string {
  const annotations = { ...(o.metadata?.annotations ?? {}) };
  delete annotations[ANNOTATION_GROUP_STATUS];
  return stableStringify([
    o.metadata?.generation,
    o.metadata?.deletionTimestamp,
    o.metadata?.labels,
    annotations,
  ]);
}

export class Manager {
  readonly client: KubeClient;
  readonly queue: WorkQueue;
  readonly boosterQueue: WorkQueue;
  readonly informers: Informer<KubeObject>[] = [];
  readonly reconciler: ModelServingReconciler;
  readonly booster: ModelBoosterReconciler | undefined;
  private readonly o: ManagerOptions;
  private readonly log: Logger;
  private podGroupMode: PodGroupMode = "none";
  private podGroupInformer: Informer<PodGroupObject> | undefined;
  private podGroupIndex: Index<PodGroupObject> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly msInformer: Informer<KubeObject>;
  private readonly podInformer: Informer<PodObject>;
  private readonly svcInformer: Informer<ServiceObject>;
  private readonly crInformer: Informer<ControllerRevisionObject>;
  private readonly boosterInformer: Informer<KubeObject> | undefined;
  private workersRunning: Promise<void>[] = [];
  readonly autoscalerQueue: WorkQueue;
  autoscaler: AutoscalingReconciler | undefined;
  /** Started after a probe: the AutoscalingPolicy and HyperNode CRDs may be absent. */
  private asInformers:
    | {
        policies: Informer<AutoscalingPolicyObject>;
        nodes: Informer<NodeObject>;
        allPods: Informer<PodObject>;
        hyperNodes: Informer<KubeObject>;
      }
    | undefined;
  private readonly asStarted = new Set<string>();
  private readonly asClaimed = new Set<string>();
  private readonly lastSeen = new Map<string, string>();

  constructor(o: ManagerOptions) {
    this.o = o;
    this.log = o.log;
    this.client = new KubeClient(o.kc);
    this.client.onRequest = (method, _path, status, seconds) =>
      o.metrics.apiRequests.observe({ method, code: String(status) }, seconds);
    const m = o.metrics;
    const queueOpts = (controller: string) => ({
      onDepth: (d: number) => m.queueDepth.set({ controller }, d),
      onLatency: (s: number) => m.queueLatency.observe({ controller }, s),
    });
    this.queue = new WorkQueue(queueOpts("modelserving"));
    this.boosterQueue = new WorkQueue(queueOpts("modelbooster"));
    this.autoscalerQueue = new WorkQueue(queueOpts("autoscaler"));
    const resyncMs = (o.resyncSeconds ?? 300) * 1000;
    const informer = <T extends KubeObject>(name: string, kind: string, labelSelector?: string) => {
      const inf = new Informer<T>(this.client, {
        name,
        path: resourcePath(kind, o.namespace),
        ...(labelSelector ? { labelSelector } : {}),
        resyncMs,
        log: this.log,
        onRestart: (n) => m.informerRestarts.inc({ informer: n }),
      });
      this.informers.push(inf as unknown as Informer<KubeObject>);
      return inf;
    };
    this.msInformer = informer<KubeObject>("modelservings", "ModelServing");
    this.podInformer = informer<PodObject>("pods", "Pod", LABEL_MS);
    this.svcInformer = informer<ServiceObject>("services", "Service", LABEL_MS);
    this.crInformer = informer<ControllerRevisionObject>(
      "controllerrevisions",
      "ControllerRevision",
      LABEL_MS,
    );
    const podIndex = new Index(this.podInformer, ownerKeyOf);
    const svcIndex = new Index(this.svcInformer, ownerKeyOf);
    const crIndex = new Index(this.crInformer, ownerKeyOf);

    this.msInformer.on((event, obj) => {
      const k = key(obj);
      if (event === "delete") {
        this.lastSeen.delete(k);
        this.queue.add(k);
        return;
      }
      const sig = interesting(obj);
      if (event === "update" && this.lastSeen.get(k) === sig) return;
      this.lastSeen.set(k, sig);
      this.queue.add(k);
    });
    const toOwner = (_e: string, obj: KubeObject) => {
      if (!ownedBy(obj, "ModelServing")) return;
      const k = ownerKeyOf(obj);
      if (k) this.queue.add(k);
    };
    this.podInformer.on(toOwner);
    this.svcInformer.on(toOwner);

    const expectations = new Expectations();
    const events = new EventRecorder(this.client, { instance: o.identity, log: this.log });
    this.reconciler = new ModelServingReconciler({
      client: this.client,
      expectations,
      events,
      log: this.log,
      podGroupMode: () => this.podGroupMode,
      caches: {
        modelServing: (ns, name) => this.msInformer.get(name, ns),
        pods: (k) => podIndex.get(k),
        services: (k) => svcIndex.get(k),
        podGroups: (k) => this.podGroupIndex?.get(k) ?? [],
        revisions: (k) => crIndex.get(k),
        lookup: (kind, ns, name) => {
          if (kind === "Pod") return this.podInformer.get(name, ns);
          if (kind === "Service") return this.svcInformer.get(name, ns);
          if (kind === "PodGroup") return this.podGroupInformer?.get(name, ns);
          return undefined;
        },
      },
    });

    if (o.autoscaling !== false) this.setupAutoscaler(events, podIndex);

    if (o.modelBooster ?? true) {
      const boosterInformer = informer<KubeObject>("modelboosters", "ModelBooster");
      this.boosterInformer = boosterInformer;
      boosterInformer.on((_e, obj) => this.boosterQueue.add(key(obj)));
      this.msInformer.on((_e, obj) => {
        const ref = (obj.metadata?.ownerReferences ?? []).find(
          (r) => r.controller && r.kind === "ModelBooster",
        );
        if (ref) this.boosterQueue.add(`${obj.metadata?.namespace ?? ""}/${ref.name}`);
      });
      this.booster = new ModelBoosterReconciler({
        client: this.client,
        log: this.log,
        events,
        booster: (ns, name) => boosterInformer.get(name, ns),
        modelServing: (ns, name) => this.msInformer.get(name, ns),
      });
    }
  }

  /** The autoscaler's informers, queue wiring and reconciler (apps/controller/src/autoscaling). */
  private setupAutoscaler(events: EventRecorder, podIndex: Index<PodObject>): void {
    const o = this.o;
    const cfg = typeof o.autoscaling === "object" ? o.autoscaling : {};
    const mk = <T extends KubeObject>(name: string, kind: string, namespace?: string) =>
      new Informer<T>(this.client, {
        name,
        path: resourcePath(kind, namespace),
        resyncMs: (o.resyncSeconds ?? 300) * 1000,
        log: this.log,
        onRestart: (n) => o.metrics.informerRestarts.inc({ informer: n }),
      });
    const inf = {
      policies: mk<AutoscalingPolicyObject>(
        "autoscalingpolicies",
        "AutoscalingPolicy",
        o.namespace,
      ),
      // Capacity is cluster-wide: every node, every pod bound to one, the HyperNode tree.
      nodes: mk<NodeObject>("nodes", "Node"),
      allPods: mk<PodObject>("allpods", "Pod"),
      hyperNodes: mk<KubeObject>("hypernodes", "HyperNode"),
    };
    let inventory: ReturnType<typeof clusterInventory> | undefined;
    inf.policies.on((e, p) => {
      if (e === "update" || e === "resync") return; // periodic requeue covers these
      this.autoscalerQueue.add(key(p));
    });
    // Re-plan when capacity changes: policies whose last scale-up was cut are retried at once.
    const capacityChanged = () => {
      inventory = undefined;
      for (const p of inf.policies.list())
        if (
          (p.status?.conditions ?? []).some((c) => c.type === "Schedulable" && c.status === "False")
        )
          this.autoscalerQueue.add(key(p));
    };
    inf.nodes.on((e) => e !== "resync" && capacityChanged());
    inf.hyperNodes.on((e) => e !== "resync" && capacityChanged());
    inf.allPods.on((e, p) => {
      if (e === "resync") return;
      if (e === "delete" || p.status?.phase === "Succeeded" || p.status?.phase === "Failed")
        capacityChanged();
      else inventory = undefined;
    });
    this.asInformers = inf;
    this.autoscaler = new AutoscalingReconciler({
      client: this.client,
      events,
      log: this.log,
      ...(cfg.intervalSeconds !== undefined ? { intervalMs: cfg.intervalSeconds * 1000 } : {}),
      ...(cfg.histogramBaselineSeconds !== undefined
        ? { histogramBaselineMs: cfg.histogramBaselineSeconds * 1000 }
        : {}),
      caches: {
        policy: (ns, name) => inf.policies.get(name, ns),
        modelServing: (ns, name) => this.msInformer.get(name, ns),
        pods: (ns, ms) => podIndex.get(`${ns}/${ms}`),
        cluster: () => {
          if (!this.asStarted.has("nodes") || !this.asStarted.has("allpods")) return undefined;
          inventory ??= clusterInventory(
            inf.nodes.list(),
            inf.allPods.list(),
            this.asStarted.has("hypernodes") ? inf.hyperNodes.list() : [],
          );
          return inventory;
        },
      },
    });
  }

  /** Starts each autoscaler informer whose resource the apiserver serves (probed with a 1-item list). */
  private async startAutoscalerInformers(): Promise<void> {
    const inf = this.asInformers;
    if (!inf) return;
    // Claimed before the probe, so a poll that fires while one is still in flight does not start
    // (and register) the same informer twice.
    const pending = Object.values(inf).filter((i) => !this.asClaimed.has(i.name));
    for (const i of pending) this.asClaimed.add(i.name);
    await Promise.all(
      pending.map(async (i) => {
        const kind =
          i === inf.policies
            ? "AutoscalingPolicy"
            : i === inf.hyperNodes
              ? "HyperNode"
              : i === inf.nodes
                ? "Node"
                : "Pod";
        try {
          await this.client.request(
            "GET",
            resourcePath(kind, i === inf.policies ? this.o.namespace : undefined),
            {
              query: { limit: 1 },
            },
          );
        } catch {
          this.asClaimed.delete(i.name);
          return; // not served (yet); probed again with the PodGroup CRD check
        }
        this.asStarted.add(i.name);
        this.informers.push(i);
        await i.start();
      }),
    );
  }

  private async ensurePodGroupInformer(): Promise<void> {
    const mode = await detectPodGroupMode(this.client);
    if (mode === this.podGroupMode) return;
    this.log.info({ from: this.podGroupMode, to: mode }, "PodGroup schema changed");
    this.podGroupMode = mode;
    if (mode !== "none" && !this.podGroupInformer) {
      const inf = new Informer<PodGroupObject>(this.client, {
        name: "podgroups",
        path: resourcePath("PodGroup", this.o.namespace),
        labelSelector: LABEL_MS,
        resyncMs: (this.o.resyncSeconds ?? 300) * 1000,
        log: this.log,
        onRestart: (n) => this.o.metrics.informerRestarts.inc({ informer: n }),
      });
      this.podGroupIndex = new Index(inf, ownerKeyOf);
      inf.on((_e, obj) => {
        if (!ownedBy(obj, "ModelServing")) return;
        const k = ownerKeyOf(obj);
        if (k) this.queue.add(k);
      });
      this.podGroupInformer = inf;
      this.informers.push(inf);
      await inf.start();
    }
    for (const ms of this.msInformer.list()) this.queue.add(key(ms));
  }

  /** Starts informers and waits for their first list (also on standbys, so a takeover is instant). */
  async startInformers(): Promise<void> {
    // The PodGroup informer (when Volcano is there) starts itself; starting it again here used to
    // abort its first watch and leave two ListWatch runs aborting each other's watches for good.
    await Promise.all(this.informers.map((i) => i.start()));
    await this.ensurePodGroupInformer();
    await this.startAutoscalerInformers();
    const poll = (this.o.podGroupPollSeconds ?? 30) * 1000;
    this.pollTimer = setInterval(() => {
      this.ensurePodGroupInformer().catch((e: unknown) =>
        this.log.warn({ err: String(e) }, "PodGroup CRD check failed"),
      );
      this.startAutoscalerInformers().catch((e: unknown) =>
        this.log.warn({ err: String(e) }, "autoscaler informers not started"),
      );
      for (const i of this.informers)
        this.o.metrics.informerStaleness.set({ informer: i.name }, i.staleSeconds());
    }, poll);
    this.pollTimer.unref();
  }

  private async worker(
    queue: WorkQueue,
    controller: string,
    fn: (key: string) => Promise<{ requeueAfterMs?: number }>,
  ): Promise<void> {
    const m = this.o.metrics;
    for (;;) {
      const k = await queue.get();
      if (k === undefined) return;
      const end = m.reconcileDuration.startTimer({ controller });
      try {
        const r = await fn(k);
        queue.forget(k);
        if (r.requeueAfterMs !== undefined) queue.addAfter(k, r.requeueAfterMs);
        m.reconciles.inc({
          controller,
          result: r.requeueAfterMs !== undefined ? "requeue" : "success",
        });
      } catch (e) {
        m.reconciles.inc({ controller, result: "error" });
        m.reconcileErrors.inc({ controller });
        const delay = queue.addRateLimited(k);
        this.log.warn(
          { controller, key: k, err: e instanceof Error ? e.message : String(e), retryInMs: delay },
          "reconcile failed",
        );
      } finally {
        end();
        queue.done(k);
      }
    }
  }

  /** Starts the worker pools (call once this replica leads). */
  runWorkers(): void {
    const n = this.o.workers ?? 4;
    for (let i = 0; i < n; i++)
      this.workersRunning.push(
        this.worker(this.queue, "modelserving", (k) => this.reconciler.reconcile(k)),
      );
    const booster = this.booster;
    if (booster)
      this.workersRunning.push(
        this.worker(this.boosterQueue, "modelbooster", (k) => booster.reconcile(k)),
      );
    const autoscaler = this.autoscaler;
    if (autoscaler) {
      this.workersRunning.push(
        this.worker(this.autoscalerQueue, "autoscaler", (k) => autoscaler.reconcile(k)),
      );
      for (const p of this.asInformers?.policies.list() ?? []) this.autoscalerQueue.add(key(p));
    }
    for (const ms of this.msInformer.list()) this.queue.add(key(ms));
    for (const b of this.boosterInformer?.list() ?? []) this.boosterQueue.add(key(b));
  }

  /** Graceful stop: no new keys, let in-flight reconciles finish, then stop watching. */
  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.queue.shutdown();
    this.boosterQueue.shutdown();
    this.autoscalerQueue.shutdown();
    await Promise.all([
      this.queue.drain(),
      this.boosterQueue.drain(),
      this.autoscalerQueue.drain(),
    ]);
    await Promise.all(this.workersRunning);
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}
