/**
 * Counters and histograms for the request path. prom-client's own hash the label values of every
 * increment into a key and validate them (about 1 µs per call here, three calls per request); these
 * find a series through nested maps keyed by the label values themselves — no hashing, no allocation
 * once a series exists — and hand prom-client's registry the same shape its metrics do when Prometheus
 * scrapes (`name`, `help`, `type`, `get()`), so the exposition is prom-client's.
 */

type Labels = Record<string, string>;

/** Value of an unused label position. */
const NONE = '';

/** One sample as prom-client's registry formats it. */
interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What prom-client's Registry reads from a metric it formats. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' }>;
}

/** Series found by up to four label values, in the order of `names`. */
class SeriesIndex<S> {
  private readonly root = new Map<string, Map<string, Map<string, Map<string, S>>>>();
  private readonly list: S[] = [];

  constructor(
    private readonly names: readonly string[],
    private readonly make: (labels: Labels) => S,
  ) {
    if (names.length > 4) throw new Error('at most four labels');
  }

  get(a: string, b: string = NONE, c: string = NONE, d: string = NONE): S {
    let m1 = this.root.get(a);
    if (!m1) this.root.set(a, (m1 = new Map()));
    let m2 = m1.get(b);
    if (!m2) m1.set(b, (m2 = new Map()));
    let m3 = m2.get(c);
    if (!m3) m2.set(c, (m3 = new Map()));
    let s = m3.get(d);
    if (!s) {
      const values = [a, b, c, d];
      s = this.make(Object.fromEntries(this.names.map((n, i) => [n, values[i]!])));
      m3.set(d, s);
      this.list.push(s);
    }
    return s;
  }

  all(): readonly S[] {
    return this.list;
  }
}

export class FastCounter implements CollectedMetric {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  private readonly series: SeriesIndex<{ labels: Labels; value: number }>;

  constructor(readonly name: string, readonly help: string, labelNames: readonly string[]) {
    this.series = new SeriesIndex(labelNames, (labels) => ({ labels, value: 0 }));
  }

  inc(a: string, b?: string, c?: string, d?: string, by = 1): void {
    this.series.get(a, b, c, d).value += by;
  }

  get() {
    const values = this.series.all().map((s) => ({ labels: s.labels, value: s.value }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative), the last one for +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class FastHistogram implements CollectedMetric {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series: SeriesIndex<HistogramSeries>;

  constructor(readonly name: string, readonly help: string, labelNames: readonly string[], private readonly buckets: readonly number[]) {
    this.series = new SeriesIndex(labelNames, (labels) => ({ labels, counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }));
  }

  observe(value: number, a: string, b?: string, c?: string, d?: string): void {
    const s = this.series.get(a, b, c, d);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  get() {
    const values: Sample[] = [];
    for (const s of this.series.all()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += s.counts[i]!;
        values.push({ labels: { ...s.labels, le: String(bound) }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
