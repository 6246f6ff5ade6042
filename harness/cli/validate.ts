import { formatProblem, loadClaims } from '../claims';
import { claimsRoot } from '../paths';
import '../experiments';
import { claimsOption, parseCommandArgs, type Command, noPositionals } from './command';

const usage = 'claimbench validate [--claims DIR]';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check every claim spec against the schema and the experiment kinds',
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, claimsOption, usage);
    noPositionals(positionals, 'validate', usage);
    const root = values.claims ?? claimsRoot();
    const { claims, problems } = loadClaims(root);
    for (const p of problems) console.error(formatProblem(p));
    if (problems.length > 0) {
      console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} in ${root}`);
      return 2;
    }
    console.log(`${claims.length} claim spec${claims.length === 1 ? '' : 's'} valid`);
    return 0;
  },
};
