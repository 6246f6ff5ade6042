/**
 * The malformed-spec corpus (testing/malformed-specs): for each case, the first problem validate reports
 * is the expected one, names the file, and carries a hint. Also: symlinked specs and link loops.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatProblem, loadClaims } from '../claims';
import { malformedCases, validSpec } from '../testing/malformed-specs/corpus';
import '../experiments';

const expectedFile = path.join(__dirname, '..', 'testing', 'malformed-specs', 'expected.json');
const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function claimsFolder(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-malformed-'));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

describe('the malformed-spec corpus', () => {
  const cases = malformedCases();
  const firstLines: Record<string, string> = {};
  afterAll(() => {
    if (process.env.UPDATE_MALFORMED_SPECS) fs.writeFileSync(expectedFile, `${JSON.stringify(firstLines, null, 1)}\n`);
  });

  it('has at least 50 cases, each with a distinct name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('starts from a valid spec', () => {
    const root = claimsFolder({ 'test/line.json': JSON.stringify(validSpec()) });
    expect(loadClaims(root).problems).toEqual([]);
  });

  const expected: Record<string, string> = fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : {};
  it.each(cases.map((c) => [c.name, c] as const))('%s: reports the expected first problem, with the file and a hint', (name, c) => {
    const root = claimsFolder({ [c.file]: c.text });
    const { problems } = loadClaims(root);
    expect(problems.length).toBeGreaterThan(0);
    const first = problems[0];
    expect(first.file).toBe(path.join(root, c.file));
    expect(first.hint).toEqual(expect.any(String));
    const line = formatProblem(first, root).split('\n')[0];
    firstLines[name] = line;
    if (!process.env.UPDATE_MALFORMED_SPECS) expect(line).toBe(expected[name]);
  });
});

describe('spec files behind symbolic links', () => {
  it('are followed, and a link back up does not loop', () => {
    const store = claimsFolder({ 'elsewhere/line.json': JSON.stringify(validSpec()) });
    const root = claimsFolder({});
    fs.mkdirSync(path.join(root, 'test'));
    fs.symlinkSync(path.join(store, 'elsewhere', 'line.json'), path.join(root, 'test', 'line.json'));
    fs.symlinkSync(root, path.join(root, 'test', 'loop'));
    const { claims, problems } = loadClaims(root);
    expect(problems).toEqual([]);
    expect(claims.map((c) => c.spec.id)).toEqual(['test.line']);
  });

  it('are reported when they dangle', () => {
    const root = claimsFolder({ 'test/line.json': JSON.stringify(validSpec()) });
    fs.symlinkSync(path.join(root, 'nowhere.json'), path.join(root, 'test', 'gone.json'));
    expect(loadClaims(root).problems.map((p) => `${path.relative(root, p.file)}: ${p.message}`)).toEqual([expect.stringMatching(/^test\/gone\.json: cannot read: ENOENT/)]);
  });
});
