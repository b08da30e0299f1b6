// Files in and out of the worker: a vectors file streamed in chunks (it replaces the run only once
// it reads cleanly), the current vectors exported in any format, the next-word model saved and
// loaded as JSON, and the evaluation sets (shipped in eval/ beside the page) run on the vectors.
import { withTransfer } from '../shared/protocol.js';
import { parse } from './engine.js';
import { ShippedSets } from './shipped-sets.js';

// The evaluation sets, copied beside the page by web/build.mjs: name for the module, file.
const EVAL_SETS = [['questions-words', 'questions-words.txt'], ['wordsim353', 'wordsim353.tsv'], ['simlex999', 'simlex999.txt']];

export class VectorFiles {
  // stop(): the run loop stops training; opened(kind): a model or vectors file became the source.
  constructor({ engine, stop, opened }) {
    Object.assign(this, { engine, stop, opened });
    this.evalSets = new ShippedSets(EVAL_SETS.map(([name, file]) => [name, `eval/${file}`]), 'evaluation set',
      (workspace, name, text) => workspace.evalLoad(name, text));
  }

  save() {
    this.engine.requireModel();
    return { json: this.engine.workspace.saveModel() };
  }

  load({ json }) {
    this.engine.requireModule();
    this.stop();
    const reply = parse(this.engine.open().loadModel(json));
    this.opened('nextword');
    return reply;
  }

  importBegin({ format, maxWords }) {
    this.engine.requireModule();
    this.stop();
    parse(this.engine.open().importBegin(format, maxWords));
    return null;
  }

  #importing() {
    if (!this.engine.workspace) throw new Error('no import in progress');
    return this.engine.workspace;
  }

  importChunk({ bytes }) {
    return parse(this.#importing().importChunk(new Uint8Array(bytes)));
  }

  importMetadata({ bytes }) {
    parse(this.#importing().importMetadata(new Uint8Array(bytes)));
    return null;
  }

  importFinish() {
    const reply = parse(this.#importing().importFinish());
    this.opened('vectors');
    return reply;
  }

  export({ format }) {
    this.engine.requireModel();
    const bytes = this.engine.workspace.exportVectors(format);
    if (typeof bytes === 'string') parse(bytes);
    return withTransfer({ bytes }, [bytes.buffer]);
  }

  async evalRun() {
    this.engine.requireModel();
    await this.evalSets.loadInto(this.engine.workspace);
    return parse(this.engine.workspace.evalRun());
  }
}
