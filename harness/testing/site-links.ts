/** Test helpers: the files of a built site, and its local links that lead nowhere. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** The relative `href`/`src` links of one page that name no file (links out of the site are skipped). */
export function brokenLinksOn(page: string): string[] {
  const broken: string[] = [];
  for (const m of fs.readFileSync(page, 'utf8').matchAll(/\s(?:href|src)="([^"]+)"/g)) {
    const link = m[1]!.replace(/&amp;/g, '&');
    if (/^[a-z]+:/i.test(link)) continue; // a hyperlink out of the site (from a spec's markdown)
    const target = decodeURIComponent(link.split('#')[0]!);
    if (target !== '' && !fs.existsSync(path.resolve(path.dirname(page), target))) broken.push(link);
  }
  return broken;
}

/** `page → link` for every relative `href`/`src` of every page of the site that names no file. */
export function brokenLinks(siteDir: string): string[] {
  return filesUnder(siteDir)
    .filter((f) => f.endsWith('.html'))
    .flatMap((page) => brokenLinksOn(page).map((link) => `${path.relative(siteDir, page)} → ${link}`));
}
