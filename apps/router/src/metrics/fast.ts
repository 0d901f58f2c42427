// Hot-path metric types. prom-client hashes the label object on every observe()/inc(), even on a
// child from labels(); on the request path (several observations per request, one per streamed
// event) that shows up in profiles. These keep one child per label-value tuple, resolved once and
// reused, so an observation is a bucket search and three additions. They implement the small
// interface prom-client's Registry needs (name, help, type, get, reset), so they are exported with
// every other metric.
import type { Registry } from "prom-client";

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

const SEP = "\u0001";

export class HistogramChild {
  readonly #bounds: Float64Array;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: Float64Array) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

export class CounterChild {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

abstract class Labeled<C> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly aggregator = "sum";
  protected readonly children = new Map<string, { values: readonly string[]; child: C }>();

  constructor(name: string, help: string, labelNames: readonly string[], registers: Registry[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    for (const r of registers) r.registerMetric(this as never);
  }

  protected abstract make(): C;

  /** The child for these label values (in labelNames order), created once. */
  labels(...values: string[]): C {
    const key = values.length === 1 ? (values[0] as string) : values.join(SEP);
    let e = this.children.get(key);
    if (e === undefined) {
      e = { values, child: this.make() };
      this.children.set(key, e);
    }
    return e.child;
  }

  protected labelObject(values: readonly string[]): Record<string, string> {
    const o: Record<string, string> = {};
    this.labelNames.forEach((n, i) => (o[n] = values[i] ?? ""));
    return o;
  }

  reset(): void {
    this.children.clear();
  }
}

export class FastHistogram extends Labeled<HistogramChild> {
  readonly type = "histogram";
  readonly #bounds: Float64Array;

  constructor(o: {
    name: string;
    help: string;
    labelNames: readonly string[];
    buckets: readonly number[];
    registers: Registry[];
  }) {
    super(o.name, o.help, o.labelNames, o.registers);
    this.#bounds = Float64Array.from(o.buckets);
  }

  protected make(): HistogramChild {
    return new HistogramChild(this.#bounds);
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const { values: lv, child } of this.children.values()) {
      const labels = this.labelObject(lv);
      let acc = 0;
      for (let i = 0; i <= this.#bounds.length; i++) {
        acc += child.counts[i] as number;
        const le = i < this.#bounds.length ? (this.#bounds[i] as number) : "+Inf";
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: acc });
      }
      values.push({ metricName: `${this.name}_sum`, labels, value: child.sum });
      values.push({ metricName: `${this.name}_count`, labels, value: child.count });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }
}

export class FastCounter extends Labeled<CounterChild> {
  readonly type = "counter";

  constructor(o: {
    name: string;
    help: string;
    labelNames: readonly string[];
    registers: Registry[];
  }) {
    super(o.name, o.help, o.labelNames, o.registers);
  }

  protected make(): CounterChild {
    return new CounterChild();
  }

  get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    for (const { values: lv, child } of this.children.values())
      values.push({ labels: this.labelObject(lv), value: child.value });
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }
}
