// The page's memory across reloads and crashes: one IndexedDB database holding saved sessions
// (saved-session.js: text, settings, view, the trained model, the curves) under keys.
// Every call resolves (to null when IndexedDB is missing or refuses, e.g. a private window):
// saving is best effort and must never stop the page from working.
const DB_NAME = 'embedding-playground';
const DB_VERSION = 1;
const STORE = 'sessions';

export class BrowserStore {
  constructor() {
    this.db = null;
    this.opening = null;
  }

  #open() {
    if (this.db) return Promise.resolve(this.db);
    if (!this.opening) {
      this.opening = new Promise((resolve) => {
        if (typeof indexedDB === 'undefined') { resolve(null); return; }
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
        };
        req.onsuccess = () => { this.db = req.result; resolve(this.db); };
        req.onerror = () => resolve(null);
        req.onblocked = () => resolve(null);
      });
    }
    return this.opening;
  }

  async #run(mode, fn) {
    const db = await this.#open();
    if (!db) return null;
    return new Promise((resolve) => {
      let result = null;
      try {
        const tx = db.transaction(STORE, mode);
        const req = fn(tx.objectStore(STORE));
        req.onsuccess = () => { result = req.result ?? null; };
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => resolve(null);
        tx.onabort = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
  }

  get(key) { return this.#run('readonly', (s) => s.get(key)); }
  put(key, value) { return this.#run('readwrite', (s) => s.put(value, key)); }
  delete(key) { return this.#run('readwrite', (s) => s.delete(key)); }
  clear() { return this.#run('readwrite', (s) => s.clear()); }
}
