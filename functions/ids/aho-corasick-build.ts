/**
 * Builds the flat tables of an Aho–Corasick automaton (see aho-corasick.ts for how they are
 * scanned).
 *
 * - Byte classes: bytes that occur in no pattern share class 0; each other byte gets its own
 *   class (with `caseFold`, 'A'…'Z' share the class of 'a'…'z'). C = number of classes.
 * - States are numbered in breadth-first order (state ids, the per-flow state, are these), so
 *   every failure link points to a smaller id.
 * - Dense rows (one full DFA row of C transitions) go to the states a scan is expected to visit
 *   most, ordered hottest first so the hot rows share cache lines and TLB pages; the other states
 *   keep their trie children (CSR) and a failure link, followed until a dense state answers.
 *   "Expected to visit": the probability of the state's string under a 0-order byte model
 *   (`byteWeights`); with uniform weights this is breadth-first order (depth). Measured on full
 *   ET / nDPI: weights from the trace's own bytes 200 MB/s vs breadth-first 195 (noise), so the
 *   IDS keeps the uniform default; the indirection (cursorOfState) costs nothing per byte.
 * - Transition values are cursors: a dense state's row offset (row · C, so a step is one add and
 *   one load), denseEnd + (sparse index) otherwise; the sign bit is set when the target (or one
 *   of its suffixes) ends a pattern.
 */

export interface BuildOptions {
  readonly caseFold: boolean;
  readonly denseBudgetBytes: number;
  /** Relative frequency of each byte value in scanned traffic (256 entries); default uniform. */
  readonly byteWeights?: Float64Array;
}

export interface AutomatonTables {
  stateCount: number;
  classCount: number;
  denseStates: number;
  patternCount: number;
  classOf: Uint8Array;
  /** Dense rows, denseStates · C transition values. */
  dense: Int32Array;
  /** Per state id: its cursor (no output flag). */
  cursorOfState: Int32Array;
  /** Per dense row: its state id. */
  stateOfRow: Int32Array;
  /** Per sparse index: its state id (sparse states in breadth-first order). */
  stateOfSparse: Int32Array;
  childStart: Int32Array;
  childClass: Uint8Array;
  childValue: Int32Array;
  fail: Int32Array;
  outStart: Int32Array;
  outPattern: Int32Array;
  dictLink: Int32Array;
  depth: Int32Array;
  patternLength: Int32Array;
}

export const OUTPUT_FLAG = 0x80000000 | 0;
export const CURSOR_MASK = 0x7fffffff;

function foldByte(b: number, caseFold: boolean): number {
  return caseFold && b >= 0x41 && b <= 0x5a ? b | 0x20 : b;
}

function buildClasses(patterns: readonly Uint8Array[], caseFold: boolean): { classOf: Uint8Array; classCount: number } {
  const used = new Uint8Array(256);
  for (const p of patterns) for (const b of p) used[foldByte(b, caseFold)] = 1;
  const classOf = new Uint8Array(256);
  let n = 1; // class 0: bytes no pattern contains
  for (let b = 0; b < 256; b++) if (used[b]) classOf[b] = n++;
  if (caseFold) for (let b = 0x41; b <= 0x5a; b++) classOf[b] = classOf[b | 0x20]!;
  return { classOf, classCount: n };
}

