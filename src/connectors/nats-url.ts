/**
 * `nats://[user:pass@]host:port/<name>?options`: the server part goes to the NATS client; the
 * path names the stream (source) or subject (sink); options are query parameters.
 */
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { WeirError } from '../common/errors.js';

export interface NatsAddress {
  /** `nats://host:port` for the client. */
  readonly server: string;
  readonly user?: string;
  readonly pass?: string;
  /** The URL's path without its leading slash. */
  readonly path: string;
  readonly params: URLSearchParams;
}

export function parseNatsUrl(text: string, what: string): NatsAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WeirError('connector/invalid-url', `${what}: '${text}' is not a URL`);
  }
  if (url.protocol !== 'nats:')
    throw new WeirError('connector/invalid-url', `${what}: expected nats://…, got '${text}'`);
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (path === '') {
    throw new WeirError(
      'connector/invalid-url',
      `${what}: '${text}' names no ${what.includes('sink') ? 'subject' : 'stream'} (nats://host:port/NAME)`,
    );
  }
  return {
    server: `nats://${url.hostname}:${url.port === '' ? '4222' : url.port}`,
    ...(url.username === ''
      ? {}
      : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }),
    path,
    params: url.searchParams,
  };
}

export function intParam(params: URLSearchParams, name: string, fallback: number, what: string): number {
  const raw = params.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new WeirError('connector/invalid-url', `${what}: ${name} expects a positive integer, got '${raw}'`);
  }
  return n;
}

/** Connects to the address's server; a failure is a `connector/failed` WeirError naming the connector. */
export async function connectNats(address: NatsAddress, name: string): Promise<NatsConnection> {
  try {
    return await connect({
      servers: address.server,
      ...(address.user === undefined ? {} : { user: address.user, pass: address.pass }),
    });
  } catch (e) {
    throw new WeirError(
      'connector/failed',
      `${name}: cannot connect to ${address.server}: ${(e as Error).message}`,
    );
  }
}
