import { renderMarkdown } from './markdown';

describe('renderMarkdown', () => {
  it('renders emphasis and escapes raw HTML', () => {
    expect(renderMarkdown('a **bold** claim')).toContain('<strong>bold</strong>');
    const html = renderMarkdown('x <script>alert(1)</script> <b>y</b>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;y&lt;/b&gt;');
    expect(renderMarkdown('[x](javascript:alert(1))')).not.toContain('href="javascript:');
  });

  it.each([
    '‖H‖_F … ‖H‖₂',
    '‖H‖_F … ‖H‖₂ ≤ ‖H‖_F, and the Lanczos coefficient β_{k−1}',
    'Since Â ≤ ‖H‖₂ ≤ ‖H‖_F, relres is at least r; the trace keeps r of eq. 3.36 and r_H too, with β_{k−1} from Lanczos.',
    'r_H = ‖Hp + g‖ / (‖H‖_F ‖p‖ + ‖g‖), and λ_min of H at x_ν',
    'L_0 and L_1 in ‖∇²L‖ ≤ L_0 + L_1‖∇L‖, summed as Σ_{i≤4} over w_swa − w_sgd',
    'E‖Hz‖² = ‖H‖²_F (Hutchinson) and T̄_k, φ_σ(t), M_l!·2^{M_l}',
    'the share c₂g*²/(c₀ + c₁g* + c₂g*²) of the fitted ‖H‖ at g* = max ‖∇L‖',
    'θ*_k and x*^T',
  ])('keeps subscripts and stars literal: %s', (text) => {
    const html = renderMarkdown(text);
    expect(html).not.toContain('<em>');
    expect(html).not.toContain('<strong>');
    expect(html).toBe(`<p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>\n`);
  });

  it('still renders emphasis written at word boundaries', () => {
    expect(renderMarkdown('fewer runs _end_ at a point, (_both_ ends), and *width*')).toBe('<p>fewer runs <em>end</em> at a point, (<em>both</em> ends), and <em>width</em></p>\n');
    expect(renderMarkdown('r_H is _not_ measured and **r_H** is bold')).toBe('<p>r_H is <em>not</em> measured and <strong>r_H</strong> is bold</p>\n');
  });
});
