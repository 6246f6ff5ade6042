import { describeTolerance } from '../scoring';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError, controlTiers, protocolFiles, tierParams } from '../claims';
import { TIERS } from '../types';
import '../experiments';
import { claimsOption, loadValidClaims, parseCommandArgs, type Command, plainText } from './command';

const usage = 'claimbench show <claim-id> [--json] [--claims DIR]';

export const showCommand: Command = {
  name: 'show',
  summary: 'show one claim: statement, protocol, expectations, controls and the parameters of each tier',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { ...claimsOption, json: { type: 'boolean' } }, usage);
    if (positionals.length !== 1) throw new UsageError(`show takes exactly one claim id\nusage: ${usage}`);
    const claims = loadValidClaims(values.claims);
    const claim = claims.find((c) => c.spec.id === positionals[0]);
    if (!claim) throw new UsageError(`unknown claim '${positionals[0]}'; known claims: ${claims.map((c) => c.spec.id).join(', ')}`);
    const { spec } = claim;
    if (values.json) {
      console.log(JSON.stringify({ file: claim.file, spec }, null, 2));
      return 0;
    }
    const lines = [
      `${spec.id} — ${spec.title}`,
      `paper:      ${spec.paper.citation}`,
      `where:      ${spec.paper.section}${spec.paper.figure ? `, ${spec.paper.figure}` : ''}`,
      `kind:       ${spec.experiment.kind} (${spec.precision})`,
      `file:       ${claim.file}`,
      '',
      spec.statement.trim(),
      '',
      'expectations:',
      ...spec.expectations.map((e) => `  ${e.id}: ${e.metric} ${describeTolerance(e)}${e.paper ? `   (paper: ${e.paper.value ?? ''}${e.paper.text ? ` ${e.paper.text}` : ''})` : ''}${e.noControlReason ? `\n    no control: ${e.noControlReason}` : ''}`),
      '',
      'controls:',
      ...(spec.controls === undefined
        ? ['  none declared']
        : spec.controls.length === 0
          ? [`  none: ${spec.noControlReason ?? '(no reason given)'}`]
          : spec.controls.map((c) => `  ${c.id} (tiers ${controlTiers(spec, c).join(', ')}; must fail ${c.mustFail.join(', ')}): ${JSON.stringify(c.params)}\n    ${c.description.trim().replace(/\n/g, '\n    ')}`)),
      '',
      'tiers:',
      ...TIERS.map((t) => {
        const p = tierParams(spec, t);
        return 'unavailable' in p ? `  ${t}: not run — ${p.unavailable}` : `  ${t}: ${JSON.stringify(p.params)}`;
      }),
    ];
    for (const file of protocolFiles(spec, claim.file)) lines.push('', `protocol (${path.basename(file)}):`, '', fs.readFileSync(file, 'utf8').trimEnd());
    console.log(plainText(lines.join('\n')));
    return 0;
  },
};
