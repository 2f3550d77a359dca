/**
 * Server-Sent Events subscribers. Each listener call of a subscribed statement is written to
 * every subscriber as one `data:` line holding the update in the `--format updates` shape
 * (`{"stmt":…,"time":…,"new":[…],"old":[…]}`).
 *
 * The engine never waits for a subscriber: writes go into the socket's buffer, and a
 * subscriber whose unsent bytes exceed the limit (it reads slower than results are produced)
 * is disconnected and counted, so one slow client can neither block the engine nor hold
 * unbounded memory. A reconnecting client starts again at the current results.
 */
import type { ServerResponse } from 'node:http';
import type { Row } from '../common/row.js';
import { updateLine } from '../io/updates-writer.js';

interface Subscriber {
  readonly res: ServerResponse;
  /** undefined: every statement. */
  readonly statements: ReadonlySet<string> | undefined;
}

const HEARTBEAT_MS = 15_000;

export class SseHub {
  private readonly subscribers = new Set<Subscriber>();
  /** Subscribers disconnected for reading too slowly. */
  dropped = 0;
  /** Update messages written to subscribers. */
  sent = 0;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly maxBufferedBytes: number) {
    // A comment line keeps proxies from closing an idle stream and detects dead peers.
    this.heartbeat = setInterval(() => {
      for (const s of this.subscribers) this.write(s, ': heartbeat\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get count(): number {
    return this.subscribers.size;
  }

  /** Takes over `res` as an event stream of the named statements (undefined: all). */
  attach(res: ServerResponse, statements: ReadonlySet<string> | undefined): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const subscriber: Subscriber = { res, statements };
    this.subscribers.add(subscriber);
    res.on('close', () => this.subscribers.delete(subscriber));
    // Opens the stream at once so the client's EventSource fires `open` before the first result.
    this.write(subscriber, 'retry: 2000\n: connected\n\n');
  }

  /** One listener call, to every subscriber of its statement. */
  publish(stmt: string, time: number, newEvents: Row[] | null, oldEvents: Row[] | null): void {
    if (this.subscribers.size === 0) return;
    let message: string | undefined;
    for (const s of this.subscribers) {
      if (s.statements !== undefined && !s.statements.has(stmt)) continue;
      message ??= `data: ${updateLine(stmt, time, newEvents, oldEvents)}\n\n`;
      if (this.write(s, message)) this.sent++;
    }
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.heartbeat);
    for (const s of this.subscribers) s.res.end();
    this.subscribers.clear();
  }

  private write(s: Subscriber, text: string): boolean {
    if (s.res.writableLength > this.maxBufferedBytes) {
      this.subscribers.delete(s);
      this.dropped++;
      s.res.destroy();
      return false;
    }
    s.res.write(text);
    return true;
  }
}
