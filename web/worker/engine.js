// The WebAssembly module and its one embind workspace (Module.Workspace), created once, lazily, and
// reused across runs; and what that workspace holds now, which decides what the requests may do.
/* global createEmbPlay */

// A reply of the module (JSON text, or a value) as a value; its {error} thrown as an Error.
export function parse(json) {
  const value = typeof json === 'string' ? JSON.parse(json) : json;
  if (value && value.error) throw new Error(value.error);
  return value;
}

// The module's glue script: with threads when the page is cross-origin isolated (see main.js).
export const MODULE_SCRIPT = globalThis.crossOriginIsolated ? 'embplay-mt.js' : 'embplay.js';

export class Engine {
  module = null;
  workspace = null;        // Module.Workspace, or null before the first run and after a reset
  kind = 'none';         // none | nextword | word2vec | vectors | items: the source of vectors the workspace holds
  hasModel = false;      // a run began, or a model or vectors file was opened
  canTrain = false;      // the source came from start(), word2vec() or items(), so step() works

  threads = 1;           // the threads the module's big matrix products use: 2 in the threaded module

  async init() {
    if (!this.module) {
      // mainScriptUrlOrBlob: the threaded glue's helper thread loads this script, not the bundle.
      this.module = await createEmbPlay({ locateFile: (file) => file, mainScriptUrlOrBlob: MODULE_SCRIPT });
      this.threads = this.module.setThreads(2);
    }
    const m = this.module;
    return {
      threads: this.threads,
      nextword: parse(m.settingsSchema()), word2vec: parse(m.word2vecSchema()), item2vec: parse(m.item2vecSchema()),
      tsne: parse(m.tsneSchema()), umap: parse(m.umapSchema()), kmeans: parse(m.kmeansSchema()),
      encoder: parse(m.encoderSchema()),
    };
  }

  requireModule() {
    if (!this.module) throw new Error('The model is still loading.');
  }

  requireModel() {
    if (!this.hasModel) throw new Error('There is no model yet: press Play or Step first.');
  }

  // The workspace, created on first use.
  open() {
    this.requireModule();
    if (!this.workspace) this.workspace = new this.module.Workspace();
    return this.workspace;
  }

  // A new source of vectors in the workspace: `kind`, trainable or only to explore.
  became(kind, trainable) {
    this.kind = kind;
    this.hasModel = true;
    this.canTrain = trainable;
  }

  // The run is gone (Reset); the workspace stays, with what it holds besides a source of vectors
  // (the units of text, the evaluation sets).
  close() {
    this.workspace?.dropSource();
    this.kind = 'none';
    this.hasModel = false;
    this.canTrain = false;
  }
}
