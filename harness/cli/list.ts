import { TIERS } from '../types';
import '../experiments';
import { claimsOption, loadValidClaims, parseCommandArgs, table, type Command, noPositionals } from './command';

const usage = 'claimbench list [--json] [--claims DIR]';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the claims, their papers, kinds and tiers',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { ...claimsOption, json: { type: 'boolean' } }, usage);
    noPositionals(positionals, 'list', usage);
    const claims = loadValidClaims(values.claims);
    const rows = claims.map(({ spec }) => ({
      id: spec.id,
      title: spec.title,
      paper: spec.paper.key,
      section: spec.paper.section,
      kind: spec.experiment.kind,
      tiers: TIERS.filter((t) => !('unavailable' in spec.tiers[t])),
    }));
    if (values.json) {
      console.log(JSON.stringify({ claims: rows }, null, 2));
    } else {
      console.log(table(['claim', 'paper', 'kind', 'tiers', 'title'], rows.map((r) => [r.id, `${r.paper} ${r.section}`, r.kind, r.tiers.join(','), r.title])));
    }
    return 0;
  },
};
