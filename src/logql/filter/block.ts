// Helpers over line selections: ascending Uint32Arrays of line indices into a
// decoded block whose line i spans offsets[i]..offsets[i+1] of the block buffer.

/** Returns `arr` when it holds at least `size` entries, else a larger replacement. */
export function ensureCapacity(arr: Uint32Array, size: number): Uint32Array {
  if (arr.length >= size) return arr;
  return new Uint32Array(Math.max(size, arr.length * 2, 64));
}

/**
 * The first position k in [lo, hi) whose selected line ends after byte `pos`
 * (offsets[sel[k] + 1] > pos), or hi when there is none. Gallops from lo, so
 * that the common case of a nearby line costs a few probes.
 */
export function seekLineEndingAfter(
  offsets: Uint32Array,
  sel: Uint32Array,
  lo: number,
  hi: number,
  pos: number,
): number {
  let step = 1;
  let upper = hi;
  while (lo < hi) {
    const probe = lo + step - 1;
    if (probe >= hi) break;
    if (offsets[sel[probe]! + 1]! > pos) {
      upper = probe;
      break;
    }
    lo = probe + 1;
    step <<= 1;
  }
  while (lo < upper) {
    const mid = (lo + upper) >>> 1;
    if (offsets[sel[mid]! + 1]! > pos) upper = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The last position k in [lo, hi) with starts[k] <= pos (starts ascending and
 * starts[lo] <= pos). Gallops from lo.
 */
export function seekLastStartAtOrBefore(starts: Uint32Array, lo: number, hi: number, pos: number): number {
  // Find the first k with starts[k] > pos, then step back.
  let step = 1;
  let upper = hi;
  let first = lo + 1;
  while (first < hi) {
    const probe = first + step - 1;
    if (probe >= hi) break;
    if (starts[probe]! > pos) {
      upper = probe;
      break;
    }
    first = probe + 1;
    step <<= 1;
  }
  while (first < upper) {
    const mid = (first + upper) >>> 1;
    if (starts[mid]! > pos) upper = mid;
    else first = mid + 1;
  }
  return first - 1;
}

/**
 * Writes a \ b to out and returns its size. Both inputs ascend and b is a
 * subset of a. `out` may be `a` itself (writes never overtake reads).
 */
export function subtractSorted(
  a: Uint32Array,
  aCount: number,
  b: Uint32Array,
  bCount: number,
  out: Uint32Array,
): number {
  if (bCount === 0) {
    if (out !== a) out.set(a.subarray(0, aCount));
    return aCount;
  }
  let j = 0;
  let n = 0;
  for (let i = 0; i < aCount; i++) {
    const v = a[i]!;
    while (j < bCount && b[j]! < v) j++;
    if (j < bCount && b[j] === v) {
      j++;
      continue;
    }
    out[n++] = v;
  }
  return n;
}

/** Writes a ∪ b (both ascending, without duplicates) to out, which must be neither. */
export function unionSorted(a: Uint32Array, aCount: number, b: Uint32Array, bCount: number, out: Uint32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < aCount && j < bCount) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) {
      out[n++] = x;
      i++;
    } else if (y < x) {
      out[n++] = y;
      j++;
    } else {
      out[n++] = x;
      i++;
      j++;
    }
  }
  while (i < aCount) out[n++] = a[i++]!;
  while (j < bCount) out[n++] = b[j++]!;
  return n;
}

/** Copies sel[0..selCount) to out unless they are the same array. */
export function copySelection(sel: Uint32Array, selCount: number, out: Uint32Array): number {
  if (out !== sel) out.set(sel.subarray(0, selCount));
  return selCount;
}
