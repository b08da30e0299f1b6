// The worker protocol: every message between the page (page/main.js, through page/worker-link.js)
// and the training worker (worker/main.js), in one place. The page asks with a request and gets
// exactly one reply; the worker also pushes progress events while it trains. The tests read the
// same tables.
//
//   page -> worker   {type: <request>, id, ...fields}
//   worker -> page   {type: 'reply', id, ok: true, result}      one per request
//                    {type: 'reply', id, ok: false, error}      error: a message for the user
//                    {type: 'progress', ...}                    pushed while training (see PROGRESS)
//                    {type: 'frame', frame}                     t-SNE settling (see EVENTS)
//                    {type: 'twin', twin}                       the twin catching up (see TWIN)
//                    {type: 'itemsEval', itemsEval}             the recommenders' evaluation (see ITEMS EVAL)
//                    {type: 'sentences', status}                units of text being built (see SENTENCES)
//                    {type: 'encoder', ...}                     the sentence encoder training (see ENCODER)
//                    {type: 'fatal', error}                     the module could not be loaded, or
//                                                               training failed: the page replaces the
//                                                               worker and loads the last saved model

// Every request the page may send: its fields, and what the reply's `result` holds.
// The map's words are named by two fields, `n` and `only`: the n most frequent words (only ''), or
// those of them that match the search `only` (a substring, or /regex/flags, read by search.js):
// "map only these". A search that is invalid or matches nothing is an error; so are too few words
// for the projection (PCA at least 3, t-SNE at least 4 and its perplexity below (words - 1) / 3)
// and chosen words whose vectors are all the same.
export const REQUESTS = Object.freeze({
  // The seed-idea panels (page/ideas.js, worker/ideas.js): the n-gram yardstick, the test split,
  // cross-entropy against MSE, padding, one context with many targets.
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
  init: {
    fields: [],
    reply: 'the module\'s schemas, each [{name, type, min, max, default, choices?, hint}]: nextword (the settings), '
      + 'word2vec (its options), item2vec (its options), tsne (t-SNE\'s options), kmeans (k-means\'s options); '
      + 'and threads: 2 when the worker runs the threaded module (a cross-origin isolated page), else 1',
  },
  countTokens: {
    fields: ['text', 'tokenizer'],
    reply: '{tokens, sentences, too_small, suggested: {nextword, word2vec}}: what a run would read in the text with '
      + 'the tokenizer settings {lowercase, keep_punctuation, han_bigrams} (the TEXT panel\'s word count: the same rule '
      + 'as the run\'s stats), whether that is under 10,000 tokens, and the settings chosen for that size '
      + '(src/suggested_settings.cpp): {name: value} of each model\'s table, only those the rule chooses',
  },
  start: {
    fields: ['text', 'settings'],
    reply: 'stats {sentences, tokens, types, vocab, train_examples, valid_examples, oov_tokens}; '
      + 'error when the text or settings cannot be trained. Replaces any previous run.',
  },
  word2vec: {
    fields: ['text', 'options'],
    reply: 'stats as for start (train_examples: words per epoch; nothing held out); a word2vec run '
      + '(options as word2vecSchema, with model: skipgram | cbow) replaces any previous run',
  },
  items: {
    fields: ['data', 'format', 'options'],
    reply: 'stats as for start (sentences: the sequences trained, one per user or basket; tokens: events; types: items; '
      + 'train_examples: items read per epoch; nothing held out) and items: {users, items, events, baskets, rows, '
      + 'repeats_dropped, named, time_column, basket_column, name_column}. item2vec (options as item2vecSchema) on '
      + 'data, an events CSV (format events: a header naming user and item, and optionally time, basket, value and '
      + 'name columns) or baskets (format baskets: one per line); replaces any previous run. Errors name the line. The '
      + 'map\'s words are then the items\' names',
  },
  recommend: {
    fields: ['user', 'k'],
    reply: '{user, items, baskets, recent: [item names, newest first, at most 10], model, recommendations: [{item, key, '
      + 'score, because}]}: the k items the user has not taken that the current vectors (with item kNN when '
      + 'knn_weight > 0) score highest, each with the item of theirs behind it (because: a name, or null). Errors for '
      + 'an unknown user, or without an item2vec run',
  },
  randomUser: {
    fields: ['seed'],
    reply: '{user}: a user with at least two items, drawn with the seed (the same seed, the same user)',
  },
  users: {
    fields: ['prefix', 'limit'],
    reply: '{users: [keys], matches}: the first `limit` users whose key starts with prefix, in file order, and how many match',
  },
  itemsEval: {
    fields: ['models'],
    reply: '{ok, splits: [{split, cases, skipped_short, skipped_repeat}]}; the recommenders\' evaluation (models: '
      + 'popularity, knn, item2vec, item2vec+knn; both splits, last-item and last-invoice; item2vec trained per split '
      + 'with the options tuned for it and the run\'s changes from the defaults) then runs in slices, and itemsEval '
      + 'events (see EVENTS) carry its rows as they come. Replaces an evaluation under way',
  },
  itemsEvalStop: {
    fields: [],
    reply: 'null; the evaluation under way stops (a new source of vectors stops it too)',
  },
  play: {
    fields: [],
    reply: 'progress (the state when the loop started); progress events follow until paused, finished or diverged',
  },
  pause: {
    fields: [],
    reply: 'progress where the loop stopped (with the loss points not yet sent), or null before any training',
  },
  step: {
    fields: [],
    reply: 'progress after one batch (pauses a running loop first)',
  },
  reset: {
    fields: [],
    reply: 'null; the run is gone',
  },
  watch: {
    fields: ['n', 'only'],
    reply: 'null; from now on progress events at epoch ends (and every ~500 ms) carry a map frame of the words n, only '
      + 'name (n 0 = none)',
  },
  snapshot: {
    fields: ['n', 'only'],
    reply: '{words, counts, coords: Float32Array(dims * m) (buffer transferred), dims: 2 | 3, projection: pca | axes, '
      + 'explained: [fx, fy(, fz)] (pca), axes (axes: as the projection request\'s reply), pool: n, only} for the m '
      + 'words n, only name (only: the search mapped, \'\' for all n), made as the last projection request asked '
      + '(PCA in 2D or 3D, or the words on two semantic axes); a t-SNE frame when t-SNE runs on these words. '
      + 'The PCA is turned to match the last frame of the same words (the page draws it as it comes); fx, fy, fz: the '
      + 'shares of the words\' spread along its axes',
  },
  neighbors: {
    fields: ['word', 'k', 'metric', 'table'],
    reply: '{word, metric, table, neighbors: [{word, similarity, distance}]}: metric cosine (most similar first) or '
      + 'euclidean (closest first); table input (the word vectors) or output (each word\'s row of the output layer: '
      + 'the next-word model\'s softmax, word2vec\'s context vectors; an error where there is none)',
  },
  analogy: {
    fields: ['a', 'b', 'c', 'k', 'method'],
    reply: '{words: [a, b, c] as read, method, answers: [{word, score}]}: a - b + c (king - man + woman ~ queen), '
      + 'method 3CosAdd | 3CosMul, best first, the three input words never among them',
  },
  oddOneOut: {
    fields: ['words'],
    reply: '{words: as read, distances: [each word\'s cosine distance to the centroid of the others, on unit vectors], '
      + 'odd: the farthest word, odd_index}; words: 4 to 6 typed words (spaces or commas). Errors name the words not '
      + 'in the vocabulary, or say how many words to type',
  },
  collapse: {
    fields: [],
    reply: '{mean_cosine, words, collapsed}: the mean cosine over all pairs of the 300 most frequent words\' vectors, '
      + 'collapsed when above 0.9 (they all point one way)',
  },
  clusters: {
    fields: ['n', 'only', 'k', 'seed', 'previous'],
    reply: '{words, assignment: Int32Array(m) (buffer transferred), central: [[word]] per cluster, sizes}: k-means of the '
      + 'vectors of the m words n, only name (snapshot order), on unit-length vectors. Without previous, seeded '
      + 'k-means++ (the same vectors give the same clusters), numbered by each cluster\'s first (most frequent) word; '
      + 'with previous {words, assignment} (the map while training), Lloyd starts from those groups, so clusters '
      + 'keep their numbers as the vectors drift (either way the page matches them to its colours, cluster-match.js)',
  },
  projection: {
    fields: ['projection', 'n', 'only', 'options'],
    reply: 'pca: null (frames are PCA again, in options.dimensions 2 | 3). tsne: {ok, n, warm, learning_rate}; the '
      + 'worker then runs t-SNE of the words n, only name (a copy of their vectors; options {perplexity, '
      + 'learning_rate, iterations, dimensions: 2 | 3}) in steps between training chunks and pushes frame events '
      + 'until it is done, then PCA in the same dimensions. axes: {axes: {x, y: {positive, negative, pairs, '
      + 'label_positive, label_negative}, cosine (between x and y as written), orthogonal}}: from now on frames place '
      + 'the words on two semantic axes (options {x, y, orthogonal}: each axis pairs "he-she, man-woman" or sets '
      + '"{rich wealthy} - {poor needy}"; each word at its cosine with x and with y, y made orthogonal to x unless '
      + 'orthogonal is false). An error (perplexity too large for the words, too few words, no spread; an axis '
      + 'with words not in the vocabulary, fewer than two words a side, no direction) leaves the projection as it was',
  },
  tsnePause: {
    fields: ['paused'],
    reply: '{paused, iteration, iterations, done}: paused true stops the t-SNE running between two slices, false goes on '
      + 'from the same iteration (the module keeps its layout, momentum and gains: the same layout as without the pause); '
      + 'a t-SNE done is never paused. Errors when no t-SNE runs',
  },
  predict: {
    fields: ['context', 'k'],
    reply: '{context: [tokens used], predictions: [{word, probability}]}',
  },
  evaluate: {
    fields: [],
    reply: '{loss, perplexity, accuracy, top5, examples} on the held-out sentences',
  },
  save: {
    fields: [],
    reply: '{json}: the model as JSON text',
  },
  load: {
    fields: ['json'],
    reply: '{ok, vocab, settings}: the loaded model replaces the run; it can be explored, not trained',
  },
  importBegin: {
    fields: ['format', 'maxWords'],
    reply: 'null; a vectors file will come in chunks (format: auto | glove | word2vec | word2vec-bin | tsv; '
      + 'keep the first maxWords words, 1..200000). Pauses training; the run stays until importFinish succeeds',
  },
  importChunk: {
    fields: ['bytes'],
    reply: '{kept, done}: bytes is an ArrayBuffer (transfer it); done once maxWords are kept (send one more '
      + 'chunk, if the file has one, so the reply to importFinish can say it was cut). Error "line N: ..." ends the import',
  },
  importMetadata: {
    fields: ['bytes'],
    reply: 'null; the words of TSV vectors (the Projector\'s metadata.tsv), an ArrayBuffer',
  },
  importFinish: {
    fields: [],
    reply: '{ok, words, dim, duplicates, first_duplicate, truncated, skipped, format}: the vectors replace the '
      + 'run; they can be explored, not trained. Errors name the line',
  },
  export: {
    fields: ['format'],
    reply: '{bytes: Uint8Array (buffer transferred)}: the current vectors as glove | word2vec | word2vec-bin | '
      + 'tsv | tsv-metadata',
  },
  timeline: {
    fields: ['n', 'only'],
    reply: '{words, counts, epochs: [kept epochs, 0 = the random initialisation], coords: Float32Array(epochs.length '
      + '* 2m) (buffer transferred; frame f at f * 2m, m = words.length), missing, keptWords, bytes, capBytes}: the PCA '
      + 'of each kept snapshot of the shown words (n, only) that the snapshots hold (the keptWords most frequent); '
      + 'missing: the shown words they do not hold. The newest frame is aligned to the live map and each older one '
      + 'to the next. Empty epochs for opened vectors and loaded models',
  },
  evalRun: {
    fields: [],
    reply: '{words, analogy_words, analogies: {sections: [score], semantic, syntactic, all}, wordsim353, simlex999}; '
      + 'score {name, total, covered, correct, accuracy, coverage}; the similarity sets {spearman, total, covered, '
      + 'coverage}. The worker fetches eval/*.txt on first use',
  },
  // Units of text (the Sentences view; worker/sentences.js): the text's sentences or paragraphs, or a
  // documents file, split, indexed and pooled from the current vectors in time slices. Each request
  // that starts work replies at once; 'sentences' events tell how it goes (see SENTENCES).
  unitsOpen: {
    fields: ['text', 'kind'],
    reply: 'null; units of the text (kind sentences | paragraphs) are built, then pooled. The units there were '
      + 'answer until the new ones are indexed; a text without units keeps them (the event\'s error says why)',
  },
  unitsDocumentsBegin: {
    fields: ['format', 'field'],
    reply: 'null; a documents file will come in chunks: format lines | jsonl | csv; field: the JSON field or the CSV '
      + 'column (a header name, or a number from 1) holding the text, \'\' for the default (text, or column 1)',
  },
  unitsDocumentsChunk: {
    fields: ['bytes'],
    reply: '{bytes}: received so far; bytes an ArrayBuffer (transfer it). At most 512 MB in all',
  },
  unitsDocumentsFinish: {
    fields: [],
    reply: 'null; the file\'s units are built, then pooled (errors name the line; the units there were stay)',
  },
  unitsPooling: {
    fields: ['pooling', 'stopwords'],
    reply: 'null; units are pooled again: pooling mean | max | mean+max | sif (mean with SIF weights a/(a+p(w)), the '
      + 'first principal component removed), stopwords left out when true',
  },
  unitsStatus: {
    fields: [],
    reply: 'SENTENCES status: {units (0 before any), tokens, terms, pooled, fresh (pooled since the vectors last '
      + 'moved), with_vector, pooling, dim, memory: {text_index, vectors} in bytes, heap (the module\'s memory in bytes)}',
  },
  unitSearch: {
    fields: ['query', 'method', 'k'],
    reply: '{method, hits: [{unit, id, line, score, embedding (cosine), bm25, parts, known, words}], words, stopwords, '
      + 'no_vector, no_unit, notice, ms (the module\'s time)}: the top k units by embedding | bm25 | hybrid (z-scored, 0.3 embedding + 0.7 '
      + 'BM25); parts: the text in pieces, every second one (from the second) a query word to mark; known/words: '
      + 'the unit\'s coverage. Errors: no units, a query of stopwords only, no word with a vector (embedding)',
  },
  unitNearest: {
    fields: ['unit', 'k'],
    reply: '{unit, id, parts, known, words, hits: [{unit, id, line, score (cosine), parts, known, words}]}: the k units '
      + 'nearest a unit by the cosine of their pooled vectors',
  },
  unitCompare: {
    fields: ['a', 'b'],
    reply: '{cosine, pooling, with_units, a: [{word, contribution, count}], b, a_unknown, b_unknown}: two typed texts '
      + 'pooled as the units are (with their weights when units are pooled, else the two alone); each side\'s '
      + 'contributions sum to the cosine',
  },
  unitMap: {
    fields: ['max'],
    reply: '{of: \'units\', units: Int32Array(n), coords: Float32Array(2n), explained, texts, known: Int32Array(n), '
      + 'words: Int32Array(n), withVector, projection} (buffers transferred): PCA of at most max units (an even '
      + 'sample of those with a vector), turned to the last unit frame; t-SNE\'s latest layout while it runs on them',
  },
  unitClusters: {
    fields: ['units', 'k', 'seed'],
    reply: '{assignment: Int32Array(n) (buffer transferred), labels: [[word]] per cluster, sizes}: k-means of the '
      + 'units (the map\'s), labelled by their most distinctive words (log-odds against the other units)',
  },
  unitProjection: {
    fields: ['projection', 'units', 'options'],
    reply: 'pca: null. tsne: {ok, n, warm, learning_rate}; then frame events ({of: \'units\', units, coords, ...}) '
      + 'as t-SNE of the units settles (one t-SNE at a time: a word map\'s t-SNE is dropped)',
  },
  sentenceEvalRun: {
    fields: [],
    reply: '{sts: {pairs, rows: [{pooling, stopwords, spearman, covered, coverage}], tfidf: [{stopwords, spearman}]}, '
      + 'ir: {documents, queries, pooling, rows: [{method, ndcg10, recall100}]}}: STS Benchmark test (the pairs '
      + 'shipped in sts/) and Cranfield (ir/cranfield/) with the current vectors; fetched on first use',
  },
  // The sentence encoder (page/encoder-panel.js, worker/encoder.js): a small Transformer trained on
  // the text beside the word vectors, with its own Play, Pause and Step.
  encoderStart: {
    fields: ['text', 'options', 'lines'],
    reply: '{sentences, tokens, types, oov_tokens, cut, vocab, phases: [mlm | simcse], map (sentences on the map), dev '
      + '(true, or why there is no STS-B dev curve)}: a new encoder run on the text (options: encoderSchema() fields; '
      + 'lines: one sentence per line); the run there was stays when this one cannot start',
  },
  encoderPlay: {
    fields: [],
    reply: 'null; the run trains in time slices, telling the page by encoder events (see ENCODER)',
  },
  encoderPause: {
    fields: [],
    reply: 'an ENCODER event\'s fields (with sts and map) when it was playing, else null',
  },
  encoderStep: {
    fields: [],
    reply: 'an ENCODER event\'s fields (with sts and map) after one batch',
  },
  encoderPooling: {
    fields: ['pooling'],
    reply: 'the sentence map by cls | mean | max pooling ({coords, explained, texts, pooling}), or null before a run',
  },
  encoderAttention: {
    fields: ['text'],
    reply: '{tokens: [T] ([CLS] then the words as read), known: [T] (false: read as <unk>), layers, heads, weights: '
      + 'Float32Array(L*H*T*T) (buffer transferred; [((l*H + h)*T + i)*T + j]: query i\'s weight on key j, rows sum to 1)}',
  },
});

