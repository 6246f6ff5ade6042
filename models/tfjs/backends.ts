/**
 * Choosing the tfjs backend at run time. Candidates are detected in the order
 * tfjs-node-gpu → tfjs-node → webgpu → (webgpu-software) → wasm → cpu; the first available one is used
 * unless a backend is requested by name. webgpu-software (a CPU-emulated WebGPU device, for testing)
 * takes part in detection only when CLAIMBENCH_WEBGPU_SOFTWARE=1. Whatever is chosen, `describeChoice` gives one line for logs and manifests that
 * also says why each faster backend was skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { Registry } from '../../harness/registry';
import { type BackendCandidate, type Probe, cpuCandidate, nativeCandidate, wasmCandidate, webgpuCandidate } from './backend-probes';

export interface BackendChoice {
  /** The candidate's name, e.g. 'wasm'. */
  name: string;
  /** Package, version and build facts, e.g. 'tfjs-backend-wasm 4.22.0, SIMD, 1 thread'. */
  detail: string;
  /** The GPU adapter, for WebGPU: vendor, architecture, device, hardware or software. */
  adapter?: string;
  /** Every candidate probed, in detection order, including the chosen one. */
  tried: { name: string; available: boolean; reason?: string }[];
}

/** The candidates claimbench knows; priority is the detection order. */
export const tfjsBackends = new Registry<BackendCandidate>('tfjs backend');
tfjsBackends.register(nativeCandidate('tfjs-node-gpu', 1));
tfjsBackends.register(nativeCandidate('tfjs-node', 2));
tfjsBackends.register(webgpuCandidate('hardware', 3));
tfjsBackends.register(webgpuCandidate('software', 4));
tfjsBackends.register(wasmCandidate(5));
tfjsBackends.register(cpuCandidate(6));

// A probe loads modules and initialises backends once; later selections reuse its outcome, which makes
// repeated selectBackend calls cheap and safe (wasm paths cannot be set twice, native modules load once).
const probes = new WeakMap<BackendCandidate, Promise<Probe>>();

function probeOnce(candidate: BackendCandidate): Promise<Probe> {
  let probe = probes.get(candidate);
  if (probe === undefined) {
    probe = candidate.probe().catch((error: unknown): Probe => ({ available: false, reason: `probe failed: ${String(error)}` }));
    probes.set(candidate, probe);
  }
  return probe;
}

/**
 * Makes a backend the active tfjs backend: `requested` if given (an Error if it is unknown or
 * unavailable, naming the available ones), else the first available in detection order.
 */
export async function selectBackend(requested?: string, registry: Registry<BackendCandidate> = tfjsBackends, env: NodeJS.ProcessEnv = process.env): Promise<BackendChoice> {
  const ordered = registry
    .names()
    .map((name) => registry.get(name))
    .sort((a, b) => a.priority - b.priority);
  const optedIn = (candidate: BackendCandidate): boolean => candidate.optIn === undefined || env[candidate.optIn.env] === '1';
  const previous = tf.getBackend();
  const tried: BackendChoice['tried'] = [];
  const attempt = async (candidate: BackendCandidate): Promise<Probe> => {
    const probe = await probeOnce(candidate);
    tried.push(probe.available ? { name: candidate.name, available: true } : { name: candidate.name, available: false, reason: probe.reason });
    return probe;
  };

  if (requested !== undefined) {
    const candidate = registry.get(requested); // throws, listing the known names, when unknown
    const probe = await attempt(candidate);
    if (probe.available) return activate(candidate, probe, tried);
    const available: string[] = [];
    for (const other of ordered) {
      if (other !== candidate && optedIn(other) && (await probeOnce(other)).available) available.push(other.name);
    }
    // Probing initialises backends by activating them; a refused request leaves the active one as it was.
    if (previous) await tf.setBackend(previous);
    throw new Error(
      `backend '${requested}' is not available here (${probe.reason}); available: ${available.join(', ') || '(none)'}`,
    );
  }
  for (const candidate of ordered) {
    if (!optedIn(candidate)) {
      tried.push({ name: candidate.name, available: false, reason: candidate.optIn?.how });
      continue;
    }
    const probe = await attempt(candidate);
    if (probe.available) return activate(candidate, probe, tried);
  }
  throw new Error(`no tfjs backend is available: ${describeTried(tried)}`);
}

async function activate(candidate: BackendCandidate, probe: Probe & { available: true }, tried: BackendChoice['tried']): Promise<BackendChoice> {
  if (!(await tf.setBackend(candidate.tfjsName))) {
    throw new Error(`backend '${candidate.name}' was detected but could not be activated`);
  }
  return { name: candidate.name, detail: probe.detail, ...(probe.adapter !== undefined ? { adapter: probe.adapter } : {}), tried };
}

/**
 * One line: the chosen backend and why each candidate before it was skipped, e.g.
 * "backend: wasm (tfjs-backend-wasm 4.22.0, SIMD, 1 thread) — tfjs-node-gpu: not installed; …".
 */
export function describeChoice(choice: BackendChoice): string {
  const skipped = choice.tried.filter((entry) => !entry.available);
  const head = `backend: ${choice.name} (${choice.detail})`;
  return skipped.length === 0 ? head : `${head} — ${describeTried(skipped)}`;
}

function describeTried(tried: BackendChoice['tried']): string {
  return tried.map((entry) => `${entry.name}: ${entry.available ? 'available' : entry.reason}`).join('; ');
}
