// The purchases sample: the UCI Online Retail log (Chen 2015, CC BY 4.0; tests/data/recsys), which
// web/build.mjs writes beside the page as one gzipped events CSV with each item's name on its first
// row, and a small description {sha256, chars, rows} of its text. The text is fetched and
// decompressed (DecompressionStream) on first use only; the hash lets a link to a run on the sample
// open it without asking for the file.
const CSV = 'samples/online-retail.csv.gz';
const ABOUT = 'samples/online-retail.json';

export class ItemsSample {
  sha256 = null;       // of the sample's text, once described
  #text = null;        // the promise of its text

  // Reads the description (best effort: without it, links to the sample ask for the file).
  async describe() {
    try {
      const r = await fetch(ABOUT);
      if (r.ok) this.sha256 = (await r.json()).sha256 ?? null;
    } catch {
      this.sha256 = null;
    }
  }

  // The sample's text (an events CSV): fetched and decompressed once.
  text() {
    this.#text ??= (async () => {
      const r = await fetch(CSV);
      if (!r.ok) throw new Error(`${CSV}: HTTP ${r.status}`);
      const plain = r.body.pipeThrough(new DecompressionStream('gzip'));
      return new Response(plain).text();
    })();
    this.#text.catch(() => { this.#text = null; });  // a failed fetch may be tried again
    return this.#text;
  }
}
