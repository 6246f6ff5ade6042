/**
 * Contour lines of a function sampled on a regular grid, by marching squares. Pure: grid values in,
 * line segments out (each segment a pair of points), for plots such as the thesis' Fig. 3.5.
 */

export interface Grid {
  xs: number[];
  ys: number[];
  /** values[j][i] = f(xs[i], ys[j]). */
  values: number[][];
}

export function sampleGrid(f: (x: number, y: number) => number, x: [number, number], y: [number, number], nx: number, ny: number): Grid {
  const { xs, ys } = gridAxes(x, y, nx, ny);
  return { xs, ys, values: ys.map((yy) => xs.map((xx) => f(xx, yy))) };
}

/** `sampleGrid` for an f whose values arrive asynchronously (tfjs on WebGPU); evaluates one point at a time, row by row. */
export async function sampleGridAsync(f: (x: number, y: number) => Promise<number>, x: [number, number], y: [number, number], nx: number, ny: number): Promise<Grid> {
  const { xs, ys } = gridAxes(x, y, nx, ny);
  const values: number[][] = [];
  for (const yy of ys) {
    const row: number[] = [];
    for (const xx of xs) row.push(await f(xx, yy));
    values.push(row);
  }
  return { xs, ys, values };
}

function gridAxes(x: [number, number], y: [number, number], nx: number, ny: number): { xs: number[]; ys: number[] } {
  return {
    xs: Array.from({ length: nx }, (_, i) => x[0] + ((x[1] - x[0]) * i) / (nx - 1)),
    ys: Array.from({ length: ny }, (_, j) => y[0] + ((y[1] - y[0]) * j) / (ny - 1)),
  };
}

export type Segment = [[number, number], [number, number]];

/** Segments of the level set {f = level}, linearly interpolated along cell edges. */
export function contourSegments(grid: Grid, level: number): Segment[] {
  const { xs, ys, values } = grid;
  const out: Segment[] = [];
  const cross = (x0: number, y0: number, v0: number, x1: number, y1: number, v1: number): [number, number] => {
    const t = (level - v0) / (v1 - v0);
    return [x0 + t * (x1 - x0), y0 + t * (y1 - y0)];
  };
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const corners: [number, number, number][] = [
        [xs[i], ys[j], values[j][i]],
        [xs[i + 1], ys[j], values[j][i + 1]],
        [xs[i + 1], ys[j + 1], values[j + 1][i + 1]],
        [xs[i], ys[j + 1], values[j + 1][i]],
      ];
      const points: [number, number][] = [];
      for (let e = 0; e < 4; e++) {
        const a = corners[e];
        const b = corners[(e + 1) % 4];
        if ((a[2] < level) !== (b[2] < level)) points.push(cross(a[0], a[1], a[2], b[0], b[1], b[2]));
      }
      // Two crossings: one segment; four (a saddle cell): pair them around the cell.
      for (let k = 0; k + 1 < points.length; k += 2) out.push([points[k], points[k + 1]]);
    }
  }
  return out;
}
