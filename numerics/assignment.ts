/**
 * The linear assignment problem: a permutation π of 0…n−1 minimising Σᵢ C[i][π(i)] for an n×n cost
 * matrix, by the Hungarian method with potentials (Kuhn 1955, Munkres 1957; the O(n³) shortest
 * augmenting path form). Exact for any finite costs.
 */

/** π with Σᵢ cost[i][π(i)] minimal, and that minimum. `cost` is n×n row-major. */
export function minimumAssignment(cost: Float64Array, n: number): { assignment: number[]; total: number } {
  if (!Number.isInteger(n) || n < 1 || cost.length !== n * n) throw new RangeError(`cost has ${cost.length} entries, expected ${n}×${n}`);
  if (!cost.every(Number.isFinite)) throw new RangeError('costs must be finite');
  // Rows 1…n and columns 1…n; column 0 is the virtual start of each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfColumn = new Int32Array(n + 1);
  const way = new Int32Array(n + 1);
  for (let row = 1; row <= n; row++) {
    rowOfColumn[0] = row;
    let column = 0;
    const slack = new Float64Array(n + 1).fill(Infinity);
    const used = new Uint8Array(n + 1);
    do {
      used[column] = 1;
      const i = rowOfColumn[column];
      let delta = Infinity;
      let next = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const reduced = cost[(i - 1) * n + (j - 1)] - u[i] - v[j];
        if (reduced < slack[j]) {
          slack[j] = reduced;
          way[j] = column;
        }
        if (slack[j] < delta) {
          delta = slack[j];
          next = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOfColumn[j]] += delta;
          v[j] -= delta;
        } else {
          slack[j] -= delta;
        }
      }
      column = next;
    } while (rowOfColumn[column] !== 0);
    do {
      const previous = way[column];
      rowOfColumn[column] = rowOfColumn[previous];
      column = previous;
    } while (column !== 0);
  }
  const assignment = new Array<number>(n);
  for (let j = 1; j <= n; j++) assignment[rowOfColumn[j] - 1] = j - 1;
  const total = assignment.reduce((s, j, i) => s + cost[i * n + j], 0);
  return { assignment, total };
}
