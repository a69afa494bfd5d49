import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { PlatformConfig } from '../../config/schema';
import { cpuMillis, memoryBytes } from '../../quantity';
import { appLabels, clusterService, disruptionBudget, headlessService, selectorOf, vmProbes } from '../objects';
import { HARDENED_CONTAINER, applyPlatformPodPolicy, preferZone } from '../scheduling';

const PART_OF = 'victoriametrics';

/** The StorageClass the vmstorage volumes are provisioned from (see lib/storage). */
export const VMSTORAGE_STORAGE_CLASS = 'efs-vmstorage';

export const PORTS = {
  vminsert: 8480,
  vmselect: 8481,
  vmstorage: 8482,
  vmstorageInsert: 8400,
  vmstorageSelect: 8401,
} as const;

/**
 * Seconds vmstorage spends closing vminsert connections gradually on SIGTERM, so vminsert
 * re-routes without a spike. It must end well inside the pod's grace period, which also
 * has to cover flushing in-memory parts to EFS.
 */
const VMINSERT_CONNS_SHUTDOWN = Duration.seconds(10);
const GRACE = {
  vmstorage: Duration.seconds(60),
  vminsert: Duration.seconds(30),
  vmselect: Duration.seconds(60),
};

export interface VictoriaMetricsChartProps extends ChartProps {
  /** The platform configuration; the chart reads `availabilityZones` and `victoriametrics`. */
  readonly config: PlatformConfig;
}

/**
 * A VictoriaMetrics cluster spread across the configured AZs.
 *
 * vmstorage is one single-replica Deployment per shard, each with its own EFS-backed
 * PersistentVolumeClaim (its own access point, so its own directory) and its own headless
 * Service. A StatefulSet would keep a lost AZ's shard down until someone deletes the dead node;
 * a Deployment's pod is evicted after `tolerationSeconds` and recreated in a surviving AZ, where
 * EFS mounts the same data. Two processes never share a directory: `Recreate` stops the old pod
 * first on rollouts, and vmstorage's exclusive `flock` on its data directory (honoured by EFS
 * over NFSv4) makes a replacement wait until a dead node's lease is gone.
 */
export class VictoriaMetricsChart extends Chart {
  /** `host:port` of every shard, in shard order, for vminsert (8400) and vmselect (8401). */
  readonly storageNodes: { insert: string[]; select: string[] };
  private readonly config: PlatformConfig;

