/**
 * The checkpoint of a served engine, one file written atomically (temp file, fsync, rename,
 * fsync of the directory): a crash leaves the previous checkpoint or the new one, never half
 * of one.
 *
 *   offset  size  field
 *   0       8     magic "WEIRCKPT"
 *   8       4     manifest length m (big-endian)
 *   12      4     CRC-32 of the manifest (big-endian)
 *   16      m     manifest, JSON (format version, EPL, source positions, sink sequences)
 *   16+m    n     the engine snapshot (engine.snapshot(): its own header and checksum)
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { WeirError } from '../common/errors.js';

export const CHECKPOINT_FILE = 'checkpoint.weir';
const MAGIC = 'WEIRCKPT';
const HEADER = 16;
const FORMAT = 1;

export interface CheckpointManifest {
  readonly format: number;
  /** The EPL module the engine was started with (a restart with another is refused). */
  readonly epl: string;
  /** Wall-clock time the checkpoint was taken (ms). */
  readonly takenAt: number;
  /** `source.position()` by source name. */
  readonly sources: Readonly<Record<string, unknown>>;
  /** Listener calls per statement so far: sink message ids continue from here. */
  readonly updateSeq: Readonly<Record<string, number>>;
}

export interface Checkpoint {
  readonly manifest: CheckpointManifest;
  readonly snapshot: Uint8Array;
}

function fail(dir: string, what: string): WeirError {
  return new WeirError('checkpoint/failed', `checkpoint in ${dir}: ${what}`);
}

export function writeCheckpoint(
  dir: string,
  manifest: Omit<CheckpointManifest, 'format'>,
  snapshot: Uint8Array,
): void {
  const json = Buffer.from(JSON.stringify({ format: FORMAT, ...manifest }), 'utf8');
  const header = Buffer.alloc(HEADER);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32BE(json.length, 8);
  header.writeUInt32BE(crc32(json), 12);
  const target = join(dir, CHECKPOINT_FILE);
  const temp = `${target}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    for (const part of [header, json, snapshot]) writeSync(fd, part);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  // The rename itself must reach the disk before sources are acknowledged.
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** The last checkpoint in `dir`, or undefined when there is none. */
export function readCheckpoint(dir: string): Checkpoint | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, CHECKPOINT_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fail(dir, `cannot be read: ${(e as Error).message}`);
  }
  if (bytes.length < HEADER || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw fail(dir, `${CHECKPOINT_FILE} is not a Weir checkpoint`);
  }
  const length = bytes.readUInt32BE(8);
  if (bytes.length < HEADER + length) throw fail(dir, `${CHECKPOINT_FILE} is truncated`);
  const json = bytes.subarray(HEADER, HEADER + length);
  if (crc32(json) !== bytes.readUInt32BE(12))
    throw fail(dir, `${CHECKPOINT_FILE} is corrupt (manifest checksum)`);
  const manifest = JSON.parse(json.toString('utf8')) as CheckpointManifest;
  if (manifest.format !== FORMAT)
    throw fail(dir, `${CHECKPOINT_FILE} has format ${manifest.format}, this Weir reads ${FORMAT}`);
  return { manifest, snapshot: new Uint8Array(bytes.subarray(HEADER + length)) };
}
