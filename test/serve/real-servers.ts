/**
 * Real servers for connector tests: nats-server with JetStream and mosquitto, from Debian's
 * packages (.ci/run installs them), each started on a free 127.0.0.1 port in its own temporary
 * directory and stopped by the test. A missing binary fails the test with what to install.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';

export interface RealServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export function findBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const path = join(dir, name);
    if (dir !== '' && existsSync(path)) return path;
  }
  throw new Error(
    `${name} is not installed: apt-get install -y ${name === 'nats-server' ? 'nats-server' : name} (.ci/run does it)`,
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `binary args`, resolving once a line of its output matches `ready`. */
function startProcess(
  binary: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 10_000,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${binary} did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} exited with ${code}:\n${output}`));
    });
  });
}

function stopProcess(child: ChildProcess, dir: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.removeAllListeners('exit');
    child.once('exit', done);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** nats-server with JetStream (`-js`), its store in a fresh temporary directory. */
export async function startNats(): Promise<RealServer> {
  const binary = findBinary('nats-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weir-nats-'));
  const child = await startProcess(
    binary,
    ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
    /Server is ready/,
  );
  return { port, url: `nats://127.0.0.1:${port}`, stop: () => stopProcess(child, dir) };
}

/** mosquitto listening on 127.0.0.1 only, anonymous, without persistence. */
export async function startMosquitto(): Promise<RealServer> {
  const binary = findBinary('mosquitto');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'weir-mqtt-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n`,
  );
  const child = await startProcess(
    binary,
    ['-c', conf],
    /Opening ipv4 listen socket on port|mosquitto version .* running/,
  );
  return { port, url: `mqtt://127.0.0.1:${port}`, stop: () => stopProcess(child, dir) };
}

export interface JetStreamFixture {
  readonly nats: RealServer;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
}

/**
 * A nats-server for the whole test file (started in beforeAll, stopped in afterAll) with a
 * client connection and a JetStream manager; read its fields inside tests.
 */
export function useJetStream(): JetStreamFixture {
  const fixture = {} as { nats: RealServer; nc: NatsConnection; jsm: JetStreamManager };
  beforeAll(async () => {
    fixture.nats = await startNats();
    fixture.nc = await connect({ servers: fixture.nats.url });
    fixture.jsm = await jetstreamManager(fixture.nc);
  });
  afterAll(async () => {
    await fixture.nc?.close();
    await fixture.nats?.stop();
  });
  return fixture;
}

/** Every message stored in a JetStream stream, in order: subject, message id and JSON body. */
export async function storedMessages(
  jsm: JetStreamManager,
  stream: string,
): Promise<{ subject: string; id: string | undefined; body: unknown }[]> {
  const info = await jsm.streams.info(stream);
  const out: { subject: string; id: string | undefined; body: unknown }[] = [];
  if (info.state.messages === 0) return out;
  // An ordered consumer reads the stream in one pass (a request per message is slow).
  const consumer = await jsm.jetstream().consumers.get(stream);
  const messages = await consumer.consume();
  for await (const m of messages) {
    out.push({ subject: m.subject, id: m.headers?.get('Nats-Msg-Id'), body: m.json() });
    if (m.seq >= info.state.last_seq) break;
  }
  await messages.close();
  return out;
}
