/**
 * Holds a statement's deliveries until the current step ends (the event being routed has
 * reached every statement, or every timer due at this instant has fired) and delivers them
 * as one listener call, new rows and old rows each concatenated in order. Esper's dispatch:
 * a listener is called once per event or time instant with everything the statement
 * produced in it; pattern statements produce one result per match, so two matches completed
 * by one event or at one instant arrive together.
 */
import type { Row } from '../common/row.js';
import type { OutputTarget } from './output.js';

export class StepOutput implements OutputTarget {
  private newRows: Row[] | null = null;
  private oldRows: Row[] | null = null;
  private waiting = false;
  private readonly flushAtStepEnd = () => this.flush();

  constructor(
    private readonly target: OutputTarget,
    private readonly atStepEnd: (callback: () => void) => void,
  ) {}

  deliver(newEvents: Row[] | null, oldEvents: Row[] | null): void {
    if (newEvents !== null)
      this.newRows = this.newRows === null ? newEvents.slice() : this.newRows.concat(newEvents);
    if (oldEvents !== null)
      this.oldRows = this.oldRows === null ? oldEvents.slice() : this.oldRows.concat(oldEvents);
    if (this.waiting) return;
    this.waiting = true;
    this.atStepEnd(this.flushAtStepEnd);
  }

  /** Delivers what the step produced, if anything (also called outside steps, e.g. at statement start). */
  flush(): void {
    this.waiting = false;
    const newRows = this.newRows;
    const oldRows = this.oldRows;
    if (newRows === null && oldRows === null) return;
    this.newRows = null;
    this.oldRows = null;
    this.target.deliver(newRows, oldRows);
  }
}
