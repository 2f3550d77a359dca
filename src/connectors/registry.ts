/**
 * Connectors by URL scheme: `--source URL` and `--sink statement=URL` are turned into sources
 * and sinks here (adding a connector is one file and one line).
 */
import { WeirError } from '../common/errors.js';
import type { IngestTarget, Sink, Source } from './connector.js';
import { ExecSink } from './exec-sink.js';
import { MqttSink } from './mqtt-sink.js';
import { MqttSource } from './mqtt-source.js';
import { NatsSink } from './nats-sink.js';
import { NatsSource } from './nats-source.js';
import { WebhookSink } from './webhook-sink.js';

export interface ConnectorContext {
  readonly target: IngestTarget;
  /** Whether a checkpoint directory is set (sources then acknowledge at checkpoints). */
  readonly checkpointing: boolean;
  readonly report: (message: string) => void;
}

function scheme(url: string): string {
  return /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? '';
}

export function createSource(url: string, ctx: ConnectorContext): Source {
  switch (scheme(url)) {
    case 'nats':
      return new NatsSource(url, ctx.target, ctx.checkpointing, ctx.report);
    case 'mqtt':
    case 'mqtts':
      return new MqttSource(url, ctx.target, ctx.report);
    default:
      throw new WeirError(
        'connector/invalid-url',
        `--source '${url}': expected nats://host:port/STREAM or mqtt://host:port/topic`,
      );
  }
}

/** A sink for `url` receiving `statement`'s updates. */
export function createSink(statement: string, url: string, report: (message: string) => void): Sink {
  switch (scheme(url)) {
    case 'nats':
      return new NatsSink(statement, url, report);
    case 'mqtt':
    case 'mqtts':
      return new MqttSink(statement, url, report);
    case 'http':
    case 'https':
      return new WebhookSink(statement, url, { report });
    case 'exec':
      return new ExecSink(statement, url.slice('exec:'.length), { report });
    default:
      throw new WeirError(
        'connector/invalid-url',
        `--sink '${statement}=${url}': expected nats://…/subject, mqtt://…/topic, http(s)://… or exec:command`,
      );
  }
}

/** `--sink statement=URL`. */
export function parseSinkSpec(spec: string, report: (message: string) => void): Sink {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new WeirError('connector/invalid-url', `--sink '${spec}': expected statement=URL`);
  return createSink(spec.slice(0, eq), spec.slice(eq + 1), report);
}
