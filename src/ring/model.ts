// The ring's data: one entry per instance (its address, state, tokens and
// last heartbeat), as dskit's ring.Desc. The merge rules are dskit's, so that
// gossiping processes converge on the same ring whatever order updates arrive
// in: per instance the entry with the newer heartbeat wins, a LEFT tombstone
// wins a tie, and tokens claimed by two instances go to the one not leaving,
// else to the lower instance id.
//
// Heartbeats are kept in milliseconds (dskit uses seconds): two updates of the
// same instance within one second must still be ordered, and every writer
// bumps its entry's timestamp strictly (see `nextTimestamp`).

export type InstanceState = 'ACTIVE' | 'LEAVING' | 'PENDING' | 'JOINING' | 'LEFT';

/** dskit's numeric state values, used on the wire. */
export const STATE_CODES: Readonly<Record<InstanceState, number>> = {
  ACTIVE: 0,
  LEAVING: 1,
  PENDING: 2,
  JOINING: 3,
  LEFT: 4,
};

const STATE_BY_CODE: readonly InstanceState[] = ['ACTIVE', 'LEAVING', 'PENDING', 'JOINING', 'LEFT'];

export function stateFromCode(code: number): InstanceState {
  return STATE_BY_CODE[code] ?? 'PENDING';
}

export interface InstanceDesc {
  id: string;
  /** host:port of the instance's gRPC server. */
  addr: string;
  /** Last heartbeat, ms since the epoch; also the entry's version in merges. */
  timestamp: number;
  state: InstanceState;
  /** Sorted, without duplicates. */
  tokens: number[];
  zone: string;
  /** When the instance first registered, ms since the epoch (0: unknown). */
  registeredTimestamp: number;
}

export interface RingDesc {
  ingesters: Map<string, InstanceDesc>;
}

export function emptyRing(): RingDesc {
  return { ingesters: new Map() };
}

/** A copy whose map and entries can be changed freely (token arrays are copied too). */
export function cloneRing(d: RingDesc): RingDesc {
  const out = emptyRing();
  for (const [id, ing] of d.ingesters) out.ingesters.set(id, { ...ing, tokens: [...ing.tokens] });
  return out;
}

/** A timestamp for a new version of `prev`: now, or just after prev's when clocks disagree. */
export function nextTimestamp(prev: InstanceDesc | undefined, nowMs: number): number {
  return prev && prev.timestamp >= nowMs ? prev.timestamp + 1 : nowMs;
}

function sortUnique(tokens: number[]): number[] {
  const sorted = [...tokens].sort((a, b) => a - b);
  const out: number[] = [];
  for (const t of sorted) if (out.length === 0 || out[out.length - 1] !== t) out.push(t);
  return out;
}

/** Sorts tokens and removes duplicates; LEFT instances hold no tokens. */
export function normalizeRing(d: RingDesc): void {
  for (const [id, ing] of d.ingesters) {
    if (ing.state === 'LEFT') {
      if (ing.tokens.length > 0) d.ingesters.set(id, { ...ing, tokens: [] });
      continue;
    }
    let sorted = true;
    for (let i = 1; i < ing.tokens.length; i++) {
      if (ing.tokens[i]! <= ing.tokens[i - 1]!) {
        sorted = false;
        break;
      }
    }
    if (!sorted) d.ingesters.set(id, { ...ing, tokens: sortUnique(ing.tokens) });
  }
}

function tokensEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Merges `other` into `into` (which must be normalised) and returns the
 * entries that changed, or null when nothing did.
 *
 * `localCAS`: `other` is the complete new state written by this process, so
 * instances missing from it were removed and become LEFT tombstones (stamped
 * `nowMs`, so that an older update still travelling cannot bring them back).
 */
