// Delivery acknowledgements.
//
// A file's read offset may only be saved to the positions file once every
// line before it has been accepted by the server (or deliberately dropped),
// so each entry carries an Ack that is completed exactly once per holder:
// when its batch was sent, when a stage drops it, or when it is merged into
// another entry that takes over the obligation. An entry sent to several
// clients is retained once per extra client.

export interface Ack {
  /** Adds `count` holders (the entry was fanned out to more consumers). */
  retain(count: number): void;
  /** Completes one holder's obligation. */
  done(): void;
}

/** For entries nobody waits on (syslog, push receivers, tests). */
export const NO_ACK: Ack = {
  retain() {},
  done() {},
};

/** The obligations of several entries folded into one (multiline and CRI merges). */
class CombinedAck implements Ack {
  constructor(readonly parts: readonly Ack[]) {}

  retain(count: number): void {
    for (const p of this.parts) p.retain(count);
  }

  done(): void {
    for (const p of this.parts) p.done();
  }
}

/**
 * An Ack completing `a` and `b` together. `a` and `b` may be the same
 * object (lines of one read share one): it is then completed twice.
 */
export function combineAcks(a: Ack, b: Ack): Ack {
  if (a === NO_ACK) return b;
  if (b === NO_ACK) return a;
  const parts: Ack[] = [];
  for (const x of [a, b]) {
    if (x instanceof CombinedAck) parts.push(...x.parts);
    else parts.push(x);
  }
  return new CombinedAck(parts);
}

/** Completes an Ack after `count` calls to done(); for callers that need to know when all holders finished. */
export class CountdownAck implements Ack {
  private pending: number;

  constructor(
    count: number,
    private readonly onZero: () => void,
  ) {
    this.pending = count;
    if (count === 0) queueMicrotask(onZero);
  }

  retain(count: number): void {
    this.pending += count;
  }

  done(): void {
    if (--this.pending === 0) this.onZero();
  }
}
