/**
 * JSON that gives back exactly the values it was given: plain JSON turns NaN and ±Infinity into null,
 * −0 into 0, an `undefined` array slot into null and a Float64Array into an object of indices. The
 * work units of a sharded run (`units.ts`) store task outputs this way, so that a merged run computes
 * its metrics from the very numbers an unsharded run would have held in memory.
 *
 * Such values are written as one-key objects `{"$exact": …}`; an object of the task's own with that key
 * cannot be stored and is refused.
 */
const TAG = '$exact';

type TypedArrayName = 'Float64Array' | 'Float32Array' | 'Int32Array' | 'Uint32Array' | 'Int16Array' | 'Uint16Array' | 'Int8Array' | 'Uint8Array';
const TYPED: Record<TypedArrayName, new (values: number[]) => ArrayLike<number>> = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Int8Array,
  Uint8Array,
};

function numberTag(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return undefined;
}

export function toExactJson(value: unknown, space?: number): string {
  // The tags made here; JSON.stringify descends into each and must let it pass.
  const made = new WeakSet<object>();
  const tagged = (tag: object): object => {
    made.add(tag);
    return tag;
  };
  return JSON.stringify(
    value,
    function replacer(this: unknown, key: string, v: unknown) {
      if (typeof v === 'number') {
        const tag = numberTag(v);
        return tag === undefined ? v : tagged({ [TAG]: tag });
      }
      if (v === undefined && Array.isArray(this)) return tagged({ [TAG]: 'undefined' });
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const name = v.constructor.name as TypedArrayName;
        if (!(name in TYPED)) throw new TypeError(`${name} cannot be stored exactly`);
        return tagged({ [TAG]: name, values: Array.from(v as unknown as ArrayLike<number>) });
      }
      if (v !== null && typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, TAG) && !made.has(v)) {
        throw new TypeError(`an object with the key '${TAG}' cannot be stored exactly (at '${key}')`);
      }
      return v;
    },
    space,
  );
}

function isTag(v: object): boolean {
  return typeof (v as Record<string, unknown>)[TAG] === 'string';
}

export function fromExactJson<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !isTag(v)) return v;
    const tag = (v as Record<string, unknown>)[TAG] as string;
    switch (tag) {
      case 'NaN':
        return NaN;
      case 'Infinity':
        return Infinity;
      case '-Infinity':
        return -Infinity;
      case '-0':
        return -0;
      case 'undefined':
        return undefined;
      default:
        if (tag in TYPED) return new TYPED[tag as TypedArrayName]((v as { values: number[] }).values);
        throw new TypeError(`unknown exact-JSON tag '${tag}'`);
    }
  }) as T;
}