// Fields of a progress event (type 'progress'): the module's step() result plus what the worker adds.
export const PROGRESS = Object.freeze([
  'epoch', 'step', 'epoch_position', 'epoch_size', 'epochs', 'train_loss', 'last_batch_loss',
  'tokens_per_sec', 'epoch_end', 'finished', 'diverged',
  'lr',                // the learning rate of the last step, as the schedule set it (word2vec: its linear decay)
  'stopped_early',     // early stopping ended the run: `patience` epochs did not beat best_epoch's validation perplexity
  'best_epoch',        // with early stopping (patience > 0): the epoch of the best validation perplexity so far,
                       // whose weights a finished run keeps; 0 without early stopping
  'train_speed',       // examples per second of time inside step() since the previous event
  'chunk_loss',        // mean training loss over the examples since the previous event
  'loss_points',       // [[epoch as a fraction, mean loss of one step() call], ...] since the previous event
  'examples_per_sec',  // wall-clock rate of the loop, smoothed
  'seconds_left',      // estimate for the remaining epochs, or null
  'evaluation',        // {loss, perplexity, accuracy, top5, examples} when an epoch ended, else absent
  'frame',             // a snapshot reply (see REQUESTS.snapshot) when watched, else absent
  'playing',           // whether the loop goes on after this event
  'twin',              // the twin's figures (see TWIN) while comparing, else absent
  'rows',              // {rows: [id], changes: [norm]}: the embedding rows the last batch changed (next-word runs)
]);

