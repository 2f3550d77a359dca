/**
 * The running sum of sum() and avg(), with Esper's exact arithmetic (AggregatorSumNonBig,
 * AggregatorAvgNonBig): plain double addition and subtraction in arrival order, and a
 * leave that finds at most one value resets to zero. Esper is the reference, so its
 * rounding residues (avg 3.55e-15 where the exact mean is 0) are reproduced rather than
 * compensated away.
 */
export class RunningSum {
  total = 0;
  count = 0;

  add(x: number): void {
    this.count++;
    this.total += x;
  }

  snapshot(): number[] {
    return [this.total, this.count];
  }

  restore(state: unknown): void {
    const [total, count] = state as number[];
    this.total = total as number;
    this.count = count as number;
  }

  remove(x: number): void {
    if (this.count <= 1) {
      this.count = 0;
      this.total = 0;
      return;
    }
    this.count--;
    this.total -= x;
  }
}
