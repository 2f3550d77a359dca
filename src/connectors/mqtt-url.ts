/** `mqtt://[user:pass@]host:port/<topic>?options` (also mqtts://, ws://, wss://). */
import { type IClientOptions, type MqttClient, connectAsync } from 'mqtt';
import { WeirError } from '../common/errors.js';

export interface MqttAddress {
  readonly server: string;
  readonly credentials: { username?: string; password?: string };
  readonly topic: string;
  readonly params: URLSearchParams;
}

export function parseMqttUrl(text: string, what: string): MqttAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WeirError('connector/invalid-url', `${what}: '${text}' is not a URL`);
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new WeirError('connector/invalid-url', `${what}: expected mqtt://…, got '${text}'`);
  }
  const topic = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (topic === '')
    throw new WeirError(
      'connector/invalid-url',
      `${what}: '${text}' names no topic (mqtt://host:port/topic)`,
    );
  const port = url.port === '' ? (url.protocol === 'mqtts:' ? '8883' : '1883') : url.port;
  return {
    server: `${url.protocol}//${url.hostname}:${port}`,
    credentials: {
      ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
      ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    },
    topic,
    params: url.searchParams,
  };
}

/** Connects (reconnecting after a drop); a failure to connect at first is a `connector/failed` WeirError. */
export async function connectMqtt(
  address: MqttAddress,
  name: string,
  options: IClientOptions,
  report: (message: string) => void,
): Promise<MqttClient> {
  try {
    const client = await connectAsync(address.server, {
      ...address.credentials,
      reconnectPeriod: 1000,
      ...options,
    });
    // Errors after the first connection (the broker went away…) are told; the client reconnects.
    client.on('error', (e) => report(`${name}: ${e.message}`));
    return client;
  } catch (e) {
    throw new WeirError(
      'connector/failed',
      `${name}: cannot connect to ${address.server}: ${(e as Error).message}`,
    );
  }
}