export const EVENTS = Object.freeze(['reply', 'progress', 'fatal', 'frame', 'twin', 'sentences', 'itemsEval', 'encoder']);
// A frame event (type 'frame') carries {frame}: a snapshot reply with projection 'tsne', dims, iteration,
// iterations and done, pushed while t-SNE settles (coords' buffer transferred; words and counts in
// the job's first frame only, null after it: the same words); {projection: 'pca',
// dropped: true} when t-SNE stopped with its source of vectors; {projection: 'tsne', error} when it failed.
//
// TWIN: the twin's figures, as progress events carry them (`twin`) and twin events (type 'twin',
// {twin}) push them while it catches up with a paused or finished run on its own: {step, target (the
// run's step), epoch, train_loss, last_batch_loss, finished, diverged, stopped_early, best_epoch (its own
// early stopping, as in PROGRESS), caught_up (nothing left to
// train up to the run's step), evaluations: [{epoch, perplexity, accuracy, top5, ...}] not yet
// sent}, or {error} when the comparison stopped on an error.
//
// SENTENCES: a sentences event ({type: 'sentences', status}) while units are built or pooled: the
// unitsStatus fields and {phase: splitting | indexing | pooling | ready, done, total (bytes split,
// units indexed or pooled), replaced (new units are in), pooled (a pooling finished), busy (more
// to do), next (the phase of the next step), error (the units being built could not be read, or null)}.
//
// ITEMS EVAL: an itemsEval event (type 'itemsEval', {itemsEval}) every ~250 ms while the
// recommenders' evaluation runs, and one when it is done: {splits, rows: [{split, model, label,
// hit_rate, ndcg, cases, seconds, details}], stage, fraction (0..1), done}, or {error, done: true}.
// ENCODER: an encoder event ({type: 'encoder', ...}) while the sentence encoder trains: {progress (the
// module's encoderStep() result: phase, phase_index, phases, epoch, epochs, step, phase_step,
// phase_steps, epoch_position, epoch_size, examples, tokens, loss_sum, loss_count, lr, grad_norm,
// tokens_per_sec, epoch_end, phase_end, finished, diverged), points: [[step, mean loss of one call,
// phase]] since the last event, playing}, now and then with sts ({step, pairs, cls, mean, max}: STS-B
// dev Spearman, or {error}) and map ({coords: Float32Array(2n) (buffer transferred), explained, texts,
// pooling}); or {error, playing: false} when training failed.

