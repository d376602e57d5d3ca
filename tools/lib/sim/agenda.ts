/**
 * The simulator's agenda: scheduled job fires, scenario events and simulated retry answers, taken
 * in time order. Within one minute, scenario events run first (in file order), then retry answers,
 * then job fires (aging, reminders, failedDebits); anything else in the order it was added.
 */
import type { Job } from '../../../shared/table-layout';

export type Step =
  | { kind: 'event'; at: string; index: number }
  | {
      kind: 'retryAnswer';
      at: string;
      loanId: string;
      seq: string;
      attempt: number;
      occurrence: string;
      outcome: 'SUCCEEDED' | 'FAILED';
      reason?: string;
    }
  | { kind: 'job'; at: string; job: Job };

const CLASS: Record<Step['kind'], number> = { event: 0, retryAnswer: 1, job: 2 };

interface Entry {
  step: Step;
  minute: number;
  cls: number;
  ms: number;
  order: number;
}

const before = (a: Entry, b: Entry): boolean =>
  a.minute !== b.minute
    ? a.minute < b.minute
    : a.cls !== b.cls
      ? a.cls < b.cls
      : a.ms !== b.ms
        ? a.ms < b.ms
        : a.order < b.order;

/** A binary heap of steps; `add` may be called while taking (retry answers are added as they arise). */
export class Agenda {
  private readonly heap: Entry[] = [];
  private added = 0;

  get size(): number {
    return this.heap.length;
  }

  add(step: Step): void {
    const ms = Date.parse(step.at);
    if (Number.isNaN(ms)) throw new RangeError(`step at an invalid instant: ${step.at}`);
    const entry = { step, ms, minute: Math.floor(ms / 60_000), cls: CLASS[step.kind], order: this.added++ };
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i] as Entry, h[parent] as Entry)) break;
      [h[i], h[parent]] = [h[parent] as Entry, h[i] as Entry];
      i = parent;
    }
  }

  /** The next step, or undefined when the agenda is empty. */
  take(): Step | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (top === undefined || last === undefined) return undefined;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as Entry, h[m] as Entry)) m = l;
        if (r < h.length && before(h[r] as Entry, h[m] as Entry)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as Entry, h[i] as Entry];
        i = m;
      }
    }
    return top.step;
  }
}
