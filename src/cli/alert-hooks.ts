/**
 * `weir run --alert-webhook URL --alert-exec CMD`: every listener call of a pattern or
 * match_recognize statement (an alert) is POSTed to the URL and/or piped as JSON into the
 * command (the webhook and exec sinks of `weir serve`). The run waits for them at the end and
 * reports undelivered alerts; it never ends with alerts still queued.
 */
import type { Sink } from '../connectors/connector.js';
import { ExecSink } from '../connectors/exec-sink.js';
import { WebhookSink } from '../connectors/webhook-sink.js';
import type { Engine } from '../runtime/api.js';

export interface AlertHookOptions {
  readonly webhooks: readonly string[];
  readonly execs: readonly string[];
}

export interface AlertHooks {
  /** Waits until every alert is delivered or counted as failed; returns the failures. */
  finish(): Promise<number>;
}

export function attachAlertHooks(
  engine: Engine,
  options: AlertHookOptions,
  report: (message: string) => void,
): AlertHooks {
  const sinks: Sink[] = [];
  for (const handle of engine.statements().filter((s) => s.isPattern)) {
    const mine = [
      ...options.webhooks.map((url) => new WebhookSink(handle.name, url, { report })),
      ...options.execs.map((cmd) => new ExecSink(handle.name, cmd, { report })),
    ];
    let seq = 0;
    handle.subscribe((newEvents, oldEvents, ctx) => {
      seq++;
      for (const sink of mine)
        sink.send({ statement: handle.name, time: ctx.time, seq, newEvents, oldEvents });
    });
    sinks.push(...mine);
  }
  return {
    async finish() {
      await Promise.all(sinks.map((s) => s.stop()));
      return sinks.reduce((n, s) => n + s.counters().failed, 0);
    },
  };
}
