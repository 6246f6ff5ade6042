/**
 * The dashboard parts of the site: history per claim and tier, archive pages, incomplete runs, filter
 * pages, the benchmarks page, and the accessibility basics every page shares.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeJsonAtomic } from '../atomic';
import { runDir } from '../store';
import { buildReport } from './build';
import { benchRecord, FIXTURE_COMMIT, setMeasured, writeFixtureRun, writeSyntheticHistory } from './fixture';
import { checkXml } from './xml-check';
import { brokenLinksOn, filesUnder } from '../testing/site-links';

let tmp: string;
let inDir: string;
let outDir: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-site-'));
  inDir = path.join(tmp, 'in');
  outDir = path.join(tmp, 'site');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function page(rel: string): string {
  return read(path.join(outDir, rel));
}

function htmlPages(): string[] {
  return filesUnder(outDir).filter((f) => f.endsWith('.html'));
}

function expectLocalLinksResolve(file: string): void {
  expect([path.relative(outDir, file), brokenLinksOn(file)]).toEqual([path.relative(outDir, file), []]);
}

/** The rows of the first `<table class="history">` on a page, as run ids. */
function historyRunIds(html: string): string[] {
  const table = html.slice(html.indexOf('<table class="history">'), html.indexOf('</table>', html.indexOf('<table class="history">')));
  return [...table.matchAll(/<th scope="row"><code class="run-id">([^<]+)<\/code>/g)].map((m) => m[1]!);
}

const day = (i: number): string => new Date(Date.UTC(2025, 2, 1 + i, 9)).toISOString();
const runId = (i: number, tier = 'quick'): string => `${day(i).slice(0, 10)}T09-00-00Z-${tier}-${String(i).padStart(6, '0')}`;

