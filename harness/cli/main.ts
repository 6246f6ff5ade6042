#!/usr/bin/env node
/** claimbench command line: `claimbench <command> [options]`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../claims';
import { packageRoot } from '../paths';
import { Registry } from '../registry';
import { SpecError, type Command } from './command';
import { checkCommand } from './check';
import { doctorCommand } from './doctor';
import { estimateCommand } from './estimate';
import { listCommand } from './list';
import { mergeCommand } from './merge';
import { reportCommand } from './report';
import { runCommand } from './run';
import { schemaCommand } from './schema';
import { showCommand } from './show';
import { validateCommand } from './validate';

export const commands = new Registry<Command>('command');
for (const c of [runCommand, checkCommand, mergeCommand, estimateCommand, reportCommand, listCommand, showCommand, validateCommand, schemaCommand, doctorCommand]) commands.register(c);

function help(): string {
  const names = commands.names();
  const width = Math.max(...names.map((n) => n.length));
  return [
    'claimbench — reproduce published claims about neural-network loss landscapes',
    '',
    'usage: claimbench <command> [options]',
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${commands.get(n).summary}`),
    '',
    ...names.map((n) => `  ${commands.get(n).usage}`),
  ].join('\n');
}

function packageVersion(): string {
  return `claimbench ${JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')).version}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V') {
    console.log(packageVersion());
    return 0;
  }
  // `claimbench help run` and `claimbench run --help` print that command's usage.
  const helpFor = name === 'help' && rest[0] !== undefined ? rest[0] : commands.has(name ?? '') && (rest.includes('--help') || rest.includes('-h')) ? name : undefined;
  if (helpFor !== undefined && commands.has(helpFor)) {
    const c = commands.get(helpFor);
    console.log(`claimbench ${c.name}: ${c.summary}\n\nusage: ${c.usage}`);
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name ? 0 : 2;
  }
  try {
    if (!commands.has(name)) throw new UsageError(`unknown command '${name}'; commands: ${commands.names().join(', ')}`);
    return await commands.get(name).run(rest);
  } catch (err) {
    if (err instanceof SpecError) {
      console.error(`${err.message}\n\n${err.count} problem${err.count === 1 ? '' : 's'} in claim specs; run 'claimbench validate' for details`);
      return 2;
    }
    console.error(`claimbench ${name}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err);
      process.exitCode = 2;
    },
  );
}
