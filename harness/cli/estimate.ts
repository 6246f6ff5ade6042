import { UsageError, claimCost, selectClaims } from '../claims';
import { formatSeconds } from '../cost';
import { experimentKinds } from '../registry';
import { hasUnits, planShards, unitScopes } from '../shards';
import { TIERS, type LoadedClaim, type Tier } from '../types';
import '../experiments';
import { claimsOption, loadValidClaims, parseCommandArgs, table, type Command } from './command';
import { parseTier } from './run';

const usage = 'claimbench estimate [ids|globs…] [--tier quick|full|paper] [--shards N] [--json] [--claims DIR]';

/** One claim at one tier: what it is estimated to cost, and the work units it splits into. */
interface Estimate {
  claim: string;
  tier: Tier;
  /** Null when the claim does not run at this tier. */
  cpuHours: number | null;
  /** The kind has no estimate of its own: `cpuHours` is `defaultCost`'s lower bound. */
  lowerBound: boolean;
  memoryBytes: number | null;
  /** Work units of the claim's run and of each control's (null: run whole, not split). */
  units: { claim: number; controls: Record<string, number> } | null;
}

function estimate(claim: LoadedClaim, tier: Tier): Estimate {
  const { spec } = claim;
  const cost = claimCost(spec, tier);
  const kind = experimentKinds.get(spec.experiment.kind);
  const scopes = hasUnits(claim, tier) ? unitScopes(claim, tier) : [];
  const units = scopes.length > 0 ? { claim: scopes[0].units, controls: Object.fromEntries(scopes.slice(1).map((s) => [s.controlId, s.units])) } : null;
  return { claim: spec.id, tier, cpuHours: cost ? cost.seconds / 3600 : null, lowerBound: kind.cost === undefined, memoryBytes: cost?.memoryBytes ?? null, units };
}

function hoursText(h: number | null): string {
  if (h === null) return '—';
  return h < 0.01 ? `${formatSeconds(h * 3600)}` : `${h.toFixed(h < 10 ? 2 : 1)} h`;
}

function unitsText(u: Estimate['units']): string {
  if (!u) return 'whole';
  const controls = Object.values(u.controls);
  return controls.length === 0 ? `${u.claim}` : `${u.claim} + ${controls.join(' + ')} (controls)`;
}

export const estimateCommand: Command = {
  name: 'estimate',
  summary: "print each claim's estimated CPU-hours per tier, and the work units a sharded run splits it into",
  usage,
  async run(args) {
    const { values, positionals } = parseCommandArgs(args, { ...claimsOption, tier: { type: 'string' }, shards: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const tiers = values.tier === undefined ? [...TIERS] : [parseTier(values.tier)];
    const shards = values.shards === undefined ? undefined : Number(values.shards);
    if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`--shards must be a positive integer, got '${values.shards}'`);
    const claims = selectClaims(loadValidClaims(values.claims), positionals);
    const rows = claims.flatMap((c) => tiers.map((t) => estimate(c, t)));
    const totals = tiers.map((tier) => {
      const mine = rows.filter((r) => r.tier === tier);
      const cpuHours = mine.reduce((s, r) => s + (r.cpuHours ?? 0), 0);
      return { tier, cpuHours, ...(shards ? { perShard: planShards(claims, shards, tier).load.map((s) => s / 3600) } : {}) };
    });
    if (values.json) {
      console.log(JSON.stringify({ reference: 'one core of the reference machine (see harness/cost.ts)', claims: rows, totals }, null, 1));
      return 0;
    }
    console.log(table(['claim', 'tier', 'CPU-hours', 'work units (claim + controls)'], rows.map((r) => [r.claim, r.tier, `${r.lowerBound && r.cpuHours !== null ? '≥ ' : ''}${hoursText(r.cpuHours)}`, r.cpuHours === null ? 'not run' : unitsText(r.units)])));
    console.log('');
    for (const t of totals) {
      const split = t.perShard ? `; split ${shards} ways, the busiest shard ≈ ${hoursText(Math.max(...t.perShard))}` : '';
      const bound = rows.some((r) => r.tier === t.tier && r.lowerBound && r.cpuHours !== null) ? ' (at least: some kinds have no estimate of their own)' : '';
      console.log(`${t.tier}: ≈ ${hoursText(t.cpuHours)} of CPU in all${bound}${split}`);
    }
    console.log("\nEstimates are for one core of the reference machine (harness/cost.ts): calibrated on measured times, within a factor of 3 of the full tier's; '≥' marks a kind without an estimate of its own, whose figure is only a lower bound.");
    return 0;
  },
};