describe('claim history', () => {
  it('shows every run of a claim, the change points in words, a verdict strip and a sparkline', () => {
    writeFixtureRun(inDir, runId(1), 'quick', { startedAt: day(1), commit: 'a'.repeat(40) });
    writeFixtureRun(inDir, runId(2), 'quick', { startedAt: day(2), commit: 'b'.repeat(40), mutate: (c) => setMeasured(c[0]!, 'end-loss', 0.061, true) });
    writeFixtureRun(inDir, runId(3), 'quick', { startedAt: day(3), commit: 'c'.repeat(40), mutate: (c) => setMeasured(c[0]!, 'end-loss', 0.2, false) });
    const summary = buildReport({ inDir, outDir });
    expect(summary.problems).toEqual([]);

    const claim = page('claims/gf15.monotone-path.html');
    expect(historyRunIds(claim)).toEqual([runId(3), runId(2), runId(1)]);
    expect(claim).toContain(
      `reproduced until run ${runId(2)} at commit bbbbbbbbbbbb, not reproduced since run ${runId(3)} (commit cccccccccccc)`,
    );
    expect(claim).toMatch(/not reproduced in the last run; reproduced until run/);
    // the history table: run, date, commit, tier, verdict, key metric, duration, links to the evidence of that run
    expect(claim).toMatch(/<th scope="col">Run<\/th><th scope="col">Date<\/th><th scope="col">Commit<\/th><th scope="col">Tier<\/th><th scope="col">Verdict<\/th><th scope="col" class="num">Key metric<\/th><th scope="col" class="num">Duration<\/th><th scope="col">Evidence<\/th>/);
    expect(claim).toContain('2025-03-03 09:00 UTC');
    expect(claim).toContain('>0.061</span> <span class="mark mark-pass">');
    for (const i of [1, 2, 3]) {
      expect(claim).toContain(`href="../data/${runId(i)}/gf15.monotone-path/evidence.json"`);
      expect(fs.existsSync(path.join(outDir, 'data', runId(i), 'gf15.monotone-path', 'evidence.json'))).toBe(true);
    }
    // the trend of the key metric, with text alternatives
    expect(claim).toContain('<title>lossAtSolution over 3 runs at tier quick</title>');
    expect(claim).toMatch(/<desc>Key expectation end-loss: lossAtSolution in each run, oldest first, from 2025-03-02 to 2025-03-04\. Lowest 0\.0512, highest 0\.2, newest 0\.2\. Accepted 0\.05 ± 50%; 1 value outside it\./);

    const index = page('index.html');
    expect(index).toContain('<title>Verdict history, last 3 runs</title>');
    expect(index).toMatch(/<desc>Verdicts of the last 3 runs at tier quick, oldest first: 2 reproduced, 1 not reproduced\. Newest: not reproduced/);
    expect(index).toContain('<title>lossAtSolution over the last 3 runs</title>');
    expect(index).toContain('lossAtSolution, oldest to newest: 0.0512, 0.061, 0.2.');
    expect(index).toContain('1 value outside it (marked with crosses)');
    expect(index).toContain('href="claims/gf15.monotone-path.html#history"');

    for (const file of htmlPages()) {
      const html = read(file);
      for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) checkXml(svg);
      expectLocalLinksResolve(file);
    }
  });

  it('marks results of incomplete runs, killed runs and runs still in progress', () => {
    writeFixtureRun(inDir, runId(1), 'quick', { startedAt: day(1) });
    writeFixtureRun(inDir, runId(2), 'quick', { startedAt: day(2), status: 'incomplete', only: ['gf15.monotone-path'] });
    writeFixtureRun(inDir, runId(3), 'quick', { startedAt: day(3), status: 'running', only: ['gf15.three-basins'] }); // no writer: killed
    writeFixtureRun(inDir, runId(4), 'quick', { startedAt: day(4), status: 'running', writer: { pid: 4242, hostname: 'other-host' }, only: ['l0l1.smoothness-bound'] });
    buildReport({ inDir, outDir, isLive: (m) => m.status === 'running' && m.writer !== undefined });

    const index = page('index.html');
    expect(index).toContain(`The newest run, ${runId(4)}, is running in process 4242 on other-host; 1 of 3 claims finished so far.`);
    expect(index).toContain('incomplete: 1 of 3 claims finished');
    expect(index).toContain('incomplete: its writer is gone, so it was stopped before it finished; 1 of 3 claims finished');
    expect(index.match(/◔<\/span> incomplete run/g)).toHaveLength(2);
    expect(index.match(/◔<\/span> run in progress/g)).toHaveLength(1);
    expect(page('claims/gf15.monotone-path.html')).toMatch(new RegExp(`${runId(2)}</code> <span class="tag">current</span><br><span class="run-state"`));
    expect(page('claims/gf15.three-basins.html')).toContain('from an incomplete run');
    expect(page('claims/l0l1.smoothness-bound.html')).toContain('run in progress');
  });

  it('gives each tier its own history and page, linked from each other', () => {
    writeFixtureRun(inDir, runId(1), 'quick', { startedAt: day(1) });
    writeFixtureRun(inDir, runId(2, 'full'), 'full', { startedAt: day(2), mutate: (c) => setMeasured(c[1]!, 'classes', 3, true) });
    writeFixtureRun(inDir, runId(3), 'quick', { startedAt: day(3) });
    const summary = buildReport({ inDir, outDir });
    expect(summary.claims).toBe(3);
    // the newest result is at tier quick, so quick gets claims/<id>.html and full its tier page
    const quick = page('claims/gf15.three-basins.html');
    const full = page('claims/gf15.three-basins/tier-full.html');
    expect(historyRunIds(quick)).toEqual([runId(3), runId(1)]);
    expect(historyRunIds(full)).toEqual([runId(2, 'full')]);
    expect(quick).toContain('href="gf15.three-basins/tier-full.html" class="filter">full');
    expect(full).toContain('href="../gf15.three-basins.html" class="filter">quick');
    expect(full).toContain('<link rel="stylesheet" href="../../site.css">');
    const index = page('index.html');
    expect(index).toContain('href="claims/gf15.three-basins/tier-full.html"');
    expect(index.match(/data-label="Tier">(quick|full)<\/td>/g)).toHaveLength(6);
    for (const file of htmlPages()) expectLocalLinksResolve(file);
  });

  it('builds a year of nightly runs: 50 runs per claim page, older ones on archive pages', () => {
    const ids = writeSyntheticHistory(inDir, 400);
    const summary = buildReport({ inDir, outDir });
    expect(summary).toMatchObject({ runs: 400, claims: 2, problems: [] });

    const claim = page('claims/gf15.monotone-path.html');
    expect(historyRunIds(claim)).toEqual(ids.slice(-50).reverse());
    expect(claim).toContain('The 50 most recent of 400 runs, newest first');
    const archives = fs.readdirSync(path.join(outDir, 'claims', 'gf15.monotone-path')).sort();
    expect(archives).toEqual([1, 2, 3, 4, 5, 6, 7].map((k) => `archive-${k}.html`));
    const seen: string[] = [...historyRunIds(claim)];
    for (let k = 1; k <= 7; k++) {
      const html = page(`claims/gf15.monotone-path/archive-${k}.html`);
      const rows = historyRunIds(html);
      expect(rows).toEqual(ids.slice((k - 1) * 50, k * 50).reverse()); // archive-1 holds the oldest runs
      expect(html).toContain(`runs ${(k - 1) * 50 + 1}–${k * 50} of 400`);
      seen.push(...rows);
    }
    expect(seen.sort()).toEqual([...ids].sort()); // every run exactly once
    const archive3 = page('claims/gf15.monotone-path/archive-3.html');
    expect(archive3).toContain('<title>Verdict history, runs 101–150</title>');
    expect(archive3).toContain('<a href="../gf15.monotone-path.html">newest runs</a>');
    expect(archive3).toContain('<a href="archive-4.html" rel="next">Newer: runs 151–200</a>');
    expect(archive3).toContain('<a href="archive-2.html" rel="prev">Older: runs 51–100</a>');
    expect(archive3).toContain('<strong aria-current="page">runs 101–150</strong>');
    expect(claim).toContain('<title>Verdict history, 50 most recent runs</title>');
    // change points land on the page that holds the run after the change
    expect(page('claims/gf15.monotone-path/archive-6.html')).toContain(`reproduced until run ${ids[298]}`);
    expect(page('claims/gf15.monotone-path/archive-7.html')).toContain(`not reproduced until run ${ids[318]}`);
    expect(claim).toContain('None among these runs: the verdict stayed the same.');
    expect(claim).toContain(`reproduced in the last 81 runs; not reproduced until run ${ids[318]}`);
    const basins = page('claims/gf15.three-basins.html');
    expect(basins).toMatch(new RegExp(`reproduced until run ${ids[388]} at commit [0-9a-f]{12}, not reproduced since run ${ids[389]}`));
    // the index shows the most recent runs only
    const index = page('index.html');
    expect(index).toContain('last 15 of 400 runs');
    expect(index).toContain('<title>Verdict history, last 15 runs</title>');
    for (const file of [path.join(outDir, 'claims', 'gf15.monotone-path.html'), path.join(outDir, 'claims', 'gf15.monotone-path', 'archive-3.html')]) expectLocalLinksResolve(file);

    // a rebuild with a larger page size drops the archive pages it no longer makes
    buildReport({ inDir, outDir, historyLimit: 100 });
    expect(fs.readdirSync(path.join(outDir, 'claims', 'gf15.monotone-path')).sort()).toEqual(['archive-1.html', 'archive-2.html', 'archive-3.html']);
    expect(historyRunIds(page('claims/gf15.monotone-path.html'))).toHaveLength(100);
  });
});

