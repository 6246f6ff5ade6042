/**
 * Controls, protocol files and the inconclusive verdict in the report: each control beside its claim,
 * the inconclusive filter page and glyph, the claims without controls on the index, and results stored
 * before controls existed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeJsonAtomic } from '../atomic';
import { validateResult } from '../schema';
import { claimDir } from '../store';
import type { ClaimResult, ClaimSpec, ControlResult } from '../types';
import { buildReport } from './build';
import { FIXTURE_RUN_ID, writeFixtureRun } from './fixture';
import { verdictGlyph } from './spark';

let tmp: string;
let inDir: string;
let outDir: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claimbench-controls-report-'));
  inDir = path.join(tmp, 'in');
  outDir = path.join(tmp, 'site');
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const page = (rel: string): string => fs.readFileSync(path.join(outDir, rel), 'utf8');
const folderOf = (claimId: string): string => claimDir(inDir, FIXTURE_RUN_ID, claimId);

function control(id: string, status: ControlResult['status'], measured: number): ControlResult {
  const pass = status !== 'discriminated';
  return {
    id,
    description: `Under **${id}** the loss along the path should rise: ‖H‖_F … ‖H‖₂ and β_{k−1}.`,
    params: { width: 256, steps: 41, optimizer: { name: 'sgd', lr: 5 } },
    mustFail: ['end-loss'],
    status,
    discriminates: !pass,
    ...(pass ? { reason: "'end-loss' still passes under the control" } : {}),
    metrics: { increases: 0, lossAtSolution: measured },
    expectations: [
      { id: 'increases', metric: 'increases', comparator: 'atMost', tolerance: '≤ 1', measured: 0, pass: true, rationale: 'r' },
      { id: 'end-loss', metric: 'lossAtSolution', comparator: 'approximately', tolerance: '0.05 ± 50%', measured, pass, rationale: 'r' },
    ],
    observations: [],
    durationMs: 1200,
    files: { evidence: `controls/${id}/evidence.json`, plots: `controls/${id}/plots.json` },
  };
}

/** Gives gf15.monotone-path two controls (one blind: inconclusive) and a protocol file; gf15.three-basins a noControlReason. */
function writeRunWithControls(): void {
  writeFixtureRun(inDir);
  const monotone = folderOf('gf15.monotone-path');
  const result: ClaimResult = JSON.parse(fs.readFileSync(path.join(monotone, 'result.json'), 'utf8'));
  const controls = [control('large-lr', 'discriminated', 0.4), control('tiny-lr', 'not discriminated', 0.05)];
  for (const c of controls) {
    writeJsonAtomic(path.join(monotone, 'controls', c.id, 'evidence.json'), { lossAtSolution: c.metrics.lossAtSolution });
    writeJsonAtomic(path.join(monotone, 'controls', c.id, 'plots.json'), [{ id: 'path', title: `Loss along the path under ${c.id}`, x: { label: 'α' }, y: { label: 'loss' }, series: [{ name: 'loss', mark: 'line', x: [0, 1], y: [1, c.metrics.lossAtSolution] }] }]);
  }
  fs.writeFileSync(path.join(monotone, 'protocol.md'), '# Shared protocol\n\nEvery run starts from its **own** point; r_H and λ_min as in §3.');
  const updated: ClaimResult = { ...result, verdict: 'inconclusive', reason: "control 'tiny-lr': 'end-loss' still passes under the control, so the suite cannot tell the claim from its negation", controls, files: { ...result.files, protocol: ['protocol.md'] } };
  expect(validateResult(updated)).toEqual([]);
  writeJsonAtomic(path.join(monotone, 'result.json'), updated);
  const spec: ClaimSpec = JSON.parse(fs.readFileSync(path.join(monotone, 'spec.json'), 'utf8'));
  spec.controls = [
    { id: 'large-lr', description: 'd', params: { optimizer: { lr: 5 } }, mustFail: ['end-loss'] },
    { id: 'tiny-lr', description: 'd', params: { optimizer: { lr: 1e-6 } }, mustFail: ['end-loss'] },
    { id: 'no-momentum', description: 'd', params: { optimizer: { momentum: 0 } }, mustFail: ['end-loss'], tiers: ['full'] },
  ];
  spec.expectations[0].noControlReason = 'Counting increases needs a path; every path has one.';
  writeJsonAtomic(path.join(monotone, 'spec.json'), spec);

  const basins = folderOf('gf15.three-basins');
  const basinsSpec: ClaimSpec = JSON.parse(fs.readFileSync(path.join(basins, 'spec.json'), 'utf8'));
  writeJsonAtomic(path.join(basins, 'spec.json'), { ...basinsSpec, controls: [], noControlReason: 'The number of basins is a _count_ of what the data show; no setting removes basins.' });
}

