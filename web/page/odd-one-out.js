// The Odd one out tab: 4 to 6 typed words, the one farthest from the centroid of the others (on
// unit vectors: cosine geometry, src/geometry.cpp odd_one_out), each word's distance as a bar, and
// on the map lines from the others' centroid to every word, the odd one's in the accent colour.
// Asked again on each new frame while training moves the vectors, as the analogy is.
import { barRow } from './queries.js';

const $ = (id) => document.getElementById(id);

// The map overlay for a reply {words, distances, odd}: the centroid of the other words' places on the
// map (×), a line from it to each word with the word's distance at its middle; the odd one's line and
// ring in the accent colour. Only words on the map are drawn. The centroid is drawn where the others
// sit on the map; the distances are measured in the vector space (the bars give them exactly).
export function oddOverlay(reply) {
  const words = reply.words;
  return {
    words,
    draw(ctx, layer) {
      const at = words.map((w, k) => ({ i: layer.index.get(w), d: reply.distances[k] })).filter((p) => p.i !== undefined);
      const odd = layer.index.get(reply.odd);
      const others = at.map((p) => p.i).filter((i) => i !== odd);
      if (others.length === 0) return null;
      const cx = others.reduce((s, i) => s + layer.sx[i], 0) / others.length;
      const cy = others.reduce((s, i) => s + layer.sy[i], 0) / others.length;
      const { theme } = layer;
      ctx.font = `11px ${theme.font}`;
      ctx.textBaseline = 'middle';
      ctx.lineJoin = 'round';
      for (const { i, d } of at) {
        const isOdd = i === odd;
        ctx.strokeStyle = isOdd ? theme.accent : theme.labelMuted;
        ctx.globalAlpha = isOdd ? 0.95 : 0.6;
        ctx.lineWidth = isOdd ? 2 : 1;
        ctx.setLineDash(isOdd ? [] : [3, 3]);
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.lineTo(layer.sx[i], layer.sy[i]);
        ctx.stroke();
        const mx = (cx + layer.sx[i]) / 2; const my = (cy + layer.sy[i]) / 2;
        ctx.setLineDash([]);
        ctx.globalAlpha = 1;
        ctx.lineWidth = 3;
        ctx.strokeStyle = theme.halo;
        ctx.strokeText(d.toFixed(2), mx + 3, my);
        ctx.fillStyle = isOdd ? theme.accent : theme.labelMuted;
        ctx.fillText(d.toFixed(2), mx + 3, my);
      }
      ctx.setLineDash([]);
      ctx.globalAlpha = 1;
      // The others' centroid, and a ring round the odd one.
      ctx.strokeStyle = theme.label;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx - 5, cy - 5); ctx.lineTo(cx + 5, cy + 5);
      ctx.moveTo(cx + 5, cy - 5); ctx.lineTo(cx - 5, cy + 5);
      ctx.stroke();
      if (odd !== undefined) {
        ctx.strokeStyle = theme.accent;
        ctx.lineWidth = 2.5;
        ctx.beginPath();
        ctx.arc(layer.sx[odd], layer.sy[odd], layer.radius(odd) + 5, 0, 2 * Math.PI);
        ctx.stroke();
      }
      return [];
    },
  };
}

export class OddOneOutPanel {
  // call(type, fields): the worker. view: the view state (the typed words). map: the WordMap.
  // hasRun(): there are vectors to ask. mappedOnly(): the search the map shows only the matches of,
  // or ''. selectWord(word): a word of the list clicked (its neighbours).
  constructor({ call, view, map, hasRun, mappedOnly, selectWord }) {
    Object.assign(this, { call, view, map, hasRun, mappedOnly, selectWord });
    this.asked = false;      // asked once: it follows the map from now on
    this.question = null;    // the last words sent, so an older answer is dropped
    this.result = null;      // the reply shown, or null (for tests)
    view.on('odd', () => this.ask());
  }

  // A view from a link or a saved session: its words are asked as the map follows.
  viewApplied() {
    this.asked = Boolean(this.view.odd.trim());
  }

  // A new frame: the vectors may have moved.
  async followUp() {
    if (this.asked) await this.ask({ quiet: true });
  }

  clear() {
    this.#render(null);
  }

  async ask({ quiet = false } = {}) {
    const words = this.view.odd.trim();
    if (!words) {
      if (!quiet) this.#render({ message: 'Type 4 to 6 words, e.g. cat dog fox car.' });
      return;
    }
    if (!this.hasRun()) {
      this.#render({ message: 'Train or step the model first.' });
      return;
    }
    this.asked = true;
    this.question = words;
    try {
      const reply = await this.call('oddOneOut', { words });
      if (words === this.question) this.#render(reply);
    } catch (err) {
      if (words === this.question) this.#render({ message: err.message });
    }
  }

  #render(reply) {
    const list = $('odd-list');
    const message = $('odd-message');
    list.replaceChildren();
    if (!reply || reply.message) {
      this.result = null;
      message.textContent = reply?.message ?? '';
      message.hidden = !message.textContent;
      this.map.setOverlay('odd', null);
      return;
    }
    this.result = reply;
    const top = Math.max(1e-12, ...reply.distances);
    reply.words.forEach((word, i) => {
      const d = reply.distances[i];
      const row = barRow(word, d / top, d.toFixed(3), d, () => this.selectWord(word));
      if (i === reply.odd_index) row.classList.add('odd');
      if (!this.map.has(word)) row.classList.add('off-map');
      list.append(row);
    });
    const missing = reply.words.filter((w) => !this.map.has(w));
    message.textContent = `“${reply.odd}” is the odd one out: farthest from the centroid of the others`
      + (missing.length ? ` · not on the map: ${missing.join(', ')} (${this.mappedOnly()
        ? 'it shows only the search\u2019s matches' : 'show more words to see them'})` : '');
    message.hidden = false;
    this.map.setOverlay('odd', oddOverlay(reply));
  }
}