describe('filters', () => {
  it('pre-renders one index page per paper, tier and verdict, linked from a filter bar', () => {
    writeFixtureRun(inDir);
    writeFixtureRun(inDir, runId(30, 'full'), 'full', { startedAt: day(30), only: ['gf15.monotone-path'] });
    buildReport({ inDir, outDir });
    const names = fs.readdirSync(outDir).filter((n) => n.startsWith('index')).sort();
    expect(names).toEqual([
      'index-paper-gf15.html',
      'index-paper-l0l1.html',
      'index-tier-full.html',
      'index-tier-quick.html',
      'index-verdict-error.html',
      'index-verdict-inconclusive.html',
      'index-verdict-not-reproduced.html',
      'index-verdict-not-run.html',
      'index-verdict-reproduced.html',
      'index.html',
    ]);
    const index = page('index.html');
    expect(index).toContain('<nav class="filters" aria-label="Filter claims">');
    const empty = ['index.html', 'index-verdict-not-run.html', 'index-verdict-inconclusive.html'];
    for (const name of names) if (!empty.includes(name)) expect(index).toContain(`href="${name}"`);
    expect(index).toContain('<span class="filter filter-empty">not run at this tier <span class="filter-count">0</span></span>');

    const failing = page('index-verdict-not-reproduced.html');
    expect(failing).toContain('Showing 1 of 4 rows where verdict is not reproduced.');
    expect(failing).toContain('gf15.three-basins');
    expect(failing).not.toContain('claims/gf15.monotone-path.html');
    expect(failing).toContain('<a href="index-verdict-not-reproduced.html" class="filter filter-current" aria-current="page">');
    const full = page('index-tier-full.html');
    expect(full.match(/<th scope="row" data-label="Claim"/g)).toHaveLength(1);
    const l0l1 = page('index-paper-l0l1.html');
    expect(l0l1).toContain('l0l1.smoothness-bound');
    expect(l0l1).not.toContain('id="paper-gf15"');
    expect(page('index-verdict-not-run.html')).toContain('No claim matches this filter.');

    // a paper that is gone loses its filter page on the next build
    fs.rmSync(path.join(runDir(inDir, '2025-03-14T09-26-53Z-quick-1a2b3c'), 'claims', 'l0l1.smoothness-bound'), { recursive: true });
    buildReport({ inDir, outDir });
    expect(fs.existsSync(path.join(outDir, 'index-paper-l0l1.html'))).toBe(false);
    expect(fs.existsSync(path.join(outDir, 'index-paper-gf15.html'))).toBe(true);
  });
});

