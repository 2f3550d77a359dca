/**
 * A running sum with Neumaier compensation, so adding and subtracting the values of a long
 * sliding window does not drift. Integer inputs stay exact (the compensation term is 0).
 */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;
  count = 0;

  add(x: number): void {
    this.count++;
    this.accumulate(x);
  }

  remove(x: number): void {
    this.count--;
    if (this.count === 0) {
      // Nothing left: reset exactly rather than keep rounding residue.
      this.sum = 0;
      this.compensation = 0;
      return;
    }
    this.accumulate(-x);
  }

  get total(): number {
    return this.sum + this.compensation;
  }

  private accumulate(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }
}
