// Leader election on a coordination.k8s.io/v1 Lease, with optimistic concurrency (every write
// carries the resourceVersion it read, so two candidates can never both win the same term).
// Only the leader runs workers; a standby keeps its informers warm and takes over when the Lease
// expires. On graceful shutdown the leader releases the Lease so a standby need not wait it out.
import type { Logger } from "pino";
import { isConflict, isNotFound } from "../k8s/client.ts";
import type { KubeObject } from "../k8s/types.ts";

export interface LeaseObject extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

/** The three calls leader election needs (KubeClient implements them; tests use a map). */
export interface LeaseStore {
  get(namespace: string, name: string): Promise<LeaseObject | undefined>;
  create(lease: LeaseObject): Promise<LeaseObject>;
  replace(lease: LeaseObject): Promise<LeaseObject>;
}

export interface LeaderElectionOptions {
  store: LeaseStore;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  now?: () => number;
  log?: Logger;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export class LeaderElector {
  private readonly o: Required<Omit<LeaderElectionOptions, "log">> & { log?: Logger };
  private leading = false;
  private lastRenew = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(o: LeaderElectionOptions) {
    this.o = {
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      now: () => Date.now(),
      ...o,
    };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** One acquire-or-renew attempt; true when this candidate holds the Lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { store, namespace, name, identity, leaseDurationSeconds } = this.o;
    const now = this.o.now();
    const existing = await store.get(namespace, name);
    if (!existing) {
      await store.create({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: microTime(now),
          renewTime: microTime(now),
          leaseTransitions: 0,
        },
      });
      return true;
    }
    const spec = existing.spec ?? {};
    const holder = spec.holderIdentity ?? "";
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : 0;
    const expired = renewed + (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000 < now;
    if (holder !== "" && holder !== identity && !expired) return false;
    const changed = holder !== identity;
    await store.replace({
      ...existing,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: changed ? microTime(now) : (spec.acquireTime ?? microTime(now)),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (changed && holder !== "" ? 1 : 0),
      },
    });
    return true;
  }

  private async tick(): Promise<void> {
    let held = false;
    try {
      held = await this.tryAcquireOrRenew();
    } catch (e) {
      if (!isConflict(e))
        this.o.log?.warn(
          { err: e instanceof Error ? e.message : String(e) },
          "leader election attempt failed",
        );
    }
    const now = this.o.now();
    if (held) {
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.o.log?.info({ lease: `${this.o.namespace}/${this.o.name}` }, "became leader");
        this.o.onStartedLeading();
      }
    } else if (this.leading && now - this.lastRenew > this.o.renewDeadlineSeconds * 1000) {
      this.leading = false;
      this.o.log?.error({ identity: this.o.identity }, "lost the leader Lease");
      this.o.onStoppedLeading();
    }
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) return;
      await this.tick();
      if (!this.stopped) {
        this.timer = setTimeout(() => void loop(), this.o.retryPeriodSeconds * 1000);
      }
    };
    void loop();
  }

  /** Stops campaigning; the leader gives the Lease up (holder cleared) so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.o.store.get(this.o.namespace, this.o.name);
      if (lease?.spec?.holderIdentity === this.o.identity) {
        await this.o.store.replace({
          ...lease,
          spec: { ...lease.spec, holderIdentity: null, leaseDurationSeconds: 1 },
        });
      }
    } catch (e) {
      this.o.log?.warn(
        { err: e instanceof Error ? e.message : String(e) },
        "could not release the leader Lease",
      );
    }
  }
}

/** A LeaseStore over the apiserver. */
export function kubeLeaseStore(client: {
  get<T extends KubeObject>(kind: string, ns: string, name: string): Promise<T>;
  create<T extends KubeObject>(obj: KubeObject): Promise<T>;
  request<T>(method: string, path: string, opts?: { body?: unknown }): Promise<T>;
}): LeaseStore {
  return {
    async get(namespace, name) {
      try {
        return await client.get<LeaseObject>("Lease", namespace, name);
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    create: (lease) => client.create<LeaseObject>(lease),
    replace: (lease) =>
      client.request<LeaseObject>(
        "PUT",
        `/apis/coordination.k8s.io/v1/namespaces/${lease.metadata?.namespace ?? ""}/leases/${lease.metadata?.name ?? ""}`,
        { body: lease },
      ),
  };
}
