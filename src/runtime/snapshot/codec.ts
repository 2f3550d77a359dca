/**
 * The snapshot file format: a fixed header, then the payload encoded with MessagePack
 * (msgpackr, with typed arrays kept as typed arrays and repeated object shapes written once).
 *
 *   offset  size  field
 *   0       8     magic "WEIRSNAP"
 *   8       2     format version (big-endian), SNAPSHOT_VERSION
 *   10      4     payload length in bytes (big-endian)
 *   14      4     CRC-32 of the payload (big-endian)
 *   18      n     payload
 *
 * Decoding checks each field in that order and fails with a typed WeirError: bytes that are
 * not a snapshot, another format version, a truncated file, or a payload whose checksum or
 * encoding is wrong. Nothing is built from bytes that fail a check.
 */
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import type { Packr } from 'msgpackr';
import { WeirError } from '../../common/errors.js';

const MAGIC = 'WEIRSNAP';
const HEADER = 18;
/** Bumped whenever the payload's layout changes in a way an older reader cannot read. */
export const SNAPSHOT_VERSION = 3;

let packr: Packr | undefined;

/**
 * The encoder, loaded on first use: most engines never snapshot, and loading msgpackr (with
 * its native decoder) cost every `weir run` ~25 ms of its start.
 */
function codec(): Packr {
  if (packr === undefined) {
    const msgpackr = createRequire(import.meta.url)('msgpackr') as typeof import('msgpackr');
    packr = new msgpackr.Packr({ moreTypes: true, useRecords: true, mapsAsObjects: true });
  }
  return packr;
}

export function encodeSnapshot(payload: unknown): Uint8Array {
  const body = codec().pack(payload);
  const out = new Uint8Array(HEADER + body.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  view.setUint16(8, SNAPSHOT_VERSION);
  view.setUint32(10, body.length);
  view.setUint32(14, crc32(body));
  out.set(body, HEADER);
  return out;
}

export function decodeSnapshot(bytes: Uint8Array): unknown {
  if (!(bytes instanceof Uint8Array)) {
    throw new WeirError(
      'snapshot/not-a-snapshot',
      'A snapshot must be a Uint8Array (as engine.snapshot() returns)',
    );
  }
  const magicLength = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== MAGIC.charCodeAt(i)) {
      throw new WeirError(
        'snapshot/not-a-snapshot',
        'These bytes are not a Weir snapshot (no WEIRSNAP header)',
      );
    }
  }
  if (bytes.length < HEADER) {
    throw new WeirError(
      'snapshot/truncated',
      `The snapshot is truncated: ${bytes.length} bytes, shorter than its ${HEADER}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(8);
  if (version !== SNAPSHOT_VERSION) {
    throw new WeirError(
      'snapshot/version',
      `The snapshot has format version ${version}; this Weir reads version ${SNAPSHOT_VERSION}`,
    );
  }
  const length = view.getUint32(10);
  const available = bytes.length - HEADER;
  if (available < length) {
    throw new WeirError(
      'snapshot/truncated',
      `The snapshot is truncated: its payload has ${available} of ${length} bytes`,
    );
  }
  if (available > length) {
    throw new WeirError(
      'snapshot/corrupt',
      `The snapshot is corrupt: ${available - length} bytes follow its ${length}-byte payload`,
    );
  }
  const body = bytes.subarray(HEADER);
  if (crc32(body) !== view.getUint32(14)) {
    throw new WeirError('snapshot/corrupt', 'The snapshot is corrupt: its payload checksum does not match');
  }
  try {
    return codec().unpack(body);
  } catch (e) {
    throw new WeirError('snapshot/corrupt', `The snapshot is corrupt: ${(e as Error).message}`);
  }
}
