/**
 * An order-insensitive checksum of output rows (rows within one listener call may come in
 * any order): the wrapping sum of a hash of each row's time and values, numbers rounded to
 * 6 decimals so compensated and plain summation agree.
 */
export class Checksum {
  rows = 0;
  private sum = 0;

  add(time: number, values: readonly unknown[]): void {
    let h = 2166136261 ^ time;
    for (const v of values) {
      const text = typeof v === 'number' ? v.toFixed(6) : String(v);
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
      h = Math.imul(h ^ 124, 16777619);
    }
    this.sum = (this.sum + (h >>> 0)) >>> 0;
    this.rows++;
  }

  get value(): string {
    return `${this.rows}:${this.sum.toString(16)}`;
  }
}
