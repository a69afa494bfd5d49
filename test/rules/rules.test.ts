import * as fs from 'fs';
import * as path from 'path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';
import { loadRuleFiles } from '../../lib/workloads/monitoring/rules';

/**
 * The rules in rules/ are checked here without promtool (which .ci/run adds, through
 * scripts/test-rules.sh): every expression parses as PromQL, every alert says what is wrong and
 * what to do, and every alert has a promtool test in which it fires.
 */

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const files = loadRuleFiles();
const rules: Array<Rule & { file: string }> = Object.entries(files).flatMap(([file, text]) =>
  (parse(text).groups as Array<{ name: string; rules: Rule[] }>).flatMap((g) => g.rules.map((r) => ({ ...r, file }))),
);
const alerts = rules.filter((r) => r.alert);

/** The PromQL syntax errors of `expr`, as the offending text; [] when it parses. */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: "${expr.slice(Math.max(0, node.from - 10), node.to + 10)}"`);
    },
  });
  return errors;
}

const TEST_DIR = path.join(__dirname);
const promtoolTests = fs
  .readdirSync(TEST_DIR)
  .filter((f) => f.endsWith('.test.yml'))
  .map((f) => parse(fs.readFileSync(path.join(TEST_DIR, f), 'utf8')) as { rule_files: string[]; tests: Array<{ alert_rule_test?: Array<{ alertname: string; exp_alerts: unknown[] }> }> });

describe('alert rules', () => {
  test('there are rule files, and a few alerts (each one a reason to wake someone)', () => {
    expect(Object.keys(files)).toEqual(['kubernetes.yml', 'victoriametrics.yml']);
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    expect(alerts.length).toBeLessThanOrEqual(15);
  });

  test('the parser rejects what is not PromQL (so the next test means something)', () => {
    expect(syntaxErrors('sum(rate(x[5m])) by (job) > 0')).toEqual([]);
    expect(syntaxErrors('sum(rate(x[5m]) by (job) > ')).not.toEqual([]);
    expect(syntaxErrors('rate(x[5m]) >> 1')).not.toEqual([]);
  });

  test.each(rules.map((r) => [r.alert ?? r.record, r] as const))('%s parses as PromQL', (_name, rule) => {
    expect(syntaxErrors(rule.expr)).toEqual([]);
  });

  test('alert and record names are unique', () => {
    const names = rules.map((r) => r.alert ?? r.record);
    expect(new Set(names).size).toBe(names.length);
  });

  test.each(alerts.map((a) => [a.alert, a] as const))('%s has a severity, a summary and a runbook line', (_name, alert) => {
    expect(['warning', 'critical']).toContain(alert.labels?.severity);
    expect(alert.annotations?.summary).toMatch(/\S/);
    expect(alert.annotations?.runbook).toMatch(/\S/);
  });

  test('the memory alert measures the working set, never usage (which counts reclaimable cache)', () => {
    const all = rules.map((r) => r.expr).join('\n');
    expect(all).not.toContain('container_memory_usage_bytes');
    expect(rules.find((r) => r.alert === 'ContainerMemoryNearLimit')?.expr).toContain('container_memory_working_set_bytes');
  });

  test('free disk is predicted with predict_linear', () => {
    expect(alerts.some((a) => a.expr.includes('predict_linear(vm_free_disk_space_bytes'))).toBe(true);
  });

  test('every rule file is under a promtool test, and every alert fires in one', () => {
    const tested = new Set(promtoolTests.flatMap((t) => t.rule_files.map((f) => path.basename(f))));
    expect([...tested].sort()).toEqual(Object.keys(files));
    const firing = new Set(
      promtoolTests.flatMap((t) => t.tests.flatMap((c) => (c.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname))),
    );
    expect(alerts.map((a) => a.alert).filter((name) => !firing.has(name!))).toEqual([]);
  });
});