  constructor(scope: Construct, id: string, props: VictoriaMetricsChartProps) {
    super(scope, id, { ...props, namespace: props.config.victoriametrics.namespace });
    this.config = props.config;
    const { availabilityZones: zones, victoriametrics: vm } = props.config;
    const ns = vm.namespace;

    new kplus.Namespace(this, 'namespace', { metadata: { name: ns, namespace: undefined } });

    // The same interval on vmstorage (at merge) and vmselect (at query), as VictoriaMetrics asks.
    const dedup = `-dedup.minScrapeInterval=${vm.dedupInterval ?? props.config.monitoring.scrapeInterval}`;

    const shardNames = shardNamesOf(vm.vmstorage.shards);
    const fqdn = (name: string) => `${name}.${ns}.svc.cluster.local`;
    this.storageNodes = {
      insert: shardNames.map((s) => `${fqdn(s)}:${PORTS.vmstorageInsert}`),
      select: shardNames.map((s) => `${fqdn(s)}:${PORTS.vmstorageSelect}`),
    };

    shardNames.forEach((shard, i) => {
      const labels = appLabels({ name: 'vmstorage', instance: shard, partOf: PART_OF, component: 'storage', version: vm.version });
      const claim = new kplus.PersistentVolumeClaim(this, `${shard}-data`, {
        metadata: { name: shard, labels },
        storageClassName: VMSTORAGE_STORAGE_CLASS,
        // EFS is mountable from every AZ; exclusivity comes from vmstorage's flock, because
        // ReadWriteOncePod would keep the replacement Pending behind the dead pod, exactly
        // like a StatefulSet.
        accessModes: [kplus.PersistentVolumeAccessMode.READ_WRITE_MANY],
        storage: Size.gibibytes(memoryBytes(vm.vmstorage.storageSize) / 1024 ** 3),
      });
      const deployment = this.component({
        name: shard,
        component: 'vmstorage',
        labels,
        // Spread is decided across all shards, not within one.
        spreadSelector: { 'app.kubernetes.io/name': 'vmstorage' },
        replicas: 1,
        minDomains: vm.vmstorage.shards,
        port: PORTS.vmstorage,
        extraPorts: [
          { name: 'vminsert', number: PORTS.vmstorageInsert },
          { name: 'vmselect', number: PORTS.vmstorageSelect },
        ],
        args: [
          '-storageDataPath=/storage',
          `-retentionPeriod=${vm.retentionPeriod}`,
          `-httpListenAddr=:${PORTS.vmstorage}`,
          `-vminsertAddr=:${PORTS.vmstorageInsert}`,
          `-vmselectAddr=:${PORTS.vmstorageSelect}`,
          `-storage.vminsertConnsShutdownDuration=${VMINSERT_CONNS_SHUTDOWN.toSeconds()}s`,
          dedup,
          '-loggerFormat=json',
        ],
        resources: vm.vmstorage.resources,
        grace: GRACE.vmstorage,
        // Opening a large index over NFS can take minutes: a startup probe keeps liveness
        // from killing a shard that is still loading.
        startupFailures: 60,
        volumes: [{ path: '/storage', volume: kplus.Volume.fromPersistentVolumeClaim(this, `${shard}-volume`, claim) }],
        version: vm.version,
      });
      // Home AZ i mod N keeps consecutive shards (vminsert's replica order) in different AZs.
      preferZone(deployment, zones[i % zones.length]);
      if (props.config.capacity.mode === 'karpenter') {
        // A spot reclaim would take a shard down with two minutes' notice: shards run on
        // on-demand nodes only, whatever else the NodePool may launch.
        deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('karpenter.sh/capacity-type', 'on-demand')));
      }
      headlessService(this, shard, labels, [
        { name: 'http', port: PORTS.vmstorage },
        { name: 'vminsert', port: PORTS.vmstorageInsert },
        { name: 'vmselect', port: PORTS.vmstorageSelect },
      ]);
    });

    const replication = [`-replicationFactor=${vm.replicationFactor}`];
    this.statelessComponent('vminsert', vm.vminsert, PORTS.vminsert, [
      ...replication,
      ...this.storageNodes.insert.map((n) => `-storageNode=${n}`),
    ]);
    this.statelessComponent('vmselect', vm.vmselect, PORTS.vmselect, [
      ...replication,
      // Replicated samples come back from several shards, and vmagent scrapes every target
      // twice: keep one sample per interval.
      dedup,
      '-cacheDataPath=/cache',
      ...this.storageNodes.select.map((n) => `-storageNode=${n}`),
    ]);

    // One shard may be down at a time: a drain then moves shards one by one.
    const storageSelector = { 'app.kubernetes.io/name': 'vmstorage' };
    disruptionBudget(this, 'vmstorage', { ...storageSelector, 'app.kubernetes.io/part-of': PART_OF }, storageSelector);
  }

  private statelessComponent(
    component: 'vminsert' | 'vmselect',
    spec: PlatformConfig['victoriametrics']['vminsert'],
    port: number,
    args: string[],
  ): void {
    const version = this.version;
    const labels = appLabels({ name: component, partOf: PART_OF, component: component === 'vminsert' ? 'ingest' : 'query', version });
    const deployment = this.component({
      name: component,
      component,
      labels,
      spreadSelector: { 'app.kubernetes.io/name': component },
      // The HorizontalPodAutoscaler below owns the count; its floor is spec.replicas.
      replicas: undefined,
      minDomains: spec.replicas,
      port,
      args: [`-httpListenAddr=:${port}`, '-loggerFormat=json', ...args],
      resources: spec.resources,
      grace: GRACE[component],
      volumes:
        component === 'vmselect'
          ? [
              { path: '/cache', volume: kplus.Volume.fromEmptyDir(this, `${component}-cache`, 'cache') },
              { path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, `${component}-tmp`, 'tmp') },
            ]
          : [],
      version,
    });
    clusterService(this, component, labels, port);
    disruptionBudget(this, component, labels, selectorOf(labels));
    autoscale(this, deployment, labels, {
      // Never fewer than one per AZ (the config guarantees replicas >= AZs), so losing any AZ
      // leaves serving replicas while it scales.
      min: spec.replicas,
      max: this.config.monitoring.autoscaling[component].maxReplicas ?? Math.max(3 * this.config.availabilityZones.length, spec.replicas),
    });
  }

  private get version(): string {
    return this.config.victoriametrics.version;
  }

  private component(c: ComponentSpec): kplus.Deployment {
    const deployment = new kplus.Deployment(this, c.name, {
      metadata: { name: c.name, labels: c.labels },
      replicas: c.replicas,
      select: false,
      // A shard's volume must never have two writers; stateless components roll.
      strategy:
        c.component === 'vmstorage'
          ? kplus.DeploymentStrategy.recreate()
          : kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
      automountServiceAccountToken: false,
      terminationGracePeriod: c.grace,
      // The EFS access point already writes as 65534; OnRootMismatch avoids a recursive chown of a large volume.
      securityContext: { ensureNonRoot: true, user: 65534, group: 65534, fsGroup: 65534, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
      podMetadata: { labels: c.labels },
    });
    deployment.select(kplus.LabelSelector.of({ labels: selectorOf(c.labels) }));
    const http = { name: 'http', number: c.port };
    deployment.addContainer({
      name: c.component,
      image: `victoriametrics/${c.component}:${c.version}`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: c.args,
      ports: [http, ...(c.extraPorts ?? [])],
      securityContext: HARDENED_CONTAINER,
      ...vmProbes(c.port, c.startupFailures),
      volumeMounts: c.volumes,
      resources: containerResources(c.resources),
    });
    applyPlatformPodPolicy(deployment, c.spreadSelector, c.minDomains);
    return deployment;
  }
}

