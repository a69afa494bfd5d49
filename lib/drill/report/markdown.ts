/** The human-readable drill report (stdout and report.md). */
import { DrillResult, ScenarioResult } from '../drill';

function fmtT(s: number | null): string {
  if (s === null) return 'never (while the AZ is down)';
  if (s < 120) return `${s}s`;
  return `${Math.round(s / 6) / 10} min`;
}

function scenario(s: ScenarioResult, svg?: string): string {
  const lines: string[] = [`### ${s.ok ? 'PASS' : 'FAIL'} — ${s.title}`, ''];
  for (const c of s.checks) lines.push(`- ${c.ok ? '✔' : '✘'} ${c.text}`);
  if (s.vm && s.vm.shardRecovery.some((r) => (r.backAfterSeconds ?? 1) > 0)) {
    lines.push('', '| vmstorage shard | running again after | volume |', '|---|---|---|');
    for (const r of s.vm.shardRecovery) lines.push(`| ${r.shard} | ${fmtT(r.backAfterSeconds)} | ${r.volume} |`);
  }
  if (s.lostReplicas.length) {
    lines.push('', '| workload | running / desired (lost nodes still NotReady) |', '|---|---|');
    for (const l of s.lostReplicas) lines.push(`| ${l.workload} | ${l.running} / ${l.desired} |`);
  }
  const pendingPhases = s.phases.filter((p) => p.pending.length);
  for (const p of pendingPhases) {
    lines.push('', `Pending at "${p.name}" (t=${p.t}s):`, '');
    for (const x of p.pending.slice(0, 10)) lines.push(`- \`${x.pod}\`: ${x.reason}`);
    if (p.pending.length > 10) lines.push(`- ... and ${p.pending.length - 10} more`);
  }
  if (s.azReturn) {
    lines.push('', '**When the AZ comes back**: nothing re-spreads running pods.');
    if (s.azReturn.imbalances.length === 0) lines.push('Every spread constraint is within its maxSkew.');
    for (const i of s.azReturn.imbalances) lines.push(`- ${i.workload} on ${i.topologyKey}: ${Object.entries(i.counts).map(([k, v]) => `${k} ${v}`).join(', ')} (maxSkew ${i.maxSkew})`);
    if (s.azReturn.deschedulerEvicts.length) lines.push(`- descheduler RemovePodsViolatingTopologySpreadConstraint (DoNotSchedule + ScheduleAnyway) would evict: ${s.azReturn.deschedulerEvicts.join(', ')}`);
    if (s.azReturn.blockedByPdb.length) lines.push(`- held back by PodDisruptionBudgets: ${s.azReturn.blockedByPdb.join(', ')}`);
  }
  if (s.log.length) {
    lines.push('', '<details><summary>timeline</summary>', '');
    for (const l of s.log) lines.push(`- t=${l.t}s ${l.msg}`);
    lines.push('', '</details>');
  }
  if (svg) lines.push('', `![${s.title}](${svg})`);
  return lines.join('\n');
}

export function renderMarkdown(r: DrillResult, pictures: Record<string, string> = {}): string {
  const out: string[] = [
    `# AZ-outage drill: ${r.ok ? 'PASS' : 'FAIL'}`,
    '',
    `AZs: ${r.zones.join(', ')}. Capacity: ${r.capacity}.`,
    `Timing: node-monitor-grace-period ${r.timing.nodeMonitorGracePeriodSeconds}s, pod start ${r.timing.podStartSeconds}s, lost nodes deleted at ${r.timing.nodeRemovalSeconds}s.`,
  ];
  if (r.victoriametrics) {
    out.push(`VictoriaMetrics in ${r.victoriametrics.namespace}: ${r.victoriametrics.shards.length} shards, replicationFactor ${r.victoriametrics.replicationFactor}.`);
  } else {
    out.push('No VictoriaMetrics cluster recognised: verdicts cover Pending pods and lost replicas.');
  }
  out.push('', '| scenario | verdict |', '|---|---|');
  for (const s of r.scenarios) out.push(`| ${s.title} | ${s.ok ? 'PASS' : 'FAIL: ' + s.checks.filter((c) => !c.ok).map((c) => c.text).join('; ')} |`);
  for (const s of r.scenarios) out.push('', scenario(s, pictures[s.id]));
  return out.join('\n') + '\n';
}
