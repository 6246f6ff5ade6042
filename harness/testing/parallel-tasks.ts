/** Test fixture tasks for `mapParallel`. */
import { createRng } from '../rng';

/** A seeded computation: the same input gives the same output in any thread. */
export function seededSum(input: { seed: number; n: number }): number {
  const rng = createRng(input.seed);
  let s = 0;
  for (let i = 0; i < input.n; i++) s += rng.normal();
  return s;
}

export function failOnOdd(input: number): number {
  if (input % 2 === 1) throw new Error(`odd input ${input}`);
  return input * 10;
}

/** Kills its worker thread outright for input 3. */
export function crashOnThree(input: number): number {
  if (input === 3) process.exit(7);
  return input;
}