interface ComponentSpec {
  readonly name: string;
  readonly component: 'vminsert' | 'vmselect' | 'vmstorage';
  readonly labels: Record<string, string>;
  readonly spreadSelector: Record<string, string>;
  /** Fixed replicas; undefined when a HorizontalPodAutoscaler owns the count. */
  readonly replicas: number | undefined;
  readonly minDomains: number;
  readonly port: number;
  readonly extraPorts?: kplus.ContainerPort[];
  readonly args: string[];
  readonly resources: { cpu: string; memory: string };
  readonly grace: Duration;
  readonly startupFailures?: number;
  readonly volumes: kplus.VolumeMount[];
  readonly version: string;
}

/**
 * Shard names padded to one width: vminsert sorts `-storageNode` as text and puts a series'
 * replicas on the next nodes in that order, so text order must equal shard order for the
 * zone-alternating home AZs to keep replicas in different AZs.
 */
export function shardNamesOf(shards: number): string[] {
  const width = String(shards - 1).length;
  return Array.from({ length: shards }, (_, i) => `vmstorage-${String(i).padStart(width, '0')}`);
}

/**
 * A HorizontalPodAutoscaler (autoscaling/v2, CPU from metrics-server) for a stateless
 * component; vmstorage never gets one, because a shard is data, not capacity. With an
 * autoscaler attached, cdk8s-plus leaves `replicas` out of the Deployment, so a later apply
 * of the manifest never resets the scale the HPA chose (the HPA raises a new Deployment from 1
 * to `min` at once).
 *
 * Up fast (double, or 2 more pods, every 30 s: an AZ loss moves a third of the load at once),
 * down slowly (1 pod per 2 minutes after 10 minutes of lower load), so that a brief dip does
 * not undo the spread over AZs and the descheduler has little to fix.
 */
function autoscale(scope: Construct, target: kplus.Deployment, labels: Record<string, string>, replicas: { min: number; max: number }): void {
  new kplus.HorizontalPodAutoscaler(scope, `${target.name}-hpa`, {
    metadata: { name: target.name, labels },
    target,
    minReplicas: replicas.min,
    maxReplicas: replicas.max,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    scaleUp: {
      stabilizationWindow: Duration.seconds(0),
      strategy: kplus.ScalingStrategy.MAX_CHANGE,
      policies: [
        { replicas: kplus.Replicas.percent(100), duration: Duration.seconds(30) },
        { replicas: kplus.Replicas.absolute(2), duration: Duration.seconds(30) },
      ],
    },
    scaleDown: {
      stabilizationWindow: Duration.minutes(10),
      strategy: kplus.ScalingStrategy.MIN_CHANGE,
      policies: [{ replicas: kplus.Replicas.absolute(1), duration: Duration.minutes(2) }],
    },
  });
}

/**
 * A memory limit equal to the request (VictoriaMetrics sizes its caches from the limit), a CPU
 * request and no CPU limit: throttling a database under load hurts more than it saves.
 */
export function containerResources(r: { cpu: string; memory: string }): kplus.ContainerResources {
  const memory = Size.mebibytes(memoryBytes(r.memory) / 1024 ** 2);
  const millis = cpuMillis(r.cpu);
  const cpu = millis % 1000 === 0 ? kplus.Cpu.units(millis / 1000) : kplus.Cpu.millis(millis);
  return { cpu: { request: cpu }, memory: { request: memory, limit: memory } };
}