describe('benchmarks page', () => {
  it('shows a table per suite with latest mean, median of previous, change and flag, and a trend per task', () => {
    writeFixtureRun(inDir);
    const bench = path.join(inDir, 'bench');
    fs.mkdirSync(bench, { recursive: true });
    for (let i = 0; i < 12; i++) {
      const tasks = [
        { task: 'loss', meanMs: 0.5 },
        { task: 'gradient', meanMs: i === 11 ? 2.4 : 2 }, // slower in the newest run
        { suite: 'autoencoder', task: 'hessian', meanMs: i === 5 ? 300 : 250 }, // an old slowdown
      ];
      fs.writeFileSync(path.join(bench, `${i}.json`), JSON.stringify(benchRecord(`bench-${i}`, day(i), tasks)));
    }
    fs.writeFileSync(path.join(bench, 'half-written.json'), '{"schemaVersion": 1, "id": "x", ');
    const summary = buildReport({ inDir, outDir });
    expect(summary.benchRuns).toBe(12);
    expect(summary.problems.map((p) => path.basename(p.file))).toEqual(['half-written.json']);

    const html = page('benchmarks.html');
    expect(html).toContain('<h2 id="suite-float64_engine-h">float64 engine</h2>');
    expect(html).toContain('<h2 id="suite-autoencoder-h">autoencoder</h2>');
    expect(html).toMatch(/<th scope="row">gradient<\/th>\s*<td class="machine">AMD EPYC 7B13, 16 threads on lab-runner-3<\/td>\s*<td class="num">12<\/td>\s*<td class="num"><span title="[^"]+">2\.4 ms<\/span>[\s\S]*?<td class="num">2 ms<br><span class="muted small">of 10 runs<\/span><\/td>\s*<td class="num change-slower">\+20\.0 %<\/td>\s*<td><span class="mark mark-fail"><span aria-hidden="true">▲<\/span> slower<\/span>/);
    expect(html).toMatch(/<th scope="row">loss<\/th>[\s\S]*?<td class="num">500 µs<br><span class="muted small">of 10 runs<\/span><\/td>\s*<td class="num ">0\.0 %<\/td>\s*<td><span class="muted">—<\/span><\/td>/);
    expect(html).toMatch(/<th scope="row">hessian<\/th>[\s\S]*?1 of 12 runs flagged/);
    expect(html).toContain('float64 engine / gradient on AMD EPYC 7B13, 16 threads on lab-runner-3: 2.4 ms, +20.0 % against 2 ms');
    expect(html).toContain('<title>Mean time of gradient over the last 12 runs</title>');
    expect(html).toContain('bench/half-written.json');
    expect(html).toContain('aria-current="page">Benchmarks</a>');
    for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) checkXml(svg);
    expect(page('index.html')).toContain('bench/half-written.json'); // every skipped file is listed on the index too
  });

  it('takes another bench folder, and says so when there is none', () => {
    writeFixtureRun(inDir);
    const other = path.join(tmp, 'elsewhere');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'a.json'), JSON.stringify(benchRecord('a', day(1), [{ task: 'loss', meanMs: 1 }])));
    expect(buildReport({ inDir, outDir, benchDir: other }).benchRuns).toBe(1);
    expect(page('benchmarks.html')).toContain('<th scope="row">loss</th>');
    expect(buildReport({ inDir, outDir }).benchRuns).toBe(0);
    expect(page('benchmarks.html')).toContain('No benchmark results yet');
  });
});

