// Stable cluster colours (web/cluster-match.js): a recomputed clustering takes the slots of the
// clustering it replaces, by maximum overlap of words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestAssignment, matchClusters, reorder } from '../../web/page/cluster-match.js';

// Seeded words in k clusters: word i in cluster i % k.
const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
const base = Int32Array.from(words, (_, i) => i % 5);
const mapOf = (assignment) => new Map(words.map((w, i) => [w, assignment[i]]));

test('a permuted clustering maps back to the same slots, for every permutation tried', () => {
  const previous = mapOf(base);
  for (const perm of [[1, 0, 2, 3, 4], [4, 3, 2, 1, 0], [2, 4, 1, 0, 3], [0, 1, 2, 3, 4]]) {
    const renamed = Int32Array.from(base, (c) => perm[c]);
    const m = matchClusters(previous, words, renamed, 5);
    assert.deepEqual(Array.from(m.assignment), Array.from(base), `perm ${perm}`);
    for (let c = 0; c < 5; c += 1) assert.equal(m.slotOf[perm[c]], c);
    // Per-cluster lists follow: the list of new cluster perm[c] lands in slot c.
    const central = perm.map((_, i) => `central of new ${i}`);
    assert.deepEqual(reorder(central, m.slotOf), [0, 1, 2, 3, 4].map((c) => `central of new ${perm[c]}`));
  }
});

test('the maximum overlap wins over a greedy pick; a few moved words do not move a cluster', () => {
  // Greedy by the largest cell would give new 0 -> slot 0 (5) and then new 1 -> slot 1 (0): 5 in all.
  // The best renaming is new 0 -> slot 1 and new 1 -> slot 0: 4 + 4 = 8.
  assert.deepEqual(bestAssignment([[5, 4], [4, 0]]), [1, 0]);
  // Three words change cluster, and the clusters come back renamed: every other word keeps its slot.
  const moved = Int32Array.from(base);
  moved[0] = 1; moved[7] = 4; moved[13] = 0;
  const renamed = Int32Array.from(moved, (c) => (c + 2) % 5);
  const m = matchClusters(mapOf(base), words, renamed, 5);
  const kept = words.filter((_, i) => m.assignment[i] === base[i]).length;
  assert.equal(kept, 37);
  assert.deepEqual(Array.from(m.assignment), Array.from(moved));
});

test('nothing to match keeps the numbering; ties keep the identity; k can change and the words can differ', () => {
  const fresh = Int32Array.from([2, 0, 1, 1]);
  assert.deepEqual(Array.from(matchClusters(null, ['a', 'b', 'c', 'd'], fresh, 3).assignment), [2, 0, 1, 1]);
  assert.deepEqual(bestAssignment([[0, 0, 0], [0, 0, 0], [0, 0, 0]]), [0, 1, 2]);
  // k from 5 to 3: slots 3 and 4 are gone; the three new clusters take slots 0..2 by overlap.
  const previous = mapOf(base);
  const three = Int32Array.from(words, (_, i) => [2, 0, 1, 0, 1][i % 5]);  // old 0 -> new 2, old 1 -> 0, old 2 -> 1
  const m = matchClusters(previous, words, three, 3);
  assert.deepEqual(m.slotOf, [1, 2, 0]);
  for (let i = 0; i < words.length; i += 1) if (base[i] < 3) assert.equal(m.assignment[i], base[i], words[i]);
  // Only the words in both clusterings count: new words elsewhere change nothing.
  const more = [...words, 'x1', 'x2', 'x3'];
  const renamed = Int32Array.from([...base, 0, 0, 0], (c) => (c + 1) % 5);
  assert.deepEqual(Array.from(matchClusters(previous, more, renamed, 5).assignment).slice(0, 40), Array.from(base));
  assert.throws(() => bestAssignment(Array.from({ length: 17 }, () => new Array(17).fill(0))), /at most 16/);
});