export function buildTables(patterns: readonly Uint8Array[], options: BuildOptions): AutomatonTables {
  const { classOf, classCount: C } = buildClasses(patterns, options.caseFold);

  // 1. Trie in insertion order: goto keyed by parent * C + class.
  const trieGoto = new Map<number, number>();
  const trieOut: number[][] = [[]];
  let trieStates = 1;
  patterns.forEach((p, pi) => {
    if (p.length === 0) return;
    let s = 0;
    for (const b of p) {
      const key = s * C + classOf[b]!;
      let t = trieGoto.get(key);
      if (t === undefined) {
        t = trieStates++;
        trieGoto.set(key, t);
        trieOut.push([]);
      }
      s = t;
    }
    trieOut[s]!.push(pi);
  });

  // 2. Children lists per trie state, then breadth-first renumbering.
  const kids: number[][] = Array.from({ length: trieStates }, () => []);
  for (const [key, t] of trieGoto) kids[Math.floor(key / C)]!.push((key % C) * 0x1000000 + t);
  const order = new Int32Array(trieStates); // bfs index → trie id
  const bfsOf = new Int32Array(trieStates); // trie id → bfs index
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const s = order[head++]!;
    const list = kids[s]!.sort((x, y) => x - y); // by class
    for (const packed of list) {
      const t = packed % 0x1000000;
      bfsOf[t] = tail;
      order[tail++] = t;
    }
  }

  // 3. CSR children (by bfs id) with plain targets for now.
  const N = trieStates;
  const childStart = new Int32Array(N + 1);
  const childClass = new Uint8Array(N - 1);
  const childTarget = new Int32Array(N - 1);
  let e = 0;
  for (let s = 0; s < N; s++) {
    childStart[s] = e;
    for (const packed of kids[order[s]!]!) {
      childClass[e] = Math.floor(packed / 0x1000000);
      childTarget[e++] = bfsOf[packed % 0x1000000]!;
    }
  }
  childStart[N] = e;
  const gotoOf = (s: number, c: number): number => {
    for (let k = childStart[s]!; k < childStart[s + 1]!; k++) if (childClass[k] === c) return childTarget[k]!;
    return -1;
  };

  // 4. Outputs in bfs order.
  const outStart = new Int32Array(N + 1);
  const outList: number[] = [];
  for (let s = 0; s < N; s++) {
    outStart[s] = outList.length;
    for (const p of trieOut[order[s]!]!) outList.push(p);
  }
  outStart[N] = outList.length;

  // 5. Failure links, dictionary links, depth, output flag and the state's string weight.
  const fail = new Int32Array(N);
  const dictLink = new Int32Array(N).fill(-1);
  const emits = new Uint8Array(N);
  const depth = new Int32Array(N);
  const weight = new Float64Array(N);
  const classWeight = classWeights(classOf, C, options.byteWeights);
  weight[0] = 1;
  for (let s = 0; s < N; s++) {
    if (s > 0) {
      const f = fail[s]!;
      dictLink[s] = outStart[f + 1]! > outStart[f]! ? f : dictLink[f]!;
    }
    emits[s] = outStart[s + 1]! > outStart[s]! || dictLink[s]! >= 0 ? 1 : 0;
    for (let k = childStart[s]!; k < childStart[s + 1]!; k++) {
      const t = childTarget[k]!;
      const c = childClass[k]!;
      depth[t] = depth[s]! + 1;
      weight[t] = weight[s]! * classWeight[c]!;
      if (s === 0) continue;
      let f = fail[s]!;
      while (f > 0 && gotoOf(f, c) < 0) f = fail[f]!;
      const g = gotoOf(f, c);
      fail[t] = g >= 0 ? g : 0;
    }
  }

  // 6. Which states get dense rows, hottest first (weight, then depth: a suffix never comes after
  // its extensions). The root always has one, at cursor 0.
  const D = Math.max(1, Math.min(N, Math.floor(options.denseBudgetBytes / (C * 4))));
  const byHeat = Int32Array.from({ length: N }, (_, s) => s).sort((a, b) => weight[b]! - weight[a]! || depth[a]! - depth[b]! || a - b);
  const rowOf = new Int32Array(N).fill(-1);
  const stateOfRow = byHeat.slice(0, D);
  for (let r = 0; r < D; r++) rowOf[stateOfRow[r]!] = r;
  const stateOfSparse = new Int32Array(N - D);
  const cursorOfState = new Int32Array(N);
  const denseEnd = D * C;
  for (let s = 0, j = 0; s < N; s++) {
    if (rowOf[s]! >= 0) cursorOfState[s] = rowOf[s]! * C;
    else {
      stateOfSparse[j] = s;
      cursorOfState[s] = denseEnd + j++;
    }
  }

  // 7. Dense rows (plain target ids first), in bfs order so fail(s)'s row exists when it is dense.
  const dense = new Int32Array(D * C);
  const delta = (state: number, c: number): number => {
    for (let s = state; ; s = fail[s]!) {
      if (rowOf[s]! >= 0) return dense[rowOf[s]! * C + c]!; // built: s <= fail(current) < current
      const t = gotoOf(s, c);
      if (t >= 0) return t;
      if (s === 0) return 0;
    }
  };
  for (let s = 0; s < N; s++) {
    const r = rowOf[s]!;
    if (r < 0) continue;
    const row = r * C;
    const f = fail[s]!;
    if (s === 0) dense.fill(0, 0, C);
    else if (rowOf[f]! >= 0) dense.copyWithin(row, rowOf[f]! * C, rowOf[f]! * C + C);
    else for (let c = 0; c < C; c++) dense[row + c] = delta(f, c);
    for (let k = childStart[s]!; k < childStart[s + 1]!; k++) dense[row + childClass[k]!] = childTarget[k]!;
  }
  // 8. Transition values in cursor form, tagged with the target's output flag.
  const valueOf = (t: number): number => cursorOfState[t]! | (emits[t] ? OUTPUT_FLAG : 0);
  for (let i = 0; i < dense.length; i++) dense[i] = valueOf(dense[i]!);
  const childValue = new Int32Array(childTarget.length);
  for (let k = 0; k < childTarget.length; k++) childValue[k] = valueOf(childTarget[k]!);

  return {
    stateCount: N, classCount: C, denseStates: D, patternCount: patterns.length, classOf, dense, cursorOfState,
    stateOfRow, stateOfSparse, childStart, childClass, childValue, fail, outStart, outPattern: Int32Array.from(outList),
    dictLink, depth, patternLength: Int32Array.from(patterns, (p) => p.length),
  };
}

/** Per class: the probability of a byte of that class (uniform when no weights are given). */
function classWeights(classOf: Uint8Array, C: number, byteWeights: Float64Array | undefined): Float64Array {
  const w = new Float64Array(C);
  let total = 0;
  for (let b = 0; b < 256; b++) {
    const x = byteWeights ? byteWeights[b]! : 1;
    w[classOf[b]!] += x;
    total += x;
  }
  for (let c = 0; c < C; c++) w[c] = total > 0 ? w[c]! / total : 1 / C;
  return w;
}