describe('the claim page of a claim with controls', () => {
  it('shows each control beside the claim: description, must-fail, scores, discrimination, plots and raw files', () => {
    writeRunWithControls();
    const summary = buildReport({ inDir, outDir });
    expect(summary.problems).toEqual([]);
    const html = page('claims/gf15.monotone-path.html');
    expect(html).toContain('<span class="verdict verdict-inconclusive"><span class="verdict-symbol" aria-hidden="true">?</span> inconclusive</span>');
    expect(html).toContain('<p class="reason verdict-box-inconclusive"><strong>Reason:</strong> control &#x27;tiny-lr&#x27;');
    const controls = html.slice(html.indexOf('<section id="controls"'), html.indexOf('</section>', html.indexOf('<section id="controls"')));
    expect(controls).toContain('<article class="control" id="control-large-lr"');
    expect(controls).toContain('<span class="verdict verdict-ok"><span class="verdict-symbol" aria-hidden="true">✓</span> discriminated</span>');
    expect(controls).toContain('<span class="verdict verdict-inconclusive"><span class="verdict-symbol" aria-hidden="true">?</span> not discriminated</span>');
    // The description is markdown, with its subscripts intact.
    expect(controls).toContain('Under <strong>large-lr</strong> the loss along the path should rise: ‖H‖_F … ‖H‖₂ and β_{k−1}.');
    expect(controls).toContain('Must fail: <code>end-loss</code>.');
    expect(controls).toContain('must fail, failed');
    expect(controls).toContain('must fail, did not');
    expect(controls).toContain('not required to fail');
    expect(controls).toContain('&quot;lr&quot;: 5');
    expect(controls).toContain('Loss along the path under tiny-lr');
    expect(controls.match(/<svg/g)?.length).toBeGreaterThanOrEqual(2);
    // Raw JSON copied under data/ beside the claim's, linked from the control.
    const evidence = `../data/${FIXTURE_RUN_ID}/gf15.monotone-path/controls/tiny-lr/evidence.json`;
    expect(controls).toContain(`href="${evidence}"`);
    expect(JSON.parse(fs.readFileSync(path.join(outDir, 'claims', evidence), 'utf8'))).toEqual({ lossAtSolution: 0.05 });
    // Controls of the spec that run at other tiers, and exempt expectations with their reasons.
    expect(controls).toContain('<code>no-momentum</code> <span class="muted">(runs at: full)</span>');
    expect(controls).toContain('<dt><code>increases</code></dt><dd class="prose"><p>Counting increases needs a path; every path has one.</p>');
    // The claim's own raw-evidence list leaves the control files to their controls.
    const raw = html.slice(html.indexOf('id="evidence-h"'));
    expect(raw).not.toContain('controls/');
  });

  it('renders the protocol once, in its own section', () => {
    writeRunWithControls();
    buildReport({ inDir, outDir });
    const html = page('claims/gf15.monotone-path.html');
    expect(html).toContain('<h2 id="protocol-h">Protocol</h2>');
    expect(html.match(/Every run starts from its <strong>own<\/strong> point; r_H and λ_min as in §3\./g)).toHaveLength(1);
    expect(page('claims/gf15.three-basins.html')).not.toContain('id="protocol-h"');
  });
});

describe('the index', () => {
  it('has an inconclusive filter page, glyph and total, and lists claims without controls with the reasons', () => {
    writeRunWithControls();
    buildReport({ inDir, outDir });
    const index = page('index.html');
    expect(index).toContain('href="index-verdict-inconclusive.html"');
    expect(index).toContain(verdictGlyph('inconclusive'));
    const filtered = page('index-verdict-inconclusive.html');
    expect(filtered).toContain('Showing 1 of 3 rows where verdict is inconclusive.');
    expect(filtered).toContain('claims/gf15.monotone-path.html');
    expect(filtered).not.toContain('claims/gf15.three-basins.html');
    const uncontrolled = index.slice(index.indexOf('id="uncontrolled-h"'));
    expect(uncontrolled).toContain('<strong>No control:</strong> <p>The number of basins is a <em>count</em> of what the data show; no setting removes basins.</p>');
    expect(uncontrolled).toContain('<strong>Expectation <code>increases</code>:</strong> <p>Counting increases needs a path; every path has one.</p>');
  });

  it('gives inconclusive a glyph of its own shape and a colour that meets WCAG AA, like the other verdicts', () => {
    const css = fs.readFileSync(path.join(__dirname, 'templates', 'site.css'), 'utf8');
    const colour = (name: string): string => new RegExp(`--${name}:\\s*(#[0-9a-f]{6})`).exec(css)![1]!;
    const luminance = (hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string): number => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi! + 0.05) / (lo! + 0.05);
    };
    expect(contrast(colour('inc-fg'), colour('inc-bg'))).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colour('inc-line'), '#ffffff')).toBeGreaterThanOrEqual(3);
    const glyph = verdictGlyph('inconclusive');
    const fill = /fill="(#[0-9a-f]{6})"/.exec(glyph)![1]!;
    expect(contrast('#ffffff', fill)).toBeGreaterThanOrEqual(4.5);
    for (const other of ['reproduced', 'not reproduced', 'error', 'not run at this tier'] as const) expect(verdictGlyph(other)).not.toBe(glyph);
    expect(glyph).toContain('<circle');
  });
});

describe('results stored before controls', () => {
  it('still build: a version 1 result without controls shows no control section rows', () => {
    writeFixtureRun(inDir);
    const file = path.join(folderOf('gf15.monotone-path'), 'result.json');
    const { controls: _none, ...v1 } = JSON.parse(fs.readFileSync(file, 'utf8'));
    writeJsonAtomic(file, { ...v1, schemaVersion: 1 });
    const summary = buildReport({ inDir, outDir });
    expect(summary.problems).toEqual([]);
    const html = page('claims/gf15.monotone-path.html');
    expect(html).toContain('<p class="muted">This claim has no controls.</p>');
  });
});
