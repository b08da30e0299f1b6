// The training worker: loads the WebAssembly module (engine.js) and answers the page's requests
// (protocol.js). One source of vectors at a time: a run trained in time slices (run-loop.js), a
// loaded model or an opened vectors file (files.js); the map's frames and timeline (frames.js),
// t-SNE (tsne-job.js), questions about the vectors (questions.js), the seed ideas' twin (ideas.js),
// the units of text (sentences.js) and, for item2vec, the users' recommendations and the evaluation
// (items.js) all read it; the sentence encoder (encoder.js) trains beside it in the same workspace.
// This file only wires them together.
/* global importScripts */
import { serve } from '../shared/protocol.js';
import { Engine, MODULE_SCRIPT, parse } from './engine.js';
import { EncoderJob } from './encoder.js';
import { VectorFiles } from './files.js';
import { MapFrames } from './frames.js';
import { Ideas } from './ideas.js';
import { ItemsQuestions } from './items.js';
import { questionHandlers } from './questions.js';
import { RunLoop } from './run-loop.js';
import { Sentences } from './sentences.js';
import { ShownWords } from './shown-words.js';
import { TimeSlicer } from './time-slicer.js';
import { TsneJob } from './tsne-job.js';

// The module with WebAssembly threads needs shared memory, which a page only gets when it is
// cross-origin isolated (the service worker's headers, web/page/sw.js, from the second visit on);
// elsewhere the one-thread module. Both train to the same bits (src/parallel.h).
importScripts(MODULE_SCRIPT);

const post = (event, transfer = []) => self.postMessage(event, transfer);
const engine = new Engine();
const slicer = new TimeSlicer();
const shown = new ShownWords(engine);
const tsne = new TsneJob({
  engine, shown, slicer, post,
  onLayout: (key, coords, dims, of) => (of === 'units' ? sentences.remember(coords) : frames.remember(key, coords, dims)),
});
const frames = new MapFrames({ engine, shown, tsne });
const ideas = new Ideas({ engine, post, slicer, training: () => loop.playing });
const sentences = new Sentences({ engine, slicer, post, tsne });
const loop = new RunLoop({ engine, frames, ideas, slicer, post, newSource, vectorsMoved: () => sentences.vectorsMoved() });
const files = new VectorFiles({ engine, stop: () => loop.stop(), opened });
const items = new ItemsQuestions({ engine, slicer, post });
const encoder = new EncoderJob({ engine, slicer, post });

// A new source of vectors (a run, a loaded model, opened vectors, nothing): its t-SNE, resolved map
// words, timeline and comparison belong to the old one.
function newSource() {
  items.stop();
  tsne.stop();
  shown.clear();
  frames.clear();
  ideas.reset();
  sentences.newSource();
}

// A model or a vectors file became the source: it can be explored, not trained.
function opened(kind) {
  newSource();
  engine.became(kind, false);
  loop.forget();
}

serve(self, {
  init: () => engine.init().catch((err) => {
    post({ type: 'fatal', error: `The WebAssembly module failed to load: ${err?.message ?? err}` });
    throw err;
  }),
  countTokens: ({ text, tokenizer }) => {
    engine.requireModule();
    return parse(engine.module.countTokens(text, JSON.stringify(tokenizer)));
  },
  start: (m) => loop.start(m),
  word2vec: (m) => loop.word2vec(m),
  items: (m) => loop.items(m),
  play: () => loop.play(),
  pause: () => loop.pause(),
  step: () => loop.step(),
  reset: () => {
    loop.stop();
    encoder.stop();
    encoder.forget();
    engine.close();
    newSource();
    loop.forget();
    return null;
  },
  watch: (m) => frames.watch(m),
  snapshot: (m) => frames.snapshot(m),
  timeline: (m) => frames.timeline(m),
  projection: ({ projection, n, only, options }) => {
    engine.requireModel();
    if (projection === 'pca') {
      frames.usePca(options?.dimensions ?? 2);
      if (tsne.of === 'words') tsne.stop();
      return null;
    }
    if (projection === 'axes') {
      const reply = frames.useAxes({ n, only, axes: options });  // throws: the axes cannot be read
      if (tsne.of === 'words') tsne.stop();
      return reply;
    }
    if (projection !== 'tsne' && projection !== 'umap') throw new Error('projection must be pca, tsne, umap or axes');
    const reply = tsne.start({ n, only, options, method: projection });
    frames.usePca(options?.dimensions ?? 2);  // when t-SNE stops: PCA in its dimensions
    return reply;
  },
  tsnePause: ({ paused }) => tsne.pause(Boolean(paused)),
  ...questionHandlers(engine, shown),
  ...ideas.handlers(),
  ...items.handlers(),
  save: () => files.save(),
  load: (m) => files.load(m),
  importBegin: (m) => files.importBegin(m),
  importChunk: (m) => files.importChunk(m),
  importMetadata: (m) => files.importMetadata(m),
  importFinish: () => files.importFinish(),
  export: (m) => files.export(m),
  evalRun: () => files.evalRun(),
  unitsOpen: (m) => sentences.open(m),
  unitsDocumentsBegin: (m) => sentences.documentsBegin(m),
  unitsDocumentsChunk: (m) => sentences.documentsChunk(m),
  unitsDocumentsFinish: () => sentences.documentsFinish(),
  unitsPooling: (m) => sentences.pooling(m),
  unitsStatus: () => sentences.status(),
  unitSearch: (m) => sentences.search(m),
  unitNearest: (m) => sentences.nearest(m),
  unitCompare: (m) => sentences.compare(m),
  unitMap: (m) => sentences.map(m),
  unitClusters: (m) => sentences.clusters(m),
  unitProjection: (m) => sentences.projection(m),
  sentenceEvalRun: () => sentences.evalRun(),
  encoderStart: (m) => encoder.start(m),
  encoderPlay: () => encoder.play(),
  encoderPause: () => encoder.pause(),
  encoderStep: () => encoder.step(),
  encoderPooling: (m) => encoder.setPooling(m),
  encoderAttention: (m) => encoder.attention(m),
});
