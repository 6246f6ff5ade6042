import { claimResultSchema, claimSpecSchema } from '../schema';
import { parseCommandArgs, type Command } from './command';

const usage = 'claimbench schema [--result]';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'print the JSON Schema of claim specs (or, with --result, of stored results)',
  usage,
  async run(args) {
    const { values } = parseCommandArgs(args, { result: { type: 'boolean' } }, usage);
    console.log(JSON.stringify(values.result ? claimResultSchema : claimSpecSchema, null, 2));
    return 0;
  },
};
