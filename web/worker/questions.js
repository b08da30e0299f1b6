// The questions the page asks about the current vectors: neighbours, analogies, the odd one out,
// k-means of the shown words, next-word predictions and the held-out figures. Each is one call into
// the module.
import { withTransfer } from '../shared/protocol.js';
import { parse } from './engine.js';
import { ShownWords } from './shown-words.js';

// The request handlers (protocol.js) for `engine`'s workspace; shown: the map's words (shown-words.js).
export function questionHandlers(engine, shown) {
  const workspace = () => { engine.requireModel(); return engine.workspace; };
  return {
    neighbors: ({ word, k, metric, table = 'input' }) => parse(workspace().neighborsBy(word, k, metric, table)),
    analogy: ({ a, b, c, k, method }) => parse(workspace().analogy(a, b, c, k, method)),
    oddOneOut: ({ words }) => parse(workspace().oddOneOut(String(words))),
    collapse: () => parse(workspace().collapse()),
    predict: ({ context, k }) => parse(workspace().predict(context, k)),
    evaluate: () => parse(workspace().evaluate()),
    clusters: ({ n, only, k, seed, previous }) => {
      const s = workspace();
      const words = shown.resolve(n, only);
      let start;  // the previous clustering, word by word in the shown order (-1: a word it did not have)
      if (previous) {
        const clusterOf = new Map(previous.words.map((w, i) => [w, previous.assignment[i]]));
        start = Int32Array.from(words.words, (w) => clusterOf.get(w) ?? -1);
      }
      const r = parse(s.kmeans(ShownWords.selection(n, words), k, seed, start));
      return withTransfer({ words: words.words, assignment: r.assignment, central: r.central, sizes: r.sizes }, [r.assignment.buffer]);
    },
  };
}
