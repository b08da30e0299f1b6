// The Eval tab: Run scores the current vectors on the standard tests (Google analogies by section,
// WordSim-353 and SimLex-999 by Spearman correlation), each with its coverage, in two tables.
import { fmtInt } from './format.js';

const $ = (id) => document.getElementById(id);

// One run at a time of a Run button's test (`panel`: {hasRun(), running, render(), show(result)}):
// the status line says it runs, then what came back (said(result), or nothing: show() says it) or why not.
export async function runOnce(panel, { status, running, ask, said = null, failed }) {
  if (!panel.hasRun() || panel.running) return;
  panel.running = true;
  panel.render();
  status.textContent = running;
  try {
    const result = await ask();
    panel.show(result);
    if (said) status.textContent = said(result);
  } catch (err) {
    panel.show(null);
    status.textContent = `${failed}: ${err.message}`;
  } finally {
    panel.running = false;
    panel.render();
  }
}

// Empties the tables' bodies, and hides them when `hidden`.
export function emptyTables(tables, hidden) {
  for (const table of tables) {
    table.hidden = hidden;
    table.tBodies[0].replaceChildren();
  }
}

// A table row of the Eval tab: cells [text, title?, class?], as text.
export function row(cells, className = '') {
  const tr = document.createElement('tr');
  if (className) tr.className = className;
  for (const [text, title, cls] of cells) {
    const td = document.createElement('td');
    td.textContent = text;
    if (title) td.title = title;
    if (cls) td.className = cls;
    tr.append(td);
  }
  return tr;
}

export class EvalPanel {
  // call(type, fields): the worker. hasRun(): there are vectors to score. subject(): what is scored,
  // for the status line (the vectors file, or the run's vectors at a step). render(): the page's
  // controls follow (Run is off while it runs).
  constructor({ call, hasRun, subject, render }) {
    Object.assign(this, { call, hasRun, subject, render });
    this.result = null;      // the last Eval run
    this.running = false;
    $('eval-run').addEventListener('click', () => this.run());
  }

  run() {
    const of = this.subject();
    return runOnce(this, {
      status: $('eval-status'),
      running: 'Running… (analogies search the 30,000 most frequent words)',
      ask: () => this.call('evalRun'),
      said: (result) => `${of}: ${fmtInt(result.words)} words`,
      failed: 'Could not evaluate',
    });
  }

  // Run works when there are vectors and no run of it is under way.
  renderButton() {
    $('eval-run').disabled = !this.hasRun() || this.running;
  }

  // Fills the two tables from an evalRun reply (or empties them).
  show(result) {
    this.result = result;
    const pct = (x) => `${(100 * x).toFixed(1)}%`;
    const sim = $('eval-similarity');
    const ana = $('eval-analogies');
    emptyTables([sim, ana], !result);
    if (!result) {
      $('eval-status').textContent = this.hasRun() ? 'Score the current vectors on the standard tests.' : 'Train or open vectors, then Run.';
      return;
    }
    for (const [name, s] of [['WordSim-353', result.wordsim353], ['SimLex-999', result.simlex999]]) {
      const rho = s.spearman == null ? ['–', 'fewer than two pairs covered', 'na'] : [s.spearman.toFixed(3)];
      sim.tBodies[0].append(row([[name], rho, [pct(s.coverage), `${s.covered} of ${s.total} pairs`]]));
    }
    const a = result.analogies;
    const analogyRow = (s, className) => row([
      [s.name],
      s.covered ? [pct(s.accuracy), `${s.correct} of ${s.covered} covered questions`] : ['–', 'no question covered', 'na'],
      [pct(s.coverage), `${s.covered} of ${s.total} questions`],
    ], className);
    for (const s of a.sections) ana.tBodies[0].append(analogyRow(s));
    for (const s of [a.semantic, a.syntactic, a.all]) ana.tBodies[0].append(analogyRow(s, 'total'));
  }
}
