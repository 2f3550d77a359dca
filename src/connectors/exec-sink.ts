/**
 * Exec sink: runs a command (through the shell) for each update, with the update as JSON on
 * its standard input and WEIR_STATEMENT / WEIR_TIME / WEIR_UPDATE_ID in its environment. One
 * command at a time, in order; a non-zero exit, a signal or a timeout is a failure, retried,
 * then counted and reported with the end of the command's stderr.
 */
import { spawn } from 'node:child_process';
import type { ConnectorCounters, Sink, SinkUpdate } from './connector.js';
import { DeliveryQueue } from './delivery-queue.js';
import { updateId, updateJson } from './update-json.js';

export interface ExecOptions {
  readonly retries?: number;
  readonly maxQueued?: number;
  readonly timeoutMs?: number;
  readonly report: (message: string) => void;
}

export class ExecSink implements Sink {
  readonly name: string;
  private readonly delivery: DeliveryQueue<SinkUpdate>;

  constructor(
    readonly statement: string,
    private readonly command: string,
    options: ExecOptions,
  ) {
    this.name = `exec:${command}`;
    const timeoutMs = options.timeoutMs ?? 30_000;
    this.delivery = new DeliveryQueue((u) => this.run(u, timeoutMs), {
      concurrency: 1,
      maxQueued: options.maxQueued ?? 10_000,
      retries: options.retries ?? 0,
      backoffMs: 200,
      onFailure: (reason) => options.report(`${this.name}: ${reason}`),
    });
  }

  async start(): Promise<void> {}

  send(update: SinkUpdate): void {
    this.delivery.push(update);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  async stop(): Promise<void> {
    await this.delivery.flush();
  }

  counters(): ConnectorCounters {
    return this.delivery.counters();
  }

  pending(): number {
    return this.delivery.pending();
  }

  private run(update: SinkUpdate, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, {
        shell: true,
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: timeoutMs,
        env: {
          ...process.env,
          WEIR_STATEMENT: update.statement,
          WEIR_TIME: String(update.time),
          WEIR_UPDATE_ID: updateId(update),
        },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString('utf8')).slice(-500);
      });
      child.stdin.on('error', () => {}); // a command that does not read its input
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else {
          const why = signal !== null ? `killed by ${signal}` : `exited with ${code}`;
          reject(new Error(`'${this.command}' ${why}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}`));
        }
      });
      child.stdin.end(`${updateJson(update)}\n`);
    });
  }
}
