import * as tf from '@tensorflow/tfjs';
import { Registry } from '../../harness/registry';
import type { BackendCandidate, Probe } from './backend-probes';
import { type BackendChoice, describeChoice, selectBackend, tfjsBackends } from './backends';

/** A registry of fake candidates; each probe is counted. Available ones are backed by tfjs' cpu backend. */
function fakeRegistry(entries: [name: string, probe: Probe][]): { registry: Registry<BackendCandidate>; calls: Map<string, number> } {
  const registry = new Registry<BackendCandidate>('tfjs backend');
  const calls = new Map<string, number>();
  entries.forEach(([name, probe], index) => {
    registry.register({
      name,
      priority: index + 1,
      tfjsName: 'cpu',
      probe: async () => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return probe;
      },
    });
  });
  return { registry, calls };
}

describe('on this machine', () => {
  it('detects in the order tfjs-node-gpu, tfjs-node, webgpu, webgpu-software, wasm, cpu and picks the first available', async () => {
    const choice = await selectBackend(undefined, tfjsBackends, {});
    const order = ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'webgpu-software', 'wasm', 'cpu'];
    expect(order.slice(0, choice.tried.length)).toEqual(choice.tried.map((entry) => entry.name));
    expect(choice.tried[choice.tried.length - 1]).toEqual({ name: choice.name, available: true });
    for (const entry of choice.tried.slice(0, -1)) expect(entry.reason).toEqual(expect.any(String));
    expect(tf.getBackend()).toBe(tfjsBackends.get(choice.name).tfjsName);
  });

  it('says in one line what it chose and why faster backends were skipped', async () => {
    const line = describeChoice(await selectBackend(undefined, tfjsBackends, {}));
    expect(line).not.toContain('\n');
    // Without native packages or a GPU (this project's CI): wasm, with every skipped candidate explained.
    if (line.startsWith('backend: wasm')) {
      expect(line).toMatch(
        /^backend: wasm \(tfjs-backend-wasm 4\.22\.0, SIMD, 1 thread\) — tfjs-node-gpu: [^;]+; tfjs-node: [^;]+; webgpu: [^;]+; webgpu-software: opt-in: --backend webgpu-software, or CLAIMBENCH_WEBGPU_SOFTWARE=1 to detect it$/,
      );
    }
  });

  it('can be called repeatedly and switched by name', async () => {
    const first = await selectBackend();
    expect(await selectBackend()).toEqual(first);
    const cpu = await selectBackend('cpu');
    expect([cpu.name, tf.getBackend()]).toEqual(['cpu', 'cpu']);
    const wasm = await selectBackend('wasm');
    expect([wasm.name, tf.getBackend()]).toEqual(['wasm', 'wasm']);
    expect(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3])).arraySync())).toBe(6);
  });

  it('refuses an unavailable backend by name, listing the available ones, and keeps the active one', async () => {
    await selectBackend('wasm');
    await expect(selectBackend('webgpu', tfjsBackends, {})).rejects.toThrow(/^backend 'webgpu' is not available here \(.+\); available: (.+, )?wasm, cpu$/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses an unknown name, listing the known ones', async () => {
    await expect(selectBackend('webgl')).rejects.toThrow("unknown tfjs backend 'webgl'; known: cpu, tfjs-node, tfjs-node-gpu, wasm, webgpu, webgpu-software");
  });
});

describe('with fake candidates', () => {
  const missing: Probe = { available: false, reason: 'not installed' };

  it('falls back past missing and broken backends, each explained', async () => {
    const { registry } = fakeRegistry([
      ['native-gpu', missing],
      ['native', { available: false, reason: 'installed but failed to load (libtensorflow.so.2: cannot open)' }],
      ['js', { available: true, detail: 'fake js' }],
      ['slow', { available: true, detail: 'fake slow' }],
    ]);
    const choice = await selectBackend(undefined, registry);
    expect(choice).toEqual<BackendChoice>({
      name: 'js',
      detail: 'fake js',
      tried: [
        { name: 'native-gpu', available: false, reason: 'not installed' },
        { name: 'native', available: false, reason: 'installed but failed to load (libtensorflow.so.2: cannot open)' },
        { name: 'js', available: true },
      ],
    });
    expect(describeChoice(choice)).toBe(
      'backend: js (fake js) — native-gpu: not installed; native: installed but failed to load (libtensorflow.so.2: cannot open)',
    );
  });

  it('probes every candidate once however often it selects', async () => {
    const { registry, calls } = fakeRegistry([
      ['gpu', missing],
      ['js', { available: true, detail: 'fake js' }],
    ]);
    for (let k = 0; k < 3; k++) await selectBackend(undefined, registry);
    await selectBackend('js', registry);
    await expect(selectBackend('gpu', registry)).rejects.toThrow("backend 'gpu' is not available here (not installed); available: js");
    expect(Object.fromEntries(calls)).toEqual({ gpu: 1, js: 1 });
  });

  it('names the requested backend alone when it is available', async () => {
    const { registry } = fakeRegistry([
      ['gpu', missing],
      ['js', { available: true, detail: 'fake js' }],
    ]);
    const choice = await selectBackend('js', registry);
    expect(describeChoice(choice)).toBe('backend: js (fake js)');
  });

  it('skips an opt-in candidate unless its environment variable is 1', async () => {
    const registry = new Registry<BackendCandidate>('tfjs backend');
    const optIn = { env: 'FAKE_OPT_IN', how: 'opt-in: set FAKE_OPT_IN=1' };
    registry.register({ name: 'emulated', priority: 1, tfjsName: 'cpu', optIn, probe: async () => ({ available: true, detail: 'fake emulated' }) });
    registry.register({ name: 'js', priority: 2, tfjsName: 'cpu', probe: async () => ({ available: true, detail: 'fake js' }) });
    expect(describeChoice(await selectBackend(undefined, registry, {}))).toBe('backend: js (fake js) — emulated: opt-in: set FAKE_OPT_IN=1');
    expect((await selectBackend(undefined, registry, { FAKE_OPT_IN: '1' })).name).toBe('emulated');
    expect((await selectBackend('emulated', registry, {})).name).toBe('emulated');
  });

  it('reports when nothing at all is available', async () => {
    const { registry } = fakeRegistry([['gpu', missing]]);
    await expect(selectBackend(undefined, registry)).rejects.toThrow('no tfjs backend is available: gpu: not installed');
  });

  it('turns a probe that throws into an unavailable backend', async () => {
    const registry = new Registry<BackendCandidate>('tfjs backend');
    registry.register({ name: 'bad', priority: 1, tfjsName: 'bad', probe: () => Promise.reject(new Error('boom')) });
    registry.register({ name: 'js', priority: 2, tfjsName: 'cpu', probe: async () => ({ available: true, detail: 'fake js' }) });
    expect((await selectBackend(undefined, registry)).tried[0]).toEqual({ name: 'bad', available: false, reason: 'probe failed: Error: boom' });
  });
});
