/**
 * The KB's in-memory inverted index: for each term, the documents it occurs in and how
 * often per field, scored with BM25F (Robertson and Zaragoza, "The Probabilistic
 * Relevance Framework: BM25 and Beyond", 2009, section 3.4). It lives in memory so that
 * search behaves the same on every storage backend; 50,000 articles take a few hundred MB
 * at most and rebuild from the store in seconds.
 *
 * Documents are numbered in the order they are added, so every term's postings are in
 * ascending document order. Removing one leaves a tombstone whose postings are skipped.
 * TODO: compact postings when tombstones pile up (every retire and republish leaves one);
 * a restart rebuilds the index from the store, which clears them today.
 */

/** Where a term occurs; `parts` holds the sub-words of compounds (社保 in 社保卡). */
export const FIELDS = ['title', 'keywords', 'body', 'parts'] as const;
export type Field = (typeof FIELDS)[number];

/** The terms of one document, per field, in any order, repeats counted. */
export type FieldTerms = Record<Field, readonly string[]>;

interface FieldParams {
  weight: number;
  /** BM25 length normalisation: 0 ignores the field's length, 1 normalises fully. */
  b: number;
  /** Bits of the packed term frequency; counts saturate at the largest value. */
  bits: number;
  shift: number;
}

const PARAMS: Record<Field, FieldParams> = {
  title: { weight: 3, b: 0.5, bits: 4, shift: 0 },
  keywords: { weight: 2.5, b: 0.3, bits: 4, shift: 4 },
  body: { weight: 1, b: 0.75, bits: 8, shift: 8 },
  parts: { weight: 0.3, b: 0.75, bits: 8, shift: 16 },
};
const K1 = 1.2;

/** A growable pair of arrays: document numbers and packed per-field counts. */
class Postings {
  docs = new Int32Array(4);
  counts = new Uint32Array(4);
  length = 0;

  push(doc: number, packed: number): void {
    if (this.length === this.docs.length) {
      const docs = new Int32Array(this.length * 2);
      docs.set(this.docs);
      this.docs = docs;
      const counts = new Uint32Array(this.length * 2);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.docs[this.length] = doc;
    this.counts[this.length] = packed;
    this.length++;
  }
}

/** A term's documents and its score in each, valid for one generation of the index. */
export interface ScoredPostings {
  docs: Int32Array;
  scores: Float32Array;
  /** 1 where the term is in the document's title or keywords: what the document is about. */
  named: Uint8Array;
  length: number;
  generation: number;
}

export class InvertedIndex<D> {
  private readonly termIds = new Map<string, number>();
  private readonly postings: Postings[] = [];
  private readonly docs: (D | null)[] = [];
  private readonly lengths: Record<Field, number[]> = {
    title: [],
    keywords: [],
    body: [],
    parts: [],
  };
  private readonly totalLength: Record<Field, number> = {
    title: 0,
    keywords: 0,
    body: 0,
    parts: 0,
  };
  private alive = 0;
  /** Bumped by every add and remove: cached scores of an older generation are stale. */
  private generation = 0;
  private readonly cache: (ScoredPostings | undefined)[] = [];
  /** Per term, a bit per field (FIELDS order) it has occurred in. */
  private readonly fieldsOf: number[] = [];

  /** Number of live documents. */
  get size(): number {
    return this.alive;
  }

  /** Adds a document; answers its number. */
  add(doc: D, terms: FieldTerms): number {
    const n = this.docs.length;
    this.generation++;
    this.docs.push(doc);
    this.alive++;
    // Counted by term first: a term repeats within a document, its id is looked up once.
    const packed = new Map<string, number>();
    for (const field of FIELDS) {
      const { bits, shift } = PARAMS[field];
      const max = (1 << bits) - 1;
      for (const term of terms[field]) {
        const current = packed.get(term) ?? 0;
        const count = (current >>> shift) & max;
        if (count < max) packed.set(term, current + (1 << shift));
      }
      this.lengths[field].push(terms[field].length);
      this.totalLength[field] += terms[field].length;
    }
    for (const [term, counts] of packed) {
      const id = this.termId(term);
      this.postings[id]!.push(n, counts);
      for (let f = 0; f < FIELDS.length; f++) {
        const { bits, shift } = PARAMS[FIELDS[f]!];
        if ((counts >>> shift) & ((1 << bits) - 1)) this.fieldsOf[id]! |= 1 << f;
      }
    }
    return n;
  }

