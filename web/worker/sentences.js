// Units of text in the worker: the text's sentences or paragraphs, or a documents file sent in
// chunks, split, indexed and pooled by the workspace in time slices (time-slicer.js), so that the
// worker keeps answering while 100,000 paragraphs open; then the questions the Sentences view asks
// (search, nearest units, compare, the unit map and its clusters, t-SNE of the units through the
// t-SNE job) and the sentence tests (STS Benchmark, Cranfield), fetched beside the page on first use.
//
// When are units pooled? At once for a new source of vectors (a run, a model, a vectors file), and,
// while a run trains, again at each epoch's end and whenever training comes to rest (pause, finish,
// Step): vectorsMoved(). Between two poolings the units keep the vectors of the last one.
import { withTransfer } from '../shared/protocol.js';
import { parse } from './engine.js';
import { ShippedSets } from './shipped-sets.js';
import { SliceBudget } from './time-slicer.js';

const UNITS_MS = 25;       // work per slice
const EVENT_MS = 150;      // at most one 'sentences' event this often while a job runs (plus its end)
// The sentence tests, copied beside the page by web/build.mjs: the module's name for each, its file.
const TESTS = [
  ['sts', 'sts/sts-test.tsv'],
  ['cranfield-documents', 'ir/cranfield/documents.jsonl'],
  ['cranfield-queries', 'ir/cranfield/queries.jsonl'],
  ['cranfield-qrels', 'ir/cranfield/qrels.tsv'],
];

// The t-SNE job's name for a set of units.
const unitsKey = (units) => `units:${Array.prototype.join.call(units, ',')}`;

export class Sentences {
  // post(event, transfer): to the page; tsne: the t-SNE job (tsne-job.js), shared with the word map.
  constructor({ engine, slicer, post, tsne }) {
    Object.assign(this, { engine, slicer, post, tsne });
    this.job = null;
    this.budgets = new Map();  // phase -> SliceBudget: a byte, an indexed unit and a pooled unit cost differently
    this.previous = null;      // Float32Array: the last frame of the unit map, PCA or t-SNE
    this.tests = new ShippedSets(TESTS, 'sentence test', (workspace, name, text) => workspace.sentenceEvalLoad(name, text));
  }

  #workspace() {
    return this.engine.open();
  }

  // ---- building and pooling, in slices ---------------------------------------------------------

  open({ text, kind }) {
    parse(this.#workspace().unitsOpen(text, kind));
    this.#run();
    return null;
  }

  documentsBegin({ format, field }) {
    parse(this.#workspace().unitsDocumentsBegin(format, field ?? ''));
    return null;
  }

  documentsChunk({ bytes }) {
    return parse(this.#workspace().unitsDocumentsChunk(new Uint8Array(bytes)));
  }

  documentsFinish() {
    parse(this.#workspace().unitsDocumentsFinish());
    this.#run();
    return null;
  }

  pooling({ pooling, stopwords }) {
    parse(this.#workspace().unitsPooling(pooling, Boolean(stopwords)));
    this.#run();
    return null;
  }

  // A new source of vectors (its units are pooled from it), or none (after a reset).
  newSource() {
    if (this.engine.workspace) this.#run();
  }

  // The vectors moved (an epoch ended, training came to rest): the units are pooled again.
  vectorsMoved() {
    const ws = this.engine.workspace;
    if (!ws || !parse(ws.unitsStatus()).units) return;
    parse(ws.unitsRepool());
    this.#run();
  }

  status() {
    return this.#withHeap(this.engine.workspace ? parse(this.engine.workspace.unitsStatus()) : { units: 0 });
  }

  // heap: the module's linear memory in bytes (it only grows), for the memory figures.
  #withHeap(status) {
    return { ...status, heap: this.engine.module?.HEAP8?.length ?? null };
  }

  // Runs the workspace's units job (build, then pooling) in slices until it has nothing left to do,
  // telling the page how it goes ('sentences' events). One job at a time: a new request restarts it.
  #run() {
    this.job?.cancel();
    let lastEvent = 0;
    let last = { phase: '', done: 0, next: parse(this.engine.workspace.unitsStatus()).next };
    this.job = this.slicer.start(() => {
      const budget = this.#budget(last.next);  // sized for the work this step does
      const t0 = performance.now();
      const r = parse(this.engine.workspace.unitsStep(Math.round(budget.size)));
      if (r.phase === last.phase) budget.measure(r.done - last.done, performance.now() - t0);
      const changed = r.phase !== last.phase || r.replaced || r.pooled || r.error;
      last = r;
      const now = performance.now();
      if (changed || !r.busy || now - lastEvent >= EVENT_MS) {
        lastEvent = now;
        this.post({ type: 'sentences', status: this.#withHeap(r) });
      }
      return !r.busy || Boolean(r.error);
    }, {
      onError: (err) => this.post({ type: 'sentences', status: { ...this.status(), error: String(err?.message ?? err), busy: false } }),
    });
  }

  #budget(phase) {
    if (!this.budgets.has(phase)) this.budgets.set(phase, new SliceBudget({ ms: UNITS_MS, size: 1000, max: 1 << 24 }));
    return this.budgets.get(phase);
  }

  // ---- questions ----------------------------------------------------------------------------------

  // ms: the time the module took, for the benchmarks.
  search({ query, method, k }) {
    const t0 = performance.now();
    const reply = parse(this.#workspace().unitsSearch(String(query), method, k));
    return { ...reply, ms: performance.now() - t0 };
  }

  nearest({ unit, k }) {
    return parse(this.#workspace().unitsNearest(unit, k));
  }

  compare({ a, b }) {
    return parse(this.#workspace().unitsCompare(String(a), String(b)));
  }

  // The map of at most `max` units: PCA turned to the last frame of the unit map (when it had as
  // many units), or, while t-SNE runs on these units, its latest layout. Texts and coverage ride
  // along for the tooltips.
  map({ max }) {
    const m = parse(this.#workspace().unitsMap(max, this.previous));
    const tsne = this.tsne.frameOf(unitsKey(m.units));
    if (tsne) m.coords = tsne.coords;
    this.previous = m.coords.slice();
    const frame = { ...m, of: 'units', projection: tsne ? 'tsne' : 'pca', explained: Array.from(m.explained ?? []) };
    return withTransfer(frame, [frame.coords.buffer, m.units.buffer, m.known.buffer, m.words.buffer]);
  }

  // A t-SNE layout of the unit map: the next PCA frame is turned to match it.
  remember(coords) {
    this.previous = coords;
  }

  clusters({ units, k, seed }) {
    const r = parse(this.#workspace().unitsClusters(Int32Array.from(units), k, seed));
    return withTransfer({ assignment: r.assignment, labels: r.labels, sizes: r.sizes }, [r.assignment.buffer]);
  }

  // pca: back to PCA frames. tsne: t-SNE of the units (the map's), its frames pushed as they settle.
  projection({ projection, units, options }) {
    if (projection === 'pca') {
      if (this.tsne.of === 'units') this.tsne.stop();
      return null;
    }
    if (projection !== 'tsne') throw new Error('projection must be pca or tsne');
    return this.tsne.startUnits({ units: Int32Array.from(units), key: unitsKey(units), options });
  }

  // ---- the sentence tests ----------------------------------------------------------------------

  async evalRun() {
    this.engine.requireModel();
    await this.tests.loadInto(this.engine.workspace);
    return parse(this.engine.workspace.sentenceEvalRun());
  }
}
