// The worker requests and progress fields of the seed-idea panels (web/ideas.js): the n-gram
// yardstick, the test split, cross-entropy against MSE, padding, one context with many targets and
// the sparse row strip. protocol.js lists them with the rest.

export const IDEA_REQUESTS = Object.freeze({
  yardstick: {
    fields: [],
    reply: '{order, valid_perplexity, test_perplexity, notice}: interpolated Kneser-Ney (settings ngram_order) '
      + 'counted on the training split; perplexities null when nothing is held out; notice: the run\'s message '
      + 'when the text was too small to split (empty otherwise)',
  },
  evaluateTest: {
    fields: [],
    reply: '{loss, perplexity, accuracy, top5, examples} on the test sentences',
  },
  compare: {
    fields: [],
    reply: '{loss}: a twin of the run with the other loss (MSE for cross-entropy, cross-entropy for MSE) from the '
      + 'same initial weights trains the same batches: in lockstep while the run trains, on its own (in time '
      + 'slices, `twin` events) up to the run\'s step while it is paused or finished; progress events carry its '
      + 'figures as `twin` too. Errors when the run is not a next-word run being trained',
  },
  predictTwin: {
    fields: ['context', 'k'],
    reply: '{loss, predictions: [{word, probability}]} from the twin, or null without one',
  },
  nextWordCounts: {
    fields: ['context', 'n'],
    reply: '{context: [tokens used], total, distinct, counts: [{word, count}]}: what follows the context in the '
      + 'training examples ("" = a sentence start, all <pad>)',
  },
  suggestContext: {
    fields: [],
    reply: '{context, occurrences, distinct}: a context followed by many different words in training, or {context: null}',
  },
});

// The twin's figures, as progress events carry them (`twin`) and `twin` events push them while it trains
// on its own: {step, target (the run's step), epoch, train_loss, last_batch_loss, finished, diverged,
// caught_up (nothing left to train up to the run's step), evaluations: [{epoch, perplexity, accuracy, top5,
// ...}] not yet sent}, or {error} when the comparison stopped on an error.
//
// Progress fields the ideas add: twin (above) when comparing; rows {rows: [id], changes: [norm]} of the last batch.
export const IDEA_PROGRESS = Object.freeze(['twin', 'rows']);

// Events the ideas push (type 'twin'): {twin} while the twin catches up with a paused or finished run.
export const IDEA_EVENTS = Object.freeze(['twin']);
