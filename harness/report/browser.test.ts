/**
 * Opens a site built from fixture runs in headless Chromium (driven by playwright-core, with the
 * system's Chromium: nothing is downloaded) and checks what a reader sees.
 *
 * Without Chromium this suite is reported as skipped, with the reason; it never passes silently. CI
 * installs Debian's `chromium` (see `.ci/run`). Another binary can be named with CLAIMBENCH_CHROMIUM.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReport } from './build';
import { benchRecord, fixtureClaims, setMeasured, writeFixtureRun } from './fixture';

const CHROMIUM = process.env['CLAIMBENCH_CHROMIUM'] || '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
const skipReason = `no Chromium at ${CHROMIUM}. Install it (Debian: apt-get install chromium) or set CLAIMBENCH_CHROMIUM`;
if (!hasChromium) console.warn(`browser.test.ts skipped: ${skipReason}.`);

(hasChromium ? describe : describe.skip)(hasChromium ? 'the report in a browser (headless Chromium)' : `the report in a browser: SKIPPED, ${skipReason}`, () => {
  let tmp: string;
  let site: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-browser-'));
    const inDir = path.join(tmp, 'in');
    writeFixtureRun(inDir, '2025-03-13T09-00-00Z-quick-000001', 'quick', {
      startedAt: '2025-03-13T09:00:00.000Z',
      commit: 'a'.repeat(40),
      mutate: (claims) => setMeasured(claims[1]!, 'classes', 3, true),
    });
    writeFixtureRun(inDir); // 2025-03-14: gf15.three-basins is no longer reproduced
    fs.mkdirSync(path.join(inDir, 'bench'));
    for (let i = 0; i < 4; i++) {
      const record = benchRecord(`b${i}`, `2025-03-1${i}T00:00:00.000Z`, [{ task: 'loss', meanMs: i === 3 ? 1.3 : 1 }]);
      fs.writeFileSync(path.join(inDir, 'bench', `b${i}.json`), JSON.stringify(record));
    }
    site = path.join(tmp, 'site');
    const summary = buildReport({ inDir, outDir: site });
    expect(summary.problems).toEqual([]);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? '?'})`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const url = (rel: string): string => pathToFileURL(path.join(site, rel)).href;

  /** Clicks a link and waits until its page has loaded (so no load is cut short by the next step). */
  async function follow(link: ReturnType<Page['locator']>, target: string): Promise<void> {
    await Promise.all([page.waitForURL(target, { waitUntil: 'load' }), link.click()]);
    expect(page.url()).toBe(target);
  }

  it('lists every claim on the index, with its history', async () => {
    await page.goto(url('index.html'));
    expect(await page.title()).toBe('Reproducibility report · claimbench');
    const ids = await page.locator('table.claims code.claim-id').allTextContents();
    expect(ids.sort()).toEqual(fixtureClaims().map((c) => c.spec.id).sort());
    // the verdict strips are drawn, with their text alternative
    const strip = page.locator('svg.strip').first();
    expect(await strip.isVisible()).toBe(true);
    expect(await strip.locator('title').first().textContent()).toBe('Verdict history, last 2 runs');
    expect(await page.locator('svg.spark').count()).toBeGreaterThan(0);
    // CSS loaded: the masthead has its background
    // (browser-side code as strings: this project compiles without the DOM library)
    const bg = await page.evaluate<string>('getComputedStyle(document.querySelector(".masthead")).backgroundColor');
    expect(bg).toBe('rgb(245, 245, 243)');
    await page.screenshot({ path: path.join(tmp, 'index.png'), fullPage: true });
    expect(fs.statSync(path.join(tmp, 'index.png')).size).toBeGreaterThan(10_000);
  });

  it('moves keyboard focus to a visible skip link first', async () => {
    await page.goto(url('index.html'));
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<{ text: string; top: number }>(
      '({ text: document.activeElement?.textContent ?? "", top: document.activeElement?.getBoundingClientRect().top ?? -1 })',
    );
    expect(focused.text).toBe('Skip to main content');
    expect(focused.top).toBeGreaterThanOrEqual(0);
    await page.keyboard.press('Enter');
    expect(page.url()).toMatch(/#main$/);
  });

  it('filters without scripts: the filter links lead to pages with only the matching claims', async () => {
    await page.goto(url('index.html'));
    await follow(page.locator('nav.filters a', { hasText: 'not reproduced' }), url('index-verdict-not-reproduced.html'));
    expect(await page.locator('table.claims code.claim-id').allTextContents()).toEqual(['gf15.three-basins']);
    expect(await page.locator('nav.filters [aria-current="page"]').textContent()).toMatch(/not reproduced/);
    await follow(page.locator('nav.filters a', { hasText: 'l0l1' }), url('index-paper-l0l1.html'));
    expect(await page.locator('table.claims code.claim-id').allTextContents()).toEqual(['l0l1.smoothness-bound']);
    await follow(page.locator('.filter-status a'), url('index.html'));
  });

  it('shows a claim page with its plots, expectation table and history', async () => {
    await page.goto(url('index.html'));
    await follow(page.locator('a.claim-link', { hasText: 'Random restarts' }), url('claims/gf15.three-basins.html'));
    const plot = page.locator('figure.plot-figure svg').first();
    expect(await plot.isVisible()).toBe(true);
    const box = await plot.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(200);
    expect(await page.locator('table.expectations tbody tr').count()).toBe(1);
    expect(await page.locator('table.expectations').isVisible()).toBe(true);
    expect(await page.locator('table.history tbody tr').count()).toBe(2);
    expect(await page.locator('#history ul.changes li').first().textContent()).toMatch(/^reproduced until run 2025-03-13T09-00-00Z-quick-000001 at commit aaaaaaaaaaaa, not reproduced since run/);
    expect(await page.locator('#history svg.trend').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(tmp, 'claim.png'), fullPage: true });
    // the evidence link of the older run opens its JSON
    await follow(page.locator('table.history a', { hasText: 'evidence' }).last(), url('data/2025-03-13T09-00-00Z-quick-000001/gf15.three-basins/evidence.json'));
  });

  it('shows the benchmarks page with its flagged slowdown', async () => {
    await page.goto(url('index.html'));
    await follow(page.locator('nav.site-nav a', { hasText: 'Benchmarks' }), url('benchmarks.html'));
    expect(await page.locator('table.bench tbody tr').count()).toBe(1);
    expect(await page.locator('table.bench .mark-fail').textContent()).toContain('slower');
    expect(await page.locator('table.bench svg.spark').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(tmp, 'benchmarks.png'), fullPage: true });
  });

  it('logged no console errors and no failed requests on any page it opened', () => {
    expect(problems).toEqual([]);
  });
});
