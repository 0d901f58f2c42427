// Kubernetes Events for the objects the controller manages (core/v1 Event, the form `kubectl
// describe` shows). Identical events within a short window are counted, not re-posted, so a hot
// reconcile loop cannot flood the apiserver.
import type { Logger } from "pino";
import type { KubeClient } from "../k8s/client.ts";

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid?: string;
}

export class EventRecorder {
  private readonly client: KubeClient;
  private readonly component: string;
  private readonly instance: string;
  private readonly log: Logger | undefined;
  private readonly recent = new Map<string, number>();
  private readonly windowMs: number;

  constructor(
    client: KubeClient,
    opts: { component?: string; instance: string; log?: Logger; windowMs?: number },
  ) {
    this.client = client;
    this.component = opts.component ?? "tessera-controller";
    this.instance = opts.instance;
    this.log = opts.log;
    this.windowMs = opts.windowMs ?? 60_000;
  }

  async record(
    obj: InvolvedObject,
    type: "Normal" | "Warning",
    reason: string,
    message: string,
  ): Promise<void> {
    const id = `${obj.namespace}/${obj.name}/${reason}/${message}`;
    const now = Date.now();
    const last = this.recent.get(id);
    if (last !== undefined && now - last < this.windowMs) return;
    this.recent.set(id, now);
    if (this.recent.size > 10_000)
      for (const [k, t] of this.recent) if (now - t > this.windowMs) this.recent.delete(k);
    const ts = new Date(now).toISOString();
    try {
      await this.client.create({
        apiVersion: "v1",
        kind: "Event",
        metadata: { generateName: `${obj.name}.`, namespace: obj.namespace } as never,
        involvedObject: obj,
        reason,
        message: message.slice(0, 1024),
        type,
        source: { component: this.component },
        reportingComponent: this.component,
        reportingInstance: this.instance,
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
      } as never);
    } catch (e) {
      this.log?.debug(
        { err: e instanceof Error ? e.message : String(e), reason },
        "event not recorded",
      );
    }
  }
}
