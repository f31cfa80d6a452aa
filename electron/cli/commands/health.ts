import type { Command } from '../io';
import { plural } from '../../../shared/plural';
import { json, parse } from '../io';
import { MAPPING_OPTIONS, MAPPING_USAGE, mappingFromFlags, oneBundle, withBundle } from '../engineForCli';
import type { HealthReport } from '../../../shared/api/analytics';
import { ms, pct } from '../../engine/analytics/format';

export function healthText(r: HealthReport): string {
  const o = r.overall;
  const lines: string[] = [];
  lines.push(
    `deployments ${o.deployments} of ${o.releases} releases   change failure rate ${pct(o.change_failure_rate)} (${o.change_failures})   rollback rate ${pct(o.rollback_rate)} (${o.rollbacks})   canary failure rate ${pct(o.canary_failure_rate)} (${o.canary_failures}/${o.canary_runs})`,
  );
  lines.push(
    `incidents ${o.incidents}   time to recover: mean ${o.mean_time_to_recover_hours === null ? 'n/a' : `${o.mean_time_to_recover_hours.toFixed(2)} h`}, median ${o.median_time_to_recover_hours === null ? 'n/a' : `${o.median_time_to_recover_hours.toFixed(2)} h`}`,
  );
  lines.push(`all traffic: ${o.traffic.traces} traces, p50 ${ms(o.traffic.p50_ms)}, p95 ${ms(o.traffic.p95_ms)}, p99 ${ms(o.traffic.p99_ms)}, errors ${pct(o.traffic.error_rate)}; traces with no release: ${o.unattributed.traces}`);
  lines.push('');
  lines.push(`  ${'release'.padEnd(10)} ${'outcome'.padEnd(42)} ${'traces'.padStart(8)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'errors'.padStart(8)} ${'retries'.padStart(8)} ${'fallback'.padStart(9)} ${'blocked'.padStart(8)} ${'cost $'.padStart(10)}  vs previous`);
  for (const h of r.releases) {
    const outcome = [h.canary_failures > 0 ? 'canary failed' : '', h.rolled_back ? 'rolled back' : '', h.incidents > 0 ? plural(h.incidents, 'incident') : ''].filter(Boolean).join(', ') || (h.deployed ? 'ok' : 'not deployed');
    const vs = h.vs_previous
      ? `${h.vs_previous.previous_release_id}: p99 ${h.vs_previous.p99_ms_delta === null ? 'n/a' : `${h.vs_previous.p99_ms_delta >= 0 ? '+' : ''}${h.vs_previous.p99_ms_delta.toFixed(1)} ms`}, errors ${h.vs_previous.error_rate_delta === null ? 'n/a' : `${h.vs_previous.error_rate_delta >= 0 ? '+' : ''}${(h.vs_previous.error_rate_delta * 100).toFixed(1)} pts`}`
      : '';
    lines.push(
      `  ${h.release_id.padEnd(10)} ${outcome.padEnd(42)} ${String(h.traces).padStart(8)} ${ms(h.p50_ms).padStart(10)} ${ms(h.p99_ms).padStart(10)} ${pct(h.error_rate).padStart(8)} ${pct(h.retry_rate).padStart(8)} ${pct(h.fallback_rate).padStart(9)} ${pct(h.guardrail_block_rate).padStart(8)} ${(h.cost_usd === null ? 'n/a' : h.cost_usd.toFixed(2)).padStart(10)}  ${vs}`,
    );
  }
  for (const m of r.not_measurable) lines.push(`not measurable: ${m.metric} — ${m.reason}`);
  return lines.join('\n');
}

export const healthCommand: Command = {
  name: 'health',
  summary: 'Release health: canary, rollback and change failure rates, recovery time, exact latency percentiles, errors, cost, gateway decisions.',
  usage: `auditdesk health BUNDLE ${MAPPING_USAGE} [--json] [--progress]`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...MAPPING_OPTIONS,  json: { type: 'boolean' }, progress: { type: 'boolean' } });
    const bundle = oneBundle(positionals);
    const text = await withBundle(bundle, { progress: values.progress === true, mapping: await mappingFromFlags(values) }, async (engine, { bundleId }) => {
      const report = await engine.health({ bundleId });
      return values.json ? json(report) : healthText(report);
    });
    io.out(text);
    return 0;
  },
};
