/**
 * Exec sink: runs a command (through the shell) for each update, with the update as JSON on
 * its standard input and WEIR_STATEMENT / WEIR_TIME / WEIR_UPDATE_ID in its environment. One
 * command at a time, in order; a non-zero exit, a signal or a timeout is a failure, retried
 * if asked, then counted and reported with the end of the command's stderr.
 */
import { spawn } from 'node:child_process';
import type { SinkUpdate } from './connector.js';
import { QueuedSink } from './queued-sink.js';
import { updateId, updateJson } from './update-json.js';

export interface ExecOptions {
  readonly retries?: number;
  readonly maxQueued?: number;
  readonly timeoutMs?: number;
  readonly report: (message: string) => void;
}

export class ExecSink extends QueuedSink {
  private readonly timeoutMs: number;

  constructor(
    statement: string,
    private readonly command: string,
    options: ExecOptions,
  ) {
    super(
      `exec:${command}`,
      statement,
      {
        concurrency: 1,
        maxQueued: options.maxQueued ?? 10_000,
        retries: options.retries ?? 0,
        backoffMs: 200,
      },
      options.report,
    );
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  protected deliver(update: SinkUpdate): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, {
        shell: true,
        stdio: ['pipe', 'ignore', 'pipe'],
        timeout: this.timeoutMs,
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
