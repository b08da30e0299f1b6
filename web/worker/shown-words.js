// The words a map request is about (protocol.js: the fields n and only): the n most frequent, or
// those of them that match the search `only` (search.js), resolved to vocabulary ids once per source
// of vectors and per selection.
import { readSearch } from '../shared/search.js';
import { parse } from './engine.js';

export class ShownWords {
  constructor(engine) {
    this.engine = engine;
    this.cache = null;   // {n, only, shown}: the last selection resolved, for this source of vectors
  }

  // {key (the words joined), ids: Int32Array | null (null: all n), words, counts, pool: n}. Throws
  // for an invalid search or one that matches nothing.
  resolve(n, only = '') {
    const c = this.cache;
    if (c && c.n === n && c.only === only) return c.shown;
    const pool = parse(this.engine.workspace.words(n));
    const search = readSearch(only);
    let shown;
    if (!search) {
      shown = { key: pool.words.join('\n'), ids: null, words: pool.words, counts: pool.counts, pool: pool.words.length };
    } else {
      if (search.error) throw new Error(search.error);
      const at = [];
      pool.words.forEach((w, i) => { if (search.test(w)) at.push(i); });
      if (at.length === 0) throw new Error(`no word among the ${pool.words.length} most frequent matches “${only.trim()}”`);
      const words = at.map((i) => pool.words[i]);
      shown = {
        key: words.join('\n'), ids: Int32Array.from(at, (i) => pool.ids[i]), words, counts: at.map((i) => pool.counts[i]), pool: pool.words.length,
      };
    }
    this.cache = { n, only, shown };
    return shown;
  }

  // What the module takes as the selection: n, or the chosen ids (a copy: embind reads it).
  static selection(n, shown) {
    return shown.ids ? shown.ids.slice() : n;
  }

  // A new source of vectors: its words are resolved afresh.
  clear() {
    this.cache = null;
  }
}
