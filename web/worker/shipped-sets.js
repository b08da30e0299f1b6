// Data shipped beside the page (eval/, sts/, ir/cranfield/): fetched once, on first use, and handed
// to the workspace (again only for a new one). The evaluation sets (files.js) and the sentence
// tests (sentences.js) come this way.
import { parse } from './engine.js';

export class ShippedSets {
  // sets: [[the module's name for it, its path beside the page]]; what: how a message names one;
  // load(workspace, name, text): passes one to the module (its reply, {ok} or {error}).
  constructor(sets, what, load) {
    Object.assign(this, { sets, what, load });
    this.texts = null;       // the files' text, once fetched
    this.loadedInto = null;  // the workspace they were passed to
  }

  // Resolves once `workspace` holds every set.
  async loadInto(workspace) {
    if (!this.texts) {
      this.texts = await Promise.all(this.sets.map(async ([, path]) => {
        const response = await fetch(path);
        if (!response.ok) throw new Error(`could not fetch the ${this.what} ${path} (HTTP ${response.status})`);
        return response.text();
      }));
    }
    if (this.loadedInto !== workspace) {
      this.sets.forEach(([name], i) => parse(this.load(workspace, name, this.texts[i])));
      this.loadedInto = workspace;
    }
  }
}
