// Expectations bridge the gap between a write and the informer seeing it. After a reconcile creates
// or deletes children, the next reconcile of that key waits until the caches reflect those writes
// (or a timeout passes); otherwise a lagging cache would look like "pod missing" and trigger a
// duplicate create or, worse, a RoleRecreate of a role that is merely new.

export interface Lookup {
  (
    kind: string,
    namespace: string,
    name: string,
  ): { metadata?: { uid?: string; deletionTimestamp?: string } } | undefined;
}

interface Pending {
  creates: Map<string, string | undefined>;
  deletes: Map<string, string | undefined>;
  since: number;
}

export class Expectations {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly now: () => number;

  constructor(opts: { timeoutMs?: number; now?: () => number } = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.now = opts.now ?? (() => performance.now());
  }

  private entry(key: string): Pending {
    let p = this.pending.get(key);
    if (!p) {
      p = { creates: new Map(), deletes: new Map(), since: this.now() };
      this.pending.set(key, p);
    }
    return p;
  }

  expectCreate(
    key: string,
    kind: string,
    namespace: string,
    name: string,
    uid: string | undefined,
  ): void {
    this.entry(key).creates.set(`${kind}/${namespace}/${name}`, uid);
  }

  expectDelete(
    key: string,
    kind: string,
    namespace: string,
    name: string,
    uid: string | undefined,
  ): void {
    this.entry(key).deletes.set(`${kind}/${namespace}/${name}`, uid);
  }

  /** True when every expected write is visible through `lookup` (fulfilled entries are dropped). */
  satisfied(key: string, lookup: Lookup): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    if (this.now() - p.since > this.timeoutMs) {
      this.pending.delete(key);
      return true;
    }
    for (const [id, uid] of p.creates) {
      const [kind = "", ns = "", name = ""] = id.split("/");
      const o = lookup(kind, ns, name);
      if (o && (uid === undefined || o.metadata?.uid === uid)) p.creates.delete(id);
    }
    for (const [id, uid] of p.deletes) {
      const [kind = "", ns = "", name = ""] = id.split("/");
      const o = lookup(kind, ns, name);
      if (!o || o.metadata?.deletionTimestamp || (uid !== undefined && o.metadata?.uid !== uid))
        p.deletes.delete(id);
    }
    if (p.creates.size === 0 && p.deletes.size === 0) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }

  get size(): number {
    return this.pending.size;
  }
}
