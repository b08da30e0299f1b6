// umap-js 1.4.0 (the dev dependency) on a points file as bench_umap reads them, for
// bench/umap_words.sh: its defaults (nNeighbors 15, minDist 0.1, spread 1, epochs by size:
// 500 up to 2,500 points, 400 to 5,000, 300 to 7,500, else 200) unless EPOCHS is given, with a
// seeded random source. Writes the layout and prints one JSON line: seconds (fit in all, and the
// graph: kNN by NN-descent and the fuzzy set), cpu_seconds (this process).
//   node bench/umap_js.mjs POINTS LAYOUT [epochs]
import fs from 'node:fs';
import { UMAP } from 'umap-js';

const [points, layout, epochs] = process.argv.slice(2);
const bytes = fs.readFileSync(points);
const [n, d] = [bytes.readInt32LE(0), bytes.readInt32LE(4)];
const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8, bytes.byteOffset + 8 + 4 * n * d));
const data = Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));

let state = 1;
const random = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
const umap = new UMAP({ nComponents: 2, nNeighbors: 15, minDist: 0.1, random, ...(epochs ? { nEpochs: Number(epochs) } : {}) });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const total = umap.initializeFit(data);
const graph = (performance.now() - t0) / 1000;
for (let e = 0; e < total; e += 1) umap.step();
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const y = umap.getEmbedding();
const out = Buffer.alloc(8 + 8 * n);
out.writeInt32LE(n, 0);
out.writeInt32LE(2, 4);
y.forEach(([a, b], i) => { out.writeFloatLE(a, 8 + 8 * i); out.writeFloatLE(b, 12 + 8 * i); });
fs.writeFileSync(layout, out);
console.log(JSON.stringify({ n, dim: d, epochs: total, seconds_graph: +graph.toFixed(3), seconds: +seconds.toFixed(3),
  cpu_seconds: +((cpu.user + cpu.system) / 1e6).toFixed(3) }));
