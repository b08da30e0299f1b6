// The purchases sample as the page gets it: the Online Retail events (user, item, timestamp,
// invoice; tests/data/recsys/online-retail) with a name column holding each item's name on its first
// row only (the reader keeps an item's first name), so the names cost one cell per item, not one per
// event. Run in node: web/build.mjs writes the page's sample with it, and the tests make slices.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// RFC 4180 records of a small CSV text (quoted cells, "" for a quote).
export function readCsv(text) {
  const records = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { cells.push(cell); cell = ''; } else if (c === '\n') { cells.push(cell.replace(/\r$/, '')); records.push(cells); cells = []; cell = ''; } else cell += c;
  }
  if (cell || cells.length) records.push([...cells, cell]);
  return records;
}

// The first `rows` events of the log in `dir` (all by default), with the name column, as CSV text.
export function eventsWithNames(dir, rows = Infinity) {
  const names = new Map();
  for (const [key, name] of readCsv(readFileSync(join(dir, 'items.csv'), 'utf8')).slice(1)) names.set(key, name);
  const lines = gunzipSync(readFileSync(join(dir, 'interactions.csv.gz'))).toString('utf8').trimEnd().split('\n');
  const named = new Set();
  const quote = (v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const out = [`${lines[0]},name`];
  for (const line of lines.slice(1, Number.isFinite(rows) ? rows + 1 : undefined)) {
    const item = line.split(',')[1];
    const first = !named.has(item);
    named.add(item);
    out.push(`${line},${first ? quote(names.get(item) ?? '') : ''}`);
  }
  return `${out.join('\n')}\n`;
}