  /** Removes document `n`; its postings stay until compact() but are never scored. */
  remove(n: number): void {
    if (this.docs[n] === null || this.docs[n] === undefined) return;
    this.docs[n] = null;
    this.generation++;
    this.alive--;
    for (const field of FIELDS) this.totalLength[field] -= this.lengths[field][n]!;
  }

  doc(n: number): D | null {
    return this.docs[n] ?? null;
  }

  /** True when `term` occurs in some document (live or not yet compacted). */
  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /** Every term of the index, for building the sound index. */
  terms(): IterableIterator<string> {
    return this.termIds.keys();
  }

  /** Inverse document frequency of a term; 0 for an unknown one. */
  idf(term: string): number {
    const id = this.termIds.get(term);
    if (id === undefined) return 0;
    return this.idfOf(this.postings[id]!.length);
  }

  /** True when `term` has occurred in `field` of some document. */
  inField(term: string, field: Field): boolean {
    const id = this.termIds.get(term);
    return id !== undefined && (this.fieldsOf[id]! & (1 << FIELDS.indexOf(field))) !== 0;
  }

  /** Number of documents (live or not yet compacted) holding `term`; 0 for an unknown one. */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.length;
  }

  /** The idf a term occurring in a single document would have: the most informative. */
  maxIdf(): number {
    return this.idfOf(1);
  }

  private idfOf(df: number): number {
    const n = Math.max(this.alive, df);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /**
   * The BM25F score of `term` in every document holding it (a removed document scores
   * -1), or null for an unknown term. Scores are computed once per term and kept until
   * the index changes, so a query only adds them up.
   */
  scored(term: string): ScoredPostings | null {
    const id = this.termIds.get(term);
    if (id === undefined) return null;
    const cached = this.cache[id];
    if (cached && cached.generation === this.generation) return cached;
    const fresh = this.score(this.postings[id]!);
    this.cache[id] = fresh;
    return fresh;
  }

  private score(list: Postings): ScoredPostings {
    const idf = this.idfOf(list.length);
    const avg = FIELDS.map((f) => (this.alive > 0 ? this.totalLength[f] / this.alive : 1) || 1);
    const p = FIELDS.map((f) => PARAMS[f]);
    const len = FIELDS.map((f) => this.lengths[f]);
    const scores = new Float32Array(list.length);
    const named = new Uint8Array(list.length);
    const nameMask =
      (((1 << PARAMS.title.bits) - 1) << PARAMS.title.shift) |
      (((1 << PARAMS.keywords.bits) - 1) << PARAMS.keywords.shift);
    for (let i = 0; i < list.length; i++) {
      const doc = list.docs[i]!;
      if (this.docs[doc] === null) {
        scores[i] = -1;
        continue;
      }
      const packed = list.counts[i]!;
      if (packed & nameMask) named[i] = 1;
      let tf = 0;
      for (let f = 0; f < 4; f++) {
        const params = p[f]!;
        const count = (packed >>> params.shift) & ((1 << params.bits) - 1);
        if (count === 0) continue;
        const norm = 1 - params.b + (params.b * len[f]![doc]!) / avg[f]!;
        tf += (params.weight * count) / norm;
      }
      scores[i] = (idf * tf) / (K1 + tf);
    }
    return { docs: list.docs, scores, named, length: list.length, generation: this.generation };
  }

  /** Number of document slots, live or removed: the length a per-document array needs. */
  get slots(): number {
    return this.docs.length;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.postings.length;
      this.termIds.set(term, id);
      this.postings.push(new Postings());
      this.fieldsOf.push(0);
    }
    return id;
  }
}
