// Stable cluster colours. k-means numbers its clusters in no particular order, and the page
// recomputes them every ~1.5 s while training: without matching, a cluster that hardly changed
// would jump to another colour and legend slot. matchClusters() renames the new clusters so that
// each takes the slot (colour) of the previous cluster it shares the most words with. Pure: no DOM,
// no worker; the node tests import it.
//
// The matching is the assignment problem on the k x k overlap matrix (k <= 8): the renaming that
// keeps the most words in their slot, solved exactly by dynamic programming over subsets of slots
// (k^2 2^k steps; 16,384 at k = 8). Ties go to the renaming closest to the identity.

export const MAX_MATCH_K = 16;  // 2^k states: far more than the page's 8 clusters

// overlap[i][j]: the words in new cluster i that were in slot j. Returns slotOf (k): the slot of
// each new cluster, a permutation of 0..k-1 maximising sum_i overlap[i][slotOf[i]].
export function bestAssignment(overlap) {
  const k = overlap.length;
  if (k > MAX_MATCH_K) throw new Error(`cannot match ${k} clusters (at most ${MAX_MATCH_K})`);
  const states = 1 << k;
  // best[mask]: the best score of giving new clusters 0..popcount(mask)-1 the slots in mask.
  // Score = overlap * (k + 1) + clusters left in their own slot: overlap first, identity on ties.
  const best = new Float64Array(states).fill(-Infinity);
  const choice = new Int8Array(states).fill(-1);
  best[0] = 0;
  for (let mask = 0; mask < states; mask += 1) {
    if (best[mask] === -Infinity) continue;
    let i = 0;
    for (let m = mask; m; m &= m - 1) i += 1;  // popcount: the next new cluster to place
    if (i >= k) continue;
    for (let j = 0; j < k; j += 1) {
      if (mask & (1 << j)) continue;
      const score = best[mask] + overlap[i][j] * (k + 1) + (i === j ? 1 : 0);
      const next = mask | (1 << j);
      if (score > best[next]) { best[next] = score; choice[next] = j; }
    }
  }
  const slotOf = new Array(k);
  for (let mask = states - 1, i = k - 1; i >= 0; i -= 1) {
    slotOf[i] = choice[mask];
    mask &= ~(1 << choice[mask]);
  }
  return slotOf;
}

// Renames a new clustering to match the previous one. `previous`: Map word -> slot of the
// clustering on the map now (or null: nothing to match, the clusters keep their numbers);
// `words` and `assignment` (Int32Array, 0..k-1) side by side: the new clustering. Only words in
// both count; previous slots >= k (k was lowered) match nothing. Returns {assignment (the new
// clustering in slots), slotOf (k): the slot of each new cluster}; reorder per-cluster lists
// (central words, sizes) with reorder(list, slotOf).
export function matchClusters(previous, words, assignment, k) {
  const overlap = Array.from({ length: k }, () => new Array(k).fill(0));
  if (previous) {
    for (let w = 0; w < words.length; w += 1) {
      const slot = previous.get(words[w]);
      if (slot != null && slot >= 0 && slot < k) overlap[assignment[w]][slot] += 1;
    }
  }
  const slotOf = bestAssignment(overlap);
  return { assignment: Int32Array.from(assignment, (c) => slotOf[c]), slotOf };
}

// list (k), indexed by new cluster -> indexed by slot.
export function reorder(list, slotOf) {
  const out = new Array(list.length);
  list.forEach((item, i) => { out[slotOf[i]] = item; });
  return out;
}
