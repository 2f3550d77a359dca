/**
 * Prometheus text exposition (format 0.0.4): `# HELP`, `# TYPE`, then one line per sample.
 * The format is a few lines of printing, so it is written here rather than pulled in with a
 * client library that would also export process metrics nobody asked for.
 */

export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly samples: readonly MetricSample[];
}

export interface MetricSample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Label values escape backslash, double quote and newline (the exposition format's rule). */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

function formatSample(name: string, sample: MetricSample): string {
  const labels = sample.labels === undefined ? [] : Object.entries(sample.labels);
  const set = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
  return `${name}${set} ${formatValue(sample.value)}`;
}

export function formatMetrics(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
    lines.push(`# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(formatSample(f.name, s));
  }
  return `${lines.join('\n')}\n`;
}
