/** The Handlebars templates of the report's pages and its stylesheet, compiled once per build. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../paths';
import { errorMessage } from './page-common';
import { type ClaimView } from './claim-page';
import { type ArchiveView } from './archive-page';
import { type IndexView } from './index-page';
import { type BenchView } from './bench-page';

// Templates

export interface Templates {
  index: Handlebars.TemplateDelegate<IndexView>;
  claim: Handlebars.TemplateDelegate<ClaimView>;
  archive: Handlebars.TemplateDelegate<ArchiveView>;
  benchmarks: Handlebars.TemplateDelegate<BenchView>;
  css: string;
}

/** The folder holding claimbench's package.json, found by walking up from this file (src or dist). */
export function templatesDir(): string {
  return path.join(packageRoot(), 'harness', 'report', 'templates');
}

export function loadTemplates(): Templates {
  const dir = templatesDir();
  const read = (name: string): string => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    } catch (err) {
      throw new Error(`cannot read report template ${name}: ${errorMessage(err)}`);
    }
  };
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerPartial('layout', read('layout.hbs'));
  const partials = path.join(dir, 'partials');
  for (const name of fs.readdirSync(partials).filter((n) => n.endsWith('.hbs')).sort()) {
    hb.registerPartial(name.slice(0, -'.hbs'.length), read(path.join('partials', name)).trimEnd()); // inline partials
  }
  return {
    index: hb.compile<IndexView>(read('index.hbs')),
    claim: hb.compile<ClaimView>(read('claim.hbs')),
    archive: hb.compile<ArchiveView>(read('archive.hbs')),
    benchmarks: hb.compile<BenchView>(read('benchmarks.hbs')),
    css: read('site.css'),
  };
}
