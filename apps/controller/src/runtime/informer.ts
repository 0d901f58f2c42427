// A hardened informer around client-node's ListWatch. ListWatch relists on 410 Gone and reconnects
// after clean closes, but on any other error it emits `error` and stops for good (client-node#795).
// This wrapper restarts it with jittered, capped backoff, replays every cached object on a periodic
// resync (so a missed event can only delay a reconcile, never lose it), and records when it last
// heard from the apiserver so /readyz can report staleness instead of the process exiting.
//
// Watches end all the time without anything being wrong: the apiserver closes them at their
// timeout, and client-node aborts one that was idle for 30 s. ListWatch resumes both from the last
// resourceVersion on its own, so only what reaches its `error` event is a failure worth a warning.
import { ListWatch, Watch } from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { KubeClient } from "../k8s/client.ts";
import type { KubeObject } from "../k8s/types.ts";
import { Backoff } from "./backoff.ts";

export type InformerEvent = "add" | "update" | "delete" | "resync";
export type InformerHandler<T> = (event: InformerEvent, obj: T) => void;

export interface InformerOptions {
  name: string;
  /** Collection path, e.g. /api/v1/pods. */
  path: string;
  labelSelector?: string;
  /** Asks the apiserver to end each watch after this long (it resumes from its resourceVersion); apiserver default when unset. */
  watchTimeoutSeconds?: number;
  resyncMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  log?: Logger;
  onRestart?: (name: string) => void;
}

export class Informer<T extends KubeObject> {
  readonly name: string;
  private readonly lw: ListWatch<KubernetesObject>;
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly backoff: Backoff;
  private readonly opts: InformerOptions;
  private resyncTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** One ListWatch run at a time: a second `lw.start()` aborts the running watch, whose end then looks like a failure. */
  private running = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  /** performance.now() of the last list, event or (re)connect. */
  lastActivity = performance.now();
  restarts = 0;
  lastError: string | undefined;

  constructor(client: KubeClient, opts: InformerOptions) {
    this.name = opts.name;
    this.opts = opts;
    this.backoff = new Backoff({
      baseMs: opts.backoff?.baseMs ?? 500,
      maxMs: opts.backoff?.maxMs ?? 30_000,
      jitter: 0.5,
    });
    const listFn = async () => {
      const list = await client.list<KubeObject>(
        opts.path,
        opts.labelSelector ? { labelSelector: opts.labelSelector } : {},
      );
      this.touch();
      if (!this.synced) {
        // ListWatch stores the items in a microtask after this promise resolves; a macrotask runs later.
        setImmediate(() => this.markSynced());
      }
      return {
        apiVersion: "v1",
        kind: "List",
        items: list.items as KubernetesObject[],
        metadata: list.metadata ?? {},
      };
    };
    this.lw = new ListWatch<KubernetesObject>(
      opts.path,
      timedWatch(client, opts.watchTimeoutSeconds),
      listFn,
      false,
      opts.labelSelector,
    );
    this.lw.on("add", (o) => this.emit("add", o as T));
    this.lw.on("update", (o) => this.emit("update", o as T));
    this.lw.on("delete", (o) => this.emit("delete", o as T));
    this.lw.on("connect", () => this.touch());
    this.lw.on("error", (err) => this.onError(err));
  }

  private touch(): void {
    this.lastActivity = performance.now();
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private emit(event: InformerEvent, obj: T): void {
    this.touch();
    this.backoff.reset();
    for (const h of this.handlers) h(event, obj);
  }

  private onError(err: unknown): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.restarts++;
    this.lastError = err instanceof Error ? err.message : String(err);
    this.opts.log?.warn(
      { informer: this.name, err: this.lastError, retryInMs: delay },
      "watch failed; restarting",
    );
    this.opts.onRestart?.(this.name);
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.stopped) void this.lw.start().catch((e: unknown) => this.onError(e));
    }, delay);
    this.restartTimer.unref();
  }

  on(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  /** Starts watching and waits for the first list; calling it again while running only waits. */
  async start(): Promise<void> {
    if (this.running) return this.waitForSync();
    this.running = true;
    this.stopped = false;
    void this.lw.start().catch((e: unknown) => this.onError(e));
    const resync = this.opts.resyncMs ?? 0;
    if (resync > 0) {
      this.resyncTimer = setInterval(() => {
        for (const o of this.list()) for (const h of this.handlers) h("resync", o);
      }, resync);
      this.resyncTimer.unref();
    }
    await this.waitForSync();
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Seconds since the informer last heard from the apiserver (list, event or reconnect). */
  staleSeconds(): number {
    return (performance.now() - this.lastActivity) / 1000;
  }

  list(namespace?: string): T[] {
    return this.lw.list(namespace) as unknown as T[];
  }

  get(name: string, namespace?: string): T | undefined {
    return this.lw.get(name, namespace) as T | undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    clearInterval(this.resyncTimer);
    clearTimeout(this.restartTimer);
    await this.lw.stop();
  }
}

/** client-node's Watch, plus the apiserver-side `timeoutSeconds` when one is asked for. */
function timedWatch(client: KubeClient, timeoutSeconds: number | undefined): Watch {
  const watch = new Watch(client.kc);
  if (timeoutSeconds === undefined) return watch;
  const inner = watch.watch.bind(watch);
  watch.watch = (path, query, callback, done) =>
    inner(path, { ...query, timeoutSeconds }, callback, done);
  return watch;
}

/**
 * A secondary index over an informer's cache (e.g. pods by owning ModelServing), kept current from
 * its events so a reconcile looks up its children without scanning every object of the kind.
 */
export class Index<T extends KubeObject> {
  private readonly byKey = new Map<string, Map<string, T>>();
  private readonly keyById = new Map<string, string>();
  private readonly keyOf: (o: T) => string | undefined;

  constructor(informer: Informer<T>, keyOf: (o: T) => string | undefined) {
    this.keyOf = keyOf;
    informer.on((event, obj) => {
      const id = `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;
      // Remove from its previous bucket (the key may have changed), then insert unless deleted.
      const old = this.keyById.get(id);
      if (old !== undefined) {
        this.byKey.get(old)?.delete(id);
        this.keyById.delete(id);
      }
      if (event === "delete") return;
      const key = this.keyOf(obj);
      if (key === undefined) return;
      this.keyById.set(id, key);
      let bucket = this.byKey.get(key);
      if (!bucket) {
        bucket = new Map();
        this.byKey.set(key, bucket);
      }
      bucket.set(id, obj);
    });
  }

  get(key: string): T[] {
    return [...(this.byKey.get(key)?.values() ?? [])];
  }
}
