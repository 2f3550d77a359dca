/**
 * The hand-written baseline of `npm run bench:serve`: the one query of the benchmark
 * (`select symbol, avg(price) as avgPrice from StockTick#time(30 sec) group by symbol`) served
 * by code written for it alone, as a team without Weir would write it. node:http (no framework),
 * JSON.parse per NDJSON line, a lateness buffer (sorted merge) when `--lateness` is given, the
 * sliding-avg baseline of bench/baselines (typed-array ring, running sums), each update
 * serialised as `{"stmt","time","new","old"}` for the SSE subscribers and the NATS sink.
 *
 *   tsx bench/serve/hand-service.ts [--lateness MS] [--nats URL]
 *
 * Prints `listening on http://127.0.0.1:PORT ` like weir serve. POST /events (answers
 * `{"accepted":n}` once processed), GET /updates (SSE). With --nats: consumes the durable
 * consumer `bench` of stream IN (explicit acks once processed) and publishes every update to
 * out.avg with a message id, pipelined as Weir's sink does.
 */
import { type ServerResponse, createServer } from 'node:http';
import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createSlidingAvgBaseline } from '../baselines/sliding-avg.js';
import { Checksum, StatementChecksum } from '../checksum.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}
const lateness = Number(arg('lateness') ?? 0);
const natsUrl = arg('nats');

const subscribers = new Set<ServerResponse>();
let publish: ((json: string, id: string) => void) | undefined;
let seq = 0;

/** Each listener call of the baseline, as JSON, to the SSE subscribers and the sink. */
class UpdateCalls extends StatementChecksum {
  override end(): void {
    super.end();
    const call = this.recorded?.pop();
    if (call === undefined) return;
    const rows = call.rows.map((r) => ({ symbol: r[0], avgPrice: r[1] }));
    const json = JSON.stringify({ stmt: 'avg', time: call.time, new: rows, old: null });
    seq++;
    for (const res of subscribers) res.write(`data: ${json}\n\n`);
    publish?.(json, `avg:${call.time}:${seq}`);
  }
}
class UpdateChecksum extends Checksum {
  constructor() {
    super(true);
  }
  protected override create(name: string): StatementChecksum {
    return new UpdateCalls(name, true);
  }
}
const baseline = createSlidingAvgBaseline(new UpdateChecksum(), { statement: 'avg' });

interface Pending {
  readonly ts: number;
  readonly data: Record<string, unknown>;
}
let pending: Pending[] = [];
let maxTs = Number.NEGATIVE_INFINITY;

/** Events of one payload (in time order within it): merged into the buffer, released up to the watermark. */
function ingest(events: Pending[]): void {
  if (lateness === 0) {
    for (const e of events) baseline.event('StockTick', e.data, e.ts);
    return;
  }
  const merged: Pending[] = [];
  let i = 0;
  let j = 0;
  while (i < pending.length || j < events.length) {
    const a = pending[i];
    const b = events[j];
    if (b === undefined || (a !== undefined && a.ts <= b.ts)) {
      merged.push(a as Pending);
      i++;
    } else {
      merged.push(b);
      j++;
      if (b.ts > maxTs) maxTs = b.ts;
    }
  }
  let k = 0;
  while (k < merged.length && (merged[k] as Pending).ts <= maxTs - lateness) {
    const e = merged[k] as Pending;
    baseline.event('StockTick', e.data, e.ts);
    k++;
  }
  pending = merged.slice(k);
}

function parse(text: string): Pending[] {
  const out: Pending[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const e = JSON.parse(line) as { ts: number; data: Record<string, unknown> };
    out.push({ ts: e.ts, data: e.data });
  }
  return out;
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/events') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const events = parse(Buffer.concat(chunks).toString('utf8'));
      ingest(events);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"accepted":${events.length}}`);
    });
  } else if (req.method === 'GET' && req.url?.endsWith('/updates')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': ok\n\n');
    subscribers.add(res);
    req.on('close', () => subscribers.delete(res));
  } else {
    res.writeHead(404).end();
  }
});

if (natsUrl !== undefined) {
  const nc = await connect({ servers: natsUrl });
  const js = jetstream(nc);
  // Pipelined with at most 256 unacknowledged publishes, as Weir's sink (order kept on one connection).
  // A FIFO with a head index (shift() copies a large array on every call).
  let queue: [string, string][] = [];
  let head = 0;
  let inflight = 0;
  const pump = () => {
    while (inflight < 256 && head < queue.length) {
      const [json, id] = queue[head++] as [string, string];
      if (head === queue.length) {
        queue = [];
        head = 0;
      }
      inflight++;
      void js.publish('out.avg', json, { msgID: id }).finally(() => {
        inflight--;
        pump();
      });
    }
  };
  publish = (json, id) => {
    queue.push([json, id]);
    pump();
  };
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add('IN', { durable_name: 'bench', ack_policy: 'explicit' });
  const messages = await (await js.consumers.get('IN', 'bench')).consume();
  void (async () => {
    for await (const m of messages as AsyncIterable<JsMsg>) {
      ingest(parse(m.string()));
      m.ack();
    }
  })();
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stderr.write(`listening on http://127.0.0.1:${port} (hand-written baseline)\n`);
});
process.on('SIGTERM', () => process.exit(0));
