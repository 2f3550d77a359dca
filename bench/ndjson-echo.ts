/**
 * The hand-written pipeline's output side: every row a baseline posts is hashed as usual and
 * also written as the line `weir run --format ndjson` writes for it,
 *
 *   {"stmt":"q","time":1000,"stream":"new","row":{"symbol":"S1","avg(price)":41.5}}
 *
 * so that the end-to-end comparison puts the same work on both sides: read NDJSON, compute,
 * write NDJSON. Column names are the workload's (a hand-written program knows its own); values
 * are formatted as JSON.stringify formats them. Lines go out through a string buffer and
 * `writeSync` in chunks of about 64 KiB.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Checksum, StatementChecksum } from './checksum.js';

const CHUNK = 64 * 1024;

/** Text written to a file descriptor in chunks. */
export class LineSink {
  private buffer = '';

  constructor(private readonly fd: number) {}

  static open(path: string): LineSink {
    return new LineSink(openSync(path, 'w'));
  }

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= CHUNK) this.flush();
  }

  flush(): void {
    if (this.buffer.length > 0) writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** A number as `weir run` writes it: JSON's text when finite, else a string. */
const numberJson = (n: number): string => (Number.isFinite(n) ? `${n}` : `"${n}"`);

class EchoStatement extends StatementChecksum {
  private readonly opening: string;
  /** `"column":` for each column, the first without a comma. */
  private readonly keys: readonly string[];
  private head = '';
  private line = '';
  private column = 0;

  constructor(
    name: string,
    columns: readonly string[],
    private readonly sink: LineSink,
  ) {
    super(name, false);
    this.opening = `{"stmt":${JSON.stringify(name)},"time":`;
    this.keys = columns.map((c, i) => `${i === 0 ? '' : ','}${JSON.stringify(c)}:`);
  }

  private piece(json: string): void {
    this.line += (this.keys[this.column++] as string) + json;
  }

  override begin(time: number): void {
    super.begin(time);
    this.head = `${this.opening}${numberJson(time)},"stream":"new","row":{`;
  }

  override num(v: number): void {
    super.num(v);
    this.piece(numberJson(v));
  }

  override str(v: string): void {
    super.str(v);
    this.piece(JSON.stringify(v));
  }

  override value(v: unknown): void {
    // Numbers and strings come back through num and str, which write them.
    super.value(v);
    if (typeof v !== 'number' && typeof v !== 'string') this.piece(JSON.stringify(v ?? null));
  }

  override endRow(): void {
    super.endRow();
    this.sink.write(`${this.head}${this.line}}}\n`);
    this.line = '';
    this.column = 0;
  }
}

/** A checksum whose statements also write their rows to `sink` as NDJSON lines. */
export class EchoChecksum extends Checksum {
  constructor(
    private readonly columns: readonly string[],
    private readonly sink: LineSink,
  ) {
    super(false);
  }

  protected override create(name: string): StatementChecksum {
    return new EchoStatement(name, this.columns, this.sink);
  }
}