// Returns an error message for a malformed request, or null.
export function checkRequest(msg) {
  if (!msg || typeof msg !== 'object') return 'a request must be an object';
  const spec = REQUESTS[msg.type];
  if (!spec) return `unknown request type "${msg.type}"`;
  if (!Number.isInteger(msg.id)) return `request "${msg.type}" has no integer id`;
  for (const f of spec.fields) {
    if (!(f in msg)) return `request "${msg.type}" lacks the field "${f}"`;
  }
  return null;
}

// Page side: wraps a Worker so that `call(type, fields)` returns a promise of the reply's result.
// A reply with ok=false rejects with an Error whose message is for the user.
export function createClient(worker, { onProgress, onFatal, onTraffic, onFrame, onTwin, onSentences, onItemsEval, onEncoder } = {}) {
  let nextId = 1;
  const pending = new Map();  // id -> {resolve, reject, type}
  worker.addEventListener('message', (e) => {
    const msg = e.data;
    if (onTraffic) onTraffic('in', msg.type === 'reply' ? pending.get(msg.id)?.type ?? 'reply' : msg.type);
    if (msg.type === 'reply') {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(Object.assign(new Error(msg.error), { userFacing: true }));
    } else if (msg.type === 'progress') {
      if (onProgress) onProgress(msg);
    } else if (msg.type === 'frame') {
      if (onFrame) onFrame(msg.frame);
    } else if (msg.type === 'twin') {
      if (onTwin) onTwin(msg.twin);
    } else if (msg.type === 'sentences') {
      if (onSentences) onSentences(msg.status);
    } else if (msg.type === 'itemsEval') {
      if (onItemsEval) onItemsEval(msg.itemsEval);
    } else if (msg.type === 'encoder') {
      if (onEncoder) onEncoder(msg);
    } else if (msg.type === 'fatal') {
      if (onFatal) onFatal(msg.error);
    }
  });
  function call(type, fields = {}, transfer = []) {
    const id = nextId++;
    const msg = { type, id, ...fields };
    const problem = checkRequest(msg);
    if (problem) return Promise.reject(new Error(problem));
    if (onTraffic) onTraffic('out', type);
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, type });
      worker.postMessage(msg, transfer);
    });
  }
  // Rejects everything still waiting (the worker died).
  function failAll(message) {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  }
  return { call, failAll };
}

// Worker side: dispatches requests to `handlers[type](msg)` (sync or async). A handler returns the
// result, or {result, transfer} via `withTransfer`; a thrown Error becomes {ok: false, error}.
export function serve(scope, handlers) {
  scope.addEventListener('message', async (e) => {
    const msg = e.data;
    const problem = checkRequest(msg);
    if (problem) {
      scope.postMessage({ type: 'reply', id: msg?.id ?? -1, ok: false, error: problem });
      return;
    }
    try {
      let result = await handlers[msg.type](msg);
      let transfer = [];
      if (result instanceof Transferable) ({ result, transfer } = result);
      scope.postMessage({ type: 'reply', id: msg.id, ok: true, result }, transfer);
    } catch (err) {
      scope.postMessage({ type: 'reply', id: msg.id, ok: false, error: String(err?.message ?? err) });
    }
  });
}

class Transferable {
  constructor(result, transfer) { this.result = result; this.transfer = transfer; }
}

// A handler result whose buffers move to the page instead of being copied.
export function withTransfer(result, transfer) {
  return new Transferable(result, transfer);
}
