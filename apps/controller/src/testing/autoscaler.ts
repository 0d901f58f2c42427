// An AutoscalingReconciler wired to fakes, for its unit tests: the apiserver records every request,
// the Event recorder every Event, and `fetch` answers Prometheus queries with one value and pod
// scrapes (http://podIP:…) with that value as the metric `load`. Caches are plain objects the test
// can change between cycles.
import { pino } from "pino";
import type { KubeClient } from "../k8s/client.ts";
import type { KubeObject, PodObject } from "../k8s/types.ts";
import type { EventRecorder } from "../runtime/events.ts";
import { clusterInventory } from "../autoscaling/feasibility.ts";
import type { NodeObject } from "../autoscaling/feasibility.ts";
import { AutoscalingReconciler } from "../autoscaling/reconciler.ts";
import type { AutoscalingPolicyObject } from "../autoscaling/reconciler.ts";

export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
  contentType?: string;
  query?: Record<string, unknown>;
}

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  kind: string;
}

export interface RecordedCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

export interface FakeAutoscaler {
  r: AutoscalingReconciler;
  calls: RecordedCall[];
  events: RecordedEvent[];
  /** URLs of every pod scrape. */
  scraped: string[];
  objects: Record<string, KubeObject>;
  setValue(v: number): void;
  /** The status body of the last status write. */
  status(): Record<string, unknown> & { conditions: RecordedCondition[] };
  condition(type: string): RecordedCondition | undefined;
}

export function fakeAutoscaler(
  policySpec: unknown,
  objects: Record<string, KubeObject>,
  o: { value: number; nodes: NodeObject[]; pods: PodObject[] },
): FakeAutoscaler {
  const calls: RecordedCall[] = [];
  const events: RecordedEvent[] = [];
  const scraped: string[] = [];
  let value = o.value;
  const policy: AutoscalingPolicyObject = {
    apiVersion: "workload.serving.volcano.sh/v1alpha1",
    kind: "AutoscalingPolicy",
    metadata: { name: "p", namespace: "ns", uid: "p-uid", generation: 1 },
    spec: policySpec,
  };
  const client = {
    request: (
      method: string,
      path: string,
      opts: Omit<RecordedCall, "method" | "path"> = { body: undefined },
    ) => {
      calls.push({ method, path, ...opts });
      return Promise.resolve({});
    },
  } as unknown as KubeClient;
  const recorder = {
    record: (obj: { kind: string }, type: string, reason: string, message: string) => {
      events.push({ type, reason, message, kind: obj.kind });
      return Promise.resolve();
    },
  } as unknown as EventRecorder;
  const fetchFake = (input: string | URL | Request): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.includes("/api/v1/query")) {
      scraped.push(url);
      return Promise.resolve(new Response(`# TYPE load gauge\nload ${value}\n`));
    }
    return Promise.resolve(
      new Response(
        JSON.stringify({
          status: "success",
          data: { resultType: "vector", result: [{ value: [0, String(value)] }] },
        }),
      ),
    );
  };
  const r = new AutoscalingReconciler({
    client,
    events: recorder,
    log: pino({ level: "silent" }),
    fetch: fetchFake,
    caches: {
      policy: () => policy,
      modelServing: (_ns, name) => objects[name],
      pods: () => o.pods,
      cluster: () => clusterInventory(o.nodes, o.pods, []),
    },
  });
  const status = () => {
    const last = calls.filter((c) => c.path.endsWith("/status")).at(-1);
    if (!last) throw new Error("no status was written");
    return (last.body as { status: ReturnType<FakeAutoscaler["status"]> }).status;
  };
  return {
    r,
    calls,
    events,
    scraped,
    objects,
    setValue: (v) => (value = v),
    status,
    condition: (type) => status().conditions.find((c) => c.type === type),
  };
}
