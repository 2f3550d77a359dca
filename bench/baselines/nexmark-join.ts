/**
 * Baseline for the Nexmark-style join
 *   select a.id as auction, a.seller as seller, b.bidder as bidder, b.price as price
 *   from Auction#time_batch(10 sec) as a, Bid#time_batch(10 sec) as b where a.id = b.auction
 * with Esper's join semantics: each time_batch flushes on its own grid (anchored at its
 * stream's first arrival) and posts its batch as new events and the previous batch as old;
 * the join's view of a stream is what that stream last posted; the new events of a flushing
 * stream are joined against the other stream's posted batch, and those pairs are the
 * insert stream, one call per flush instant. When both streams flush at one instant, the
 * join runs once on both new batches and a pair is posted once (Esper's join result is a set).
 * Person events feed no statement.
 */
import type { Checksum } from '../checksum.js';
import type { Auction, Bid } from '../generate-data.js';
import type { Baseline } from './baseline.js';

export interface NexmarkJoinOptions {
  readonly periodMs?: number;
  readonly statement?: string;
}

class TimeBatch<T> {
  current: T[] = [];
  posted: T[] = [];
  index = new Map<number, T[]>();
  private reference: number | undefined;
  scheduled = false;
  nextFlush = 0;

  constructor(
    private readonly periodMs: number,
    private readonly key: (row: T) => number,
  ) {}

  insert(row: T, now: number): void {
    if (!this.scheduled) {
      this.reference ??= now;
      const offset = (((now - this.reference) % this.periodMs) + this.periodMs) % this.periodMs;
      this.nextFlush = now + this.periodMs - offset;
      this.scheduled = true;
    }
    this.current.push(row);
  }

  /** Rolls the batch at the flush instant `at`: the current batch becomes the posted one. */
  flush(at: number): void {
    const again = this.current.length > 0 || this.posted.length > 0;
    this.posted = this.current;
    this.current = [];
    this.index = new Map();
    for (const row of this.posted) {
      const k = this.key(row);
      const list = this.index.get(k);
      if (list === undefined) this.index.set(k, [row]);
      else list.push(row);
    }
    if (again) this.nextFlush = at + this.periodMs;
    else this.scheduled = false;
  }
}

export function createNexmarkJoinBaseline(out: Checksum, options: NexmarkJoinOptions = {}): Baseline {
  const periodMs = options.periodMs ?? 10_000;
  const s = out.statement(options.statement ?? 'q');
  const auctions = new TimeBatch<Auction>(periodMs, (a) => a.id);
  const bids = new TimeBatch<Bid>(periodMs, (b) => b.auction);
  let rows = 0;
  const row = (a: Auction, b: Bid, at: number) => {
    if (rows++ === 0) s.begin(at);
    s.num(a.id);
    s.num(a.seller);
    s.num(b.bidder);
    s.num(b.price);
    s.endRow();
  };

  const step = (at: number) => {
    const auctionsFlush = auctions.scheduled && auctions.nextFlush === at;
    const bidsFlush = bids.scheduled && bids.nextFlush === at;
    if (auctionsFlush) auctions.flush(at);
    if (bidsFlush) bids.flush(at);
    rows = 0;
    if (auctionsFlush) {
      // New auctions against the bids' posted batch (which already holds new bids, if any).
      for (const a of auctions.posted) for (const b of bids.index.get(a.id) ?? []) row(a, b, at);
    } else if (bidsFlush) {
      for (const b of bids.posted) for (const a of auctions.index.get(b.auction) ?? []) row(a, b, at);
    }
    if (rows > 0) s.end();
  };

  const advance = (now: number) => {
    for (;;) {
      const a = auctions.scheduled ? auctions.nextFlush : Number.POSITIVE_INFINITY;
      const b = bids.scheduled ? bids.nextFlush : Number.POSITIVE_INFINITY;
      const due = Math.min(a, b);
      if (due > now) return;
      step(due);
    }
  };

  return {
    event(type, data, ts) {
      advance(ts);
      if (type === 'Auction') auctions.insert(data as unknown as Auction, ts);
      else if (type === 'Bid') bids.insert(data as unknown as Bid, ts);
    },
    finish(endTime) {
      if (endTime !== undefined) advance(endTime);
    },
  };
}
