// The Eval tab's sentence tests: Run scores the current vectors' pooled sentences on the STS
// Benchmark (Spearman per pooling, and the sentence encoder's CLS, mean and max when one was
// trained, beside TF-IDF, the yardstick) and searches the Cranfield
// collection by embedding, BM25 (the yardstick) and hybrid (nDCG@10, Recall@100). The data ship
// beside the page (sts/, ir/cranfield/) with their sources; the worker fetches them on first use.
import { emptyTables, row, runOnce } from './eval-panel.js';
import { fmtInt } from './format.js';

const $ = (id) => document.getElementById(id);
const POOLING_NAMES = { mean: 'mean', max: 'max', 'mean+max': 'mean+max', sif: 'SIF' };

export class SentenceEval {
  // call(type, fields): the worker. hasRun(): there are vectors. beforeRun(): resolves once the
  // worker pools as the Sentences view says (Cranfield's embedding uses that pooling).
  constructor({ call, hasRun, beforeRun }) {
    Object.assign(this, { call, hasRun, beforeRun });
    this.result = null;
    this.running = false;
    $('sent-eval-run').addEventListener('click', () => this.run());
  }

  run() {
    return runOnce(this, {
      status: $('sent-eval-status'),
      running: 'Running… (1,758 STS sentences, 225 searches of 1,400 abstracts)',
      ask: async () => {
        await this.beforeRun();
        return this.call('sentenceEvalRun');
      },
      failed: 'Could not run the sentence tests',
    });
  }

  render() {
    this.renderButton();
  }

  renderButton() {
    $('sent-eval-run').disabled = !this.hasRun() || this.running;
  }

  // Fills the two tables from a sentenceEvalRun reply (or empties them).
  show(result) {
    this.result = result;
    const sts = $('sent-eval-sts');
    const ir = $('sent-eval-ir');
    emptyTables([sts, ir], !result);
    if (!result) {
      $('sent-eval-status').textContent = this.hasRun() ? 'Sentence vectors (the Sentences view\'s pooling) against TF-IDF and BM25.' : 'Train or open vectors, then Run.';
      return;
    }
    const rho = (v) => (v == null ? '–' : v.toFixed(3));
    for (const r of result.sts.rows) {
      const name = `${POOLING_NAMES[r.pooling] ?? r.pooling}${r.stopwords ? ', no stopwords' : ''}`;
      sts.tBodies[0].append(row([[name], [rho(r.spearman), `${fmtInt(r.covered)} of ${fmtInt(result.sts.pairs)} pairs have a vector on both sides`],
        [`${(100 * r.coverage).toFixed(1)}%`]]));
    }
    // The sentence encoder trained in this page (its panel), on the same pairs.
    const encoder = result.sts.encoder;
    for (const pooling of encoder ? ['cls', 'mean', 'max'] : []) {
      sts.tBodies[0].append(row([[`sentence encoder, ${pooling === 'cls' ? 'CLS' : pooling}`],
        [rho(encoder[pooling]), 'The Transformer trained in the Sentence encoder panel, as it is now'], ['100%']]));
    }
    for (const t of result.sts.tfidf) {
      sts.tBodies[0].append(row([[`TF-IDF${t.stopwords ? ', no stopwords' : ''} (yardstick)`], [rho(t.spearman)], ['100%']], 'total'));
    }
    const names = { embedding: `embedding (${result.ir.pooling})`, bm25: 'BM25 (yardstick)', hybrid: 'hybrid' };
    for (const r of result.ir.rows) {
      ir.tBodies[0].append(row([[names[r.method] ?? r.method], [r.ndcg10.toFixed(3)], [r.recall100.toFixed(3)]], r.method === 'bm25' ? 'total' : ''));
    }
    $('sent-eval-status').textContent = `STS-B: ${fmtInt(result.sts.pairs)} pairs; Cranfield: ${fmtInt(result.ir.queries)} queries, ${fmtInt(result.ir.documents)} abstracts`;
  }
}
