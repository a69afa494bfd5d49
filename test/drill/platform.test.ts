/** (d) The default platform, as synthesized, survives the loss of every AZ. */
import { loadConfig } from '../../lib/config/load';
import { drillPlatform } from '../../lib/drill';
import { parseManifests } from '../../lib/drill/input';
import { renderPlatformManifests } from '../../lib/workloads/manifests';

describe('(d) the default platform', () => {
  const r = drillPlatform('default');

  it('recognises VictoriaMetrics in the synthesized manifests', () => {
    const config = loadConfig('default');
    expect(r.victoriametrics?.namespace).toBe(config.victoriametrics.namespace);
    expect(r.victoriametrics?.replicationFactor).toBe(config.victoriametrics.replicationFactor);
    expect(r.victoriametrics?.shards).toHaveLength(config.victoriametrics.vmstorage.shards);
    expect(r.zones).toEqual(config.availabilityZones);
  });

  it('runs vminsert and vmselect at their HorizontalPodAutoscaler floor (the Deployments leave replicas to the HPA)', () => {
    const config = loadConfig('default');
    const objects = renderPlatformManifests(config);
    const manifests = parseManifests(objects.map((object, i) => ({ object, source: `platform#${i}` })));
    for (const name of ['vminsert', 'vmselect'] as const) {
      expect(objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.replicas).toBeUndefined();
      expect(manifests.workloads.find((w) => w.name === name)!.replicas).toBe(config.victoriametrics[name].replicas);
    }
  });

  it('survives every AZ loss: shards readable, ingestion on, whole again while the AZ is down', () => {
    const failures = r.scenarios.filter((s) => !s.ok).map((s) => `${s.title}: ${s.checks.filter((c) => !c.ok).map((c) => c.text).join('; ')}`);
    expect(failures).toEqual([]);
    const losses = r.scenarios.filter((s) => s.id.startsWith('az-loss'));
    expect(losses).toHaveLength(loadConfig('default').availabilityZones.length);
    for (const s of losses) {
      expect(s.vm!.readsComplete).toBe(true);
      expect(s.vm!.ingestion).toBe(true);
      expect(s.vm!.wholeAfterSeconds).not.toBeNull();
      expect(s.vm!.wholeAfterSeconds!).toBeLessThan(r.timing.nodeRemovalSeconds);
      expect(s.phases.every((p) => p.pending.length === 0)).toBe(true);
    }
    expect(r.ok).toBe(true);
  });
});

describe('the karpenter config', () => {
  it('survives every AZ loss with Karpenter adding nodes in surviving AZs', () => {
    const r = drillPlatform('karpenter');
    expect(r.capacity).toMatch(/^Karpenter NodePool/);
    expect(r.scenarios.filter((s) => !s.ok).map((s) => s.title)).toEqual([]);
  });
});