describe('damaged input', () => {
  it('reports corrupted and foreign files under runs/ by name and builds the rest', () => {
    writeFixtureRun(inDir);
    const runs = path.join(inDir, 'runs');
    fs.writeFileSync(path.join(runs, 'README.txt'), 'not a run');
    fs.mkdirSync(path.join(runs, 'no-manifest'));
    fs.mkdirSync(path.join(runs, 'foreign'));
    writeJsonAtomic(path.join(runs, 'foreign', 'manifest.json'), { name: 'some other tool' });
    fs.mkdirSync(path.join(runs, 'torn'));
    fs.writeFileSync(path.join(runs, 'torn', 'manifest.json'), '{"schemaVersion": 1, "id": "torn", "cla');
    const summary = buildReport({ inDir, outDir });
    expect(summary.claims).toBe(3);
    expect(summary.problems.map((p) => path.relative(runs, p.file)).sort()).toEqual(['README.txt', 'foreign/manifest.json', 'no-manifest/manifest.json', 'torn/manifest.json']);
    const index = page('index.html');
    for (const name of ['runs/README.txt', 'runs/foreign/manifest.json', 'runs/no-manifest/manifest.json', 'runs/torn/manifest.json']) expect(index).toContain(`<code>${name}</code>`);
    expect(index).toContain('not a claimbench run manifest');
  });
});

describe('accessibility basics on every page', () => {
  it('has a skip link, landmarks, scoped headers and text alternatives for every graphic', () => {
    writeFixtureRun(inDir, runId(1), 'quick', { startedAt: day(1), commit: FIXTURE_COMMIT });
    writeFixtureRun(inDir, runId(2), 'quick', { startedAt: day(2) });
    writeSyntheticHistory(inDir, 60);
    fs.mkdirSync(path.join(inDir, 'bench'));
    fs.writeFileSync(path.join(inDir, 'bench', 'a.json'), JSON.stringify(benchRecord('a', day(1), [{ task: 'loss', meanMs: 1 }])));
    fs.writeFileSync(path.join(inDir, 'bench', 'b.json'), JSON.stringify(benchRecord('b', day(2), [{ task: 'loss', meanMs: 1.1 }])));
    buildReport({ inDir, outDir, historyLimit: 20 });
    const pages = htmlPages();
    expect(pages.length).toBeGreaterThan(15);
    for (const file of pages) {
      const html = read(file);
      const where = path.relative(outDir, file);
      expect([where, html.includes('<html lang="en">')]).toEqual([where, true]);
      expect([where, html.includes('<a class="skip-link" href="#main">Skip to main content</a>')]).toEqual([where, true]);
      expect([where, html.includes('<main id="main"')]).toEqual([where, true]);
      expect([where, /<nav class="site-nav" aria-label="Site">/.test(html)]).toEqual([where, true]);
      expect([where, (html.match(/<h1[ >]/g) ?? []).length]).toEqual([where, 1]);
      expect(html).not.toMatch(/<script/i);
      for (const th of html.match(/<th[ >][^>]*>/g) ?? []) expect([where, th]).toEqual([where, expect.stringMatching(/scope="(col|row)"/)]);
      for (const svg of html.match(/<svg[\s\S]*?<\/svg>/g) ?? []) {
        checkXml(svg);
        if (svg.includes('aria-hidden="true"')) continue; // a decorative legend glyph beside its word
        expect([where, /^<svg [^>]*role="img"[^>]*><title>[^<]+<\/title><desc>[^<]+<\/desc>/.test(svg)]).toEqual([where, true]);
      }
      expectLocalLinksResolve(file);
    }
    const css = page('site.css');
    expect(css).toMatch(/:focus-visible/);
    expect(css).toMatch(/\.skip-link:focus/);
  });
});
