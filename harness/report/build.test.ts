import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildReport } from './build';
import { formatDuration, formatNumber } from '../format';
import { packageRoot } from '../paths';
import { FIXTURE_RUN_ID, fixtureClaims, writeFixtureRun } from './fixture';
import { checkXml } from './xml-check';
import { brokenLinksOn, filesUnder } from '../testing/site-links';
import { validateResult } from '../schema';
import { writeJsonAtomic } from '../atomic';
import { claimDir, runDir } from '../store';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-report-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

/** Resources (stylesheets, images) are local; every relative link points at a file in the site. */
function expectLocalLinksResolve(page: string): void {
  const html = read(page);
  for (const m of html.matchAll(/<link [^>]*href="([^"]+)"|\ssrc="([^"]+)"/g)) expect(m[1] ?? m[2]).not.toMatch(/^([a-z]+:)?\/\//);
  expect(brokenLinksOn(page)).toEqual([]);
}

describe('formatting', () => {
  it('formats numbers and durations for people', () => {
    expect(formatNumber(0.0512)).toBe('0.0512');
    expect(formatNumber(1 / 3)).toBe('0.3333');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(-2.5e-7)).toBe('−2.5e−7');
    expect(formatNumber(7)).toBe('7');
    expect(formatDuration(640)).toBe('640 ms');
    expect(formatDuration(12_840)).toBe('12.8 s');
    expect(formatDuration(187_400)).toBe('3 min 07 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
  });

  it('finds the package root from this folder', () => {
    expect(JSON.parse(read(path.join(packageRoot(), 'package.json'))).name).toBe('claimbench');
  });
});

describe('buildReport', () => {
  it('writes valid fixture results', () => {
    writeFixtureRun(tmp);
    for (const claim of fixtureClaims()) {
      expect(validateResult(JSON.parse(read(path.join(claimDir(tmp, FIXTURE_RUN_ID, claim.spec.id), 'result.json'))))).toEqual([]);
    }
  });

  it('builds index, claim pages and evidence copies from a hand-made run', () => {
    const inDir = path.join(tmp, 'reports');
    const outDir = path.join(tmp, 'site');
    writeFixtureRun(inDir);
    const summary = buildReport({ inDir, outDir });

    // index, 3 claim pages, benchmarks, filters: 2 papers + 1 tier + 5 verdicts
    expect(summary).toEqual({ pages: 13, claims: 3, runs: 1, benchRuns: 0, problems: [], indexFile: path.join(outDir, 'index.html') });
    const index = read(summary.indexFile);
    expect(index).toContain('<link rel="stylesheet" href="site.css">');
    expect(fs.existsSync(path.join(outDir, 'site.css'))).toBe(true);
    // grouped by paper, with citation, in key order
    expect(index.indexOf('id="paper-gf15"')).toBeLessThan(index.indexOf('id="paper-l0l1"'));
    expect(index).toContain('Qualitatively characterizing neural network optimization problems');
    // each row: verdict, link, tier, key metric vs tolerance, paper value, duration
    expect(index).toContain('href="claims/gf15.monotone-path.html"');
    expect(index).toContain('Loss decreases monotonically along the straight path from init to solution');
    expect(index).toMatch(/<code>lossAtSolution<\/code>[\s\S]*?0\.0512[\s\S]*?0\.05 ± 50%[\s\S]*?✓<\/span> pass/); // keyExpectation, not the first
    expect(index).toMatch(/\[2, 4\][\s\S]*?✗<\/span> fail/);
    expect(index).toMatch(/≥ 0\.9[\s\S]*?–<\/span> not measured/);
    expect(index).toContain('verdict-ok');
    expect(index).toContain('verdict-fail');
    expect(index).toContain('verdict-error');
    // counts and provenance
    expect(index).toMatch(/reproduced<\/span> <strong class="count">1<\/strong>/);
    expect(index).toMatch(/not run<\/span> <strong class="count">0<\/strong>/);
    expect(index).toContain('9f2c4e1a7b3d');
    expect(index).toContain('clean</span>');
    expect(index).toContain('3 results shown');
    expect(index).toContain('AMD EPYC 7B13');
    expect(index).toContain('cpu (float64 typed arrays)');
    expect(index).toContain('v20.11.1');
    expect(index).toContain('2025-03-14 09:26 UTC');

    const claimFile = path.join(outDir, 'claims', 'gf15.monotone-path.html');
    const page = read(claimFile);
    expect(page).toContain('<link rel="stylesheet" href="../site.css">');
    expect(page).toMatch(/<table class="expectations">[\s\S]*<code>increases<\/code>[\s\S]*≤ 1[\s\S]*<code>end-loss<\/code>/);
    expect(page).toContain('Numerical noise on a flat stretch may add one tiny bump.');
    expect(page).toContain('<table class="observations">');
    expect(page).toContain('rises again');
    expect(page).toContain('<strong>fully connected</strong>');
    expect(page).toContain('<strong>256</strong>'); // resolutions
    expect(page).toContain('§ 3.1');
    expect(page).toContain('<span class="paper-num">0</span> <span class="paper-text">none visible</span>');
    expect(page).toContain('Figure 2');
    expect(page).toMatch(/<svg [^>]*role="img"/);
    expect(page).toContain('<title>Training loss along θ(α)</title>');
    expect(page).toContain('α = 0 is the initialisation');
    expect(page).toContain('&quot;optimizer&quot;: {'); // pretty JSON parameters, escaped
    expect(page).toContain('3141592653');
    expect(page).toContain('AMD EPYC 7B13, 16 threads, 63 GiB, linux/x64');
    expect(page).toContain('handlebars 4.7.8');
    const svg = page.slice(page.indexOf('<svg'), page.indexOf('</svg>') + 6);
    checkXml(svg);

    // evidence copied, byte for byte, and linked relatively
    const src = claimDir(inDir, FIXTURE_RUN_ID, 'gf15.monotone-path');
    const data = path.join(outDir, 'data', FIXTURE_RUN_ID, 'gf15.monotone-path');
    for (const name of ['result.json', 'spec.json', 'evidence.json', 'plots.json']) {
      expect(read(path.join(data, name))).toBe(read(path.join(src, name)));
      expect(page).toContain(`href="../data/${FIXTURE_RUN_ID}/gf15.monotone-path/${name}"`);
    }
    expect(page).toContain(JSON.parse(read(path.join(src, 'result.json'))).specSha256);

    // the site stands alone: no scripts, nothing remote, every relative link resolves
    for (const file of filesUnder(outDir).filter((f) => f.endsWith('.html'))) {
      const html = read(file);
      expect(html).not.toMatch(/<script/i);
      expectLocalLinksResolve(file);
    }
  });

  it('shows the reason of an error and escapes HTML from specs and results everywhere', () => {
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir);
    const summary = buildReport({ inDir, outDir: path.join(tmp, 'out') });
    const page = read(path.join(tmp, 'out', 'claims', 'l0l1.smoothness-bound.html'));
    expect(page).toContain('Hessian-vector product diverged at step 17');
    expect(page).toContain('<span class="where">Appendix B</span>'); // no § added to a named section
    expect(page).toContain('&lt;script&gt;alert(&quot;statement&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;b&gt;raw html&lt;/b&gt; is shown as text.');
    expect(page).toContain('<a href="https://openreview.net/forum?id=BJgnXpVYwS">'); // linkify
    expect(page).toContain('<td class="num"><span title="">—</span></td>'); // not measured
    for (const file of filesUnder(path.dirname(summary.indexFile)).filter((f) => f.endsWith('.html'))) {
      expect(read(file)).not.toMatch(/<script/i);
    }
  });

  it('escapes a <script> in a plot title and series name', () => {
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir);
    const plotsFile = path.join(claimDir(inDir, FIXTURE_RUN_ID, 'gf15.three-basins'), 'plots.json');
    writeJsonAtomic(plotsFile, [
      { id: 'evil', title: '<script>alert(1)</script>', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: '<script>alert(2)</script>', mark: 'line', x: [0, 1], y: [0, 1] }, { name: 'b', mark: 'line', x: [0, 1], y: [1, 0] }] },
    ]);
    buildReport({ inDir, outDir: path.join(tmp, 'out') });
    const page = read(path.join(tmp, 'out', 'claims', 'gf15.three-basins.html'));
    expect(page).not.toMatch(/<script/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
  });

  it('reports a corrupted result file by name and still builds the rest', () => {
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir);
    const later = '2025-03-15T10-00-00Z-quick-ffffff';
    writeFixtureRun(inDir, later);
    const broken = path.join(claimDir(inDir, later, 'gf15.three-basins'), 'result.json');
    fs.writeFileSync(broken, '{"schemaVersion": 1, "claimId": ');
    const invalid = path.join(claimDir(inDir, later, 'gf15.monotone-path'), 'result.json');
    writeJsonAtomic(invalid, { ...JSON.parse(read(invalid)), verdict: 'maybe' });

    const summary = buildReport({ inDir, outDir: path.join(tmp, 'out') });
    expect(summary.claims).toBe(3);
    expect(summary.runs).toBe(2);
    expect(summary.problems.map((p) => p.file)).toEqual(expect.arrayContaining([broken, invalid]));
    expect(summary.problems.find((p) => p.file === invalid)!.message).toMatch(/verdict/);
    const index = read(summary.indexFile);
    expect(index).toContain('Files that could not be used');
    expect(index).toContain(`runs/${later}/claims/gf15.three-basins/result.json`);
    // the broken claims fall back to the older run; the intact one shows the later run
    expect(read(path.join(tmp, 'out', 'claims', 'gf15.three-basins.html'))).toContain(FIXTURE_RUN_ID);
    expect(read(path.join(tmp, 'out', 'claims', 'l0l1.smoothness-bound.html'))).toContain(later);
    expect(fs.existsSync(path.join(tmp, 'out', 'data', later, 'l0l1.smoothness-bound', 'result.json'))).toBe(true);
  });

  it('shows the latest run of each claim and prunes pages of claims that are gone', () => {
    const inDir = path.join(tmp, 'in');
    const outDir = path.join(tmp, 'out');
    writeFixtureRun(inDir);
    buildReport({ inDir, outDir });
    fs.writeFileSync(path.join(outDir, 'notes.txt'), 'mine');
    fs.rmSync(runDir(inDir, FIXTURE_RUN_ID), { recursive: true });
    const later = '2025-04-01T00-00-00Z-full-000001';
    writeFixtureRun(inDir, later, 'full');
    fs.rmSync(claimDir(inDir, later, 'gf15.three-basins'), { recursive: true });

    const summary = buildReport({ inDir, outDir });
    expect(summary.claims).toBe(2);
    expect(fs.existsSync(path.join(outDir, 'claims', 'gf15.three-basins.html'))).toBe(false);
    expect(fs.existsSync(path.join(outDir, 'data', FIXTURE_RUN_ID))).toBe(false);
    expect(fs.existsSync(path.join(outDir, 'notes.txt'))).toBe(true); // only its own folders are pruned
    expect(read(summary.indexFile)).toMatch(/data-label="Tier">full<\/td>/);
  });

  it('tolerates a missing spec and broken plots', () => {
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir);
    const folder = claimDir(inDir, FIXTURE_RUN_ID, 'gf15.monotone-path');
    fs.rmSync(path.join(folder, 'spec.json'));
    fs.writeFileSync(path.join(folder, 'plots.json'), 'not json');
    const summary = buildReport({ inDir, outDir: path.join(tmp, 'out') });
    expect(summary.claims).toBe(3);
    const files = summary.problems.map((p) => path.basename(p.file));
    expect(files).toEqual(expect.arrayContaining(['spec.json', 'plots.json']));
    const page = read(path.join(tmp, 'out', 'claims', 'gf15.monotone-path.html'));
    expect(page).toContain('The claim spec could not be read.');
    expect(page).toContain('<table class="expectations">');
  });

  it('builds an empty site from a folder without runs', () => {
    const summary = buildReport({ inDir: path.join(tmp, 'nothing'), outDir: path.join(tmp, 'out') });
    expect(summary).toMatchObject({ pages: 2, claims: 0, runs: 0, benchRuns: 0, problems: [] }); // index and benchmarks
    expect(read(summary.indexFile)).toContain('No results yet');
  });

  it('throws a clear error when the output folder cannot be written', () => {
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir);
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(() => buildReport({ inDir, outDir: path.join(file, 'site') })).toThrow(/cannot create the report folder .*a-file.*site/);
    expect(() => buildReport({ inDir, outDir: file })).toThrow(/cannot write the report to .*a-file: it is not a folder/);
  });
});
