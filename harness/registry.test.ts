import { Registry, experimentKinds } from './registry';
import './experiments';

describe('Registry', () => {
  it('refuses a duplicate name and lists known names for an unknown one', () => {
    const r = new Registry<{ name: string; v: number }>('widget');
    r.register({ name: 'b', v: 1 });
    r.register({ name: 'a', v: 2 });
    expect(() => r.register({ name: 'a', v: 3 })).toThrow("widget 'a' is already registered");
    expect(r.get('a').v).toBe(2);
    expect(r.names()).toEqual(['a', 'b']);
    expect(() => r.get('c')).toThrow("unknown widget 'c'; known: a, b");
  });

  it('holds the built-in experiment kinds, and re-registering one throws', () => {
    expect(experimentKinds.names()).toEqual(expect.arrayContaining(['line-scan', 'segment-scan']));
    expect(() => experimentKinds.register(experimentKinds.get('line-scan'))).toThrow(/already registered/);
  });
});