export function mergeRing(into: RingDesc, other: RingDesc, localCAS: boolean, nowMs: number): RingDesc | null {
  const incoming = cloneRing(other);
  normalizeRing(incoming);
  const updated: string[] = [];
  let tokensChanged = false;
  for (const [id, oing] of incoming.ingesters) {
    const ting = into.ingesters.get(id);
    const tts = ting?.timestamp ?? 0;
    if (oing.timestamp > tts) {
      if (!ting || !tokensEqual(ting.tokens, oing.tokens)) tokensChanged = true;
      into.ingesters.set(id, oing);
      updated.push(id);
    } else if (ting && oing.timestamp === tts && ting.state !== 'LEFT' && oing.state === 'LEFT') {
      into.ingesters.set(id, oing);
      updated.push(id);
    }
  }
  if (localCAS) {
    for (const [id, ting] of into.ingesters) {
      if (incoming.ingesters.has(id) || ting.state === 'LEFT') continue;
      into.ingesters.set(id, { ...ting, state: 'LEFT', tokens: [], timestamp: nextTimestamp(ting, nowMs) });
      updated.push(id);
    }
  }
  if (updated.length === 0) return null;
  if (tokensChanged && conflictingTokensExist(into)) resolveConflicts(into);
  const out = emptyRing();
  for (const id of updated) out.ingesters.set(id, into.ingesters.get(id)!);
  return out;
}

function conflictingTokensExist(d: RingDesc): boolean {
  const seen = new Set<number>();
  for (const ing of d.ingesters.values()) {
    for (const t of ing.tokens) {
      if (seen.has(t)) return true;
      seen.add(t);
    }
  }
  return false;
}

/**
 * Gives every token claimed twice to one instance: one not LEAVING beats a
 * LEAVING one, otherwise the lower id wins (dskit's rules).
 */
export function resolveConflicts(d: RingDesc): void {
  const owner = new Map<number, string>();
  for (const [id, ing] of d.ingesters) {
    if (ing.state === 'LEFT') continue;
    for (const t of ing.tokens) {
      const prevId = owner.get(t);
      if (prevId === undefined) {
        owner.set(t, id);
        continue;
      }
      const prev = d.ingesters.get(prevId)!;
      let winner = id;
      if (ing.state === 'LEAVING' && prev.state !== 'LEAVING') winner = prevId;
      else if (prev.state === 'LEAVING' && ing.state !== 'LEAVING') winner = id;
      else winner = id < prevId ? id : prevId;
      owner.set(t, winner);
    }
  }
  const lists = new Map<string, number[]>();
  for (const id of d.ingesters.keys()) lists.set(id, []);
  for (const t of [...owner.keys()].sort((a, b) => a - b)) lists.get(owner.get(t)!)!.push(t);
  for (const [id, tokens] of lists) {
    const ing = d.ingesters.get(id)!;
    if (!tokensEqual(ing.tokens, tokens)) d.ingesters.set(id, { ...ing, tokens });
  }
}

/** Removes LEFT entries older than `limitMs` (all of them when 0); returns how many were removed. */
export function removeTombstones(d: RingDesc, limitMs: number): number {
  let removed = 0;
  for (const [id, ing] of d.ingesters) {
    if (ing.state !== 'LEFT') continue;
    if (limitMs === 0 || ing.timestamp < limitMs) {
      d.ingesters.delete(id);
      removed++;
    }
  }
  return removed;
}

/** The ring as clients see it: a copy without tombstones. */
export function withoutTombstones(d: RingDesc): RingDesc {
  const out = emptyRing();
  for (const [id, ing] of d.ingesters) if (ing.state !== 'LEFT') out.ingesters.set(id, ing);
  return out;
}

/** Every token of the ring, sorted, with the id of its owner (parallel arrays). */
export function ringTokens(d: RingDesc): { tokens: Uint32Array; owners: string[] } {
  const pairs: Array<[number, string]> = [];
  for (const [id, ing] of d.ingesters) for (const t of ing.tokens) pairs.push([t, id]);
  pairs.sort((a, b) => a[0] - b[0]);
  const tokens = new Uint32Array(pairs.length);
  const owners: string[] = new Array(pairs.length);
  pairs.forEach(([t, id], i) => {
    tokens[i] = t;
    owners[i] = id;
  });
  return { tokens, owners };
}

/** How much of the token space each instance owns: the range from each of its tokens to the next token. */
export function countOwnedTokens(d: RingDesc): Map<string, number> {
  const { tokens, owners } = ringTokens(d);
  const owned = new Map<string, number>();
  for (let i = 0; i < tokens.length; i++) {
    const diff = i + 1 === tokens.length ? 0xffffffff - tokens[i]! + tokens[0]! : tokens[i + 1]! - tokens[i]!;
    owned.set(owners[i]!, (owned.get(owners[i]!) ?? 0) + diff);
  }
  return owned;
}
