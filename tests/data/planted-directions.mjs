// Word vectors with planted directions, as GloVe text, for the tests of the semantic axes, the odd
// one out and the 3D view (tests/wasm/axes.test.mjs, tests/e2e/geometry.test.mjs): gender along
// dimension 0 (he, man, boy right; she, woman, girl left), age along 1 (young up, old down),
// furniture along 2 (table, chair), then `noise` seeded words around no direction in particular.
export const PLANTED_WORDS = 12;

export function plantedLines(noise = 30, seed = 17) {
  const lines = [
    'he 1 0 0.1 0', 'she -1 0 0.1 0', 'man 1 0.1 0 0.1', 'woman -1 0.1 0 0.1',
    'boy 0.8 0.9 0.1 0', 'girl -0.8 0.9 0 0.1', 'old 0 -1 0.1 0.1', 'young 0 1 0.1 0',
    'elderly 0.1 -1 0 0', 'youthful -0.1 1 0 0', 'table 0 0 1 0', 'chair 0 0 0.9 0.2',
  ];
  let state = seed;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32 - 0.5; };
  for (let i = 0; i < noise; i += 1) lines.push(`n${i} ${[0, 1, 2, 3].map((d) => ((4 - d) * next()).toFixed(4)).join(' ')}`);
  return lines;
}
