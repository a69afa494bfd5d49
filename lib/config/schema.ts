import { z } from 'zod';

/**
 * The platform configuration, read from a YAML file in `config/`.
 *
 * Every object is strict: an unknown field is an error, because a misspelt field that is
 * silently ignored is a platform that is not what its owner thinks it is.
 */

/** YAML reads `cpu: 1` and `kubernetesVersion: 1.35` as numbers; both mean the string. */
const numberAsString = (schema: z.ZodString) => z.preprocess((v) => (typeof v === 'number' ? String(v) : v), schema);

const resources = z.strictObject({
  /** CPU request. No CPU limit is set: throttling a database under load hurts more than it saves. */
  cpu: numberAsString(z.string().regex(/^([1-9][0-9]*m|[0-9]+(\.[0-9]{1,3})?)$/, { message: 'must be CPU cores such as "500m", "1" or "1.5"' }).refine((v) => parseFloat(v) > 0, { message: 'must be more than 0: a pod without a CPU request is the first to starve' })),
  /** Memory request and limit (equal, so the pod is never OOM-killed for using what it asked for). */
  memory: z
    .string()
    .regex(/^[0-9]+(Mi|Gi)$/, { message: 'must be whole MiB or GiB such as "512Mi" or "4Gi"' })
    .refine((v) => !v.endsWith('Mi') || parseInt(v, 10) >= 128, { message: 'must be at least 128Mi: less cannot run a VictoriaMetrics process' }),
});

const instanceTypes = z
  .array(
    z
      .string()
      .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'must be an EC2 instance type such as "m7i.xlarge"' })
      // Graviton (m7g, c7gn, r8gd...): the node groups boot the x86_64 AL2023 AMI.
      .refine((t) => !/^[a-z]+[0-9]+[a-z]*g[a-z]*\./.test(t), { message: 'is a Graviton (arm64) type; the node groups run the x86_64 AL2023 AMI, so choose an x86 type such as "m7i.xlarge"' }),
  )
  .min(1);

const nodeGroups = z.strictObject({
  /** Instance types of every per-AZ node group. */
  instanceTypes,
  /** Nodes per AZ the group never goes below; at least 1, or nothing runs cluster-autoscaler to add the first node. */
  minSizePerAz: z.number().int().min(1, { message: 'must be at least 1: with no node nothing runs cluster-autoscaler or CoreDNS, so no node is ever added' }),
  /** Nodes per AZ at creation. */
  desiredSizePerAz: z.number().int().min(0),
  /** Nodes per AZ the group (and the autoscaler) never exceeds: leave room for a lost AZ's pods. */
  maxSizePerAz: z.number().int().min(1),
  /** Root volume size of every node, GiB. */
  diskSizeGiB: z.number().int().min(20).default(50),
});

/** The small fixed node group per AZ that runs Karpenter itself and CoreDNS in `karpenter` mode. */
const systemNodeGroups = z.strictObject({
  /** Instance types of every system node group. */
  instanceTypes: instanceTypes.default(['m7i.large']),
  /** Nodes per AZ (fixed: nothing scales them). */
  sizePerAz: z.number().int().min(1).default(1),
  /** Root volume size of every node, GiB. */
  diskSizeGiB: z.number().int().min(20).default(50),
});

const karpenter = z.strictObject({
  /** `karpenter.sh/capacity-type` values the NodePool may launch; must include on-demand (vmstorage). */
  capacityTypes: z.array(z.enum(['on-demand', 'spot'], { message: 'must be "on-demand" or "spot"' })).min(1).default(['on-demand']),
  /** `karpenter.k8s.aws/instance-category` values the NodePool may launch. */
  instanceCategories: z.array(z.string().regex(/^[a-z]$/, { message: 'must be one EC2 instance category letter such as "m"' })).min(1).default(['c', 'm', 'r']),
  /** Oldest instance generation the NodePool may launch (`karpenter.k8s.aws/instance-generation`). */
  minInstanceGeneration: z.number().int().min(1).default(6),
  /** The NodePool's `spec.limits`: the most CPU and memory its nodes may add up to. */
  limits: z.strictObject({
    cpu: numberAsString(z.string().regex(/^[0-9]+$/, { message: 'must be whole vCPUs such as "64"' })),
    memory: z.string().regex(/^[0-9]+(Mi|Gi|Ti)$/, { message: 'must be whole MiB, GiB or TiB such as "256Gi"' }),
  }),
  /** Most nodes Karpenter may disrupt voluntarily at once (a count or a percentage). */
  disruptionBudget: numberAsString(z.string().regex(/^([0-9]+|[0-9]+%)$/, { message: 'must be a node count such as "1" or a percentage such as "10%"' })).default('10%'),
  /** How long a node must be empty or underused before Karpenter consolidates it. */
  consolidateAfter: z.string().regex(/^([0-9]+(s|m|h))+$/, { message: 'must be a duration such as "30s", "5m" or "1h"' }).default('5m'),
  /** Node lifetime before Karpenter replaces it (`Never` to keep nodes). */
  expireAfter: z.string().regex(/^(([0-9]+(s|m|h))+|Never)$/, { message: 'must be a duration such as "720h", or "Never"' }).default('720h'),
});

/** `mode` picks one branch; the fields of the other mode are unknown fields there. */
const capacity = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && (v as { mode?: unknown }).mode === undefined ? { ...v, mode: 'nodegroups' } : v),
  z.discriminatedUnion(
    'mode',
    [
      z.strictObject({
        /** How the cluster gets nodes: one managed node group per AZ, scaled by cluster-autoscaler. */
        mode: z.literal('nodegroups'),
        /** One managed node group per AZ, identical but for the AZ. */
        nodeGroups,
      }),
      z.strictObject({
        /** How the cluster gets nodes: Karpenter, with a small system node group per AZ. */
        mode: z.literal('karpenter'),
        systemNodeGroups: systemNodeGroups.default({ instanceTypes: ['m7i.large'], sizePerAz: 1, diskSizeGiB: 50 }),
        karpenter,
      }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? 'must be "nodegroups" (a managed node group per AZ with cluster-autoscaler) or "karpenter"' : undefined) },
  ),
);

const component = z.strictObject({
  replicas: z.number().int().min(1),
  resources,
});

/** The most replicas a HorizontalPodAutoscaler may give a stateless component. */
const autoscaled = z.strictObject({
  /** Upper bound of the HPA; the lower bound is the larger of `replicas` and the AZ count. @default 3 per AZ */
  maxReplicas: z.number().int().min(2).optional(),
});

const monitoring = z.strictObject({
  /** Namespace of vmagent, vmalert, Alertmanager, Grafana and kube-state-metrics. */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1123 label' }).default('monitoring'),
  /** How often vmagent scrapes every target (and vmalert evaluates rules). */
  scrapeInterval: z.string().regex(/^[1-9][0-9]*s$/, { message: 'must be whole seconds, at least 1, such as "30s"' }).default('30s'),
  /** vmagent's on-disk buffer per pod (`-remoteWrite.maxDiskUsagePerURL`): how much it holds while vminsert is unreachable. */
  vmagentBufferSize: z.string().regex(/^[0-9]+Gi$/, { message: 'must be whole GiB such as "4Gi"' }).default('4Gi'),
  /** HorizontalPodAutoscaler ranges of vminsert and vmselect (vmstorage is never autoscaled). */
  autoscaling: z.strictObject({ vminsert: autoscaled.prefault({}), vmselect: autoscaled.prefault({}) }).prefault({}),
});

export const configSchema = z.strictObject({
  /** AWS account to deploy to. Without it the stacks are environment-agnostic in the account only. */
  account: z.string().regex(/^[0-9]{12}$/, { message: 'must be a 12-digit AWS account ID' }).optional(),
  /** AWS region, e.g. eu-west-1. */
  region: z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/, { message: 'must be an AWS region name such as "eu-west-1"' }),
  /** The availability zones the platform spans, by name (not ID); at least 2, all of `region`. */
  availabilityZones: z.array(z.string()).min(2, { message: 'must list at least 2 availability zones: a platform in one AZ cannot survive losing it' }),
  /** Name of the EKS cluster, also the prefix of the stack names. */
  clusterName: z.string().regex(/^[a-zA-Z][a-zA-Z0-9-]{0,99}$/, { message: 'must start with a letter and hold only letters, digits and "-" (at most 100)' }),
  /** Kubernetes version of the control plane and the node groups. */
  kubernetesVersion: z.preprocess((v) => (typeof v === 'number' ? v.toFixed(2) : v), z.enum(['1.34', '1.35'], { message: 'must be "1.34" or "1.35": the kubectl v35 layer manages clusters at most one minor older' })).default('1.35'),
  /** IAM role given cluster-admin through an EKS access entry. */
  adminRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { message: 'must be an IAM role ARN, arn:aws:iam::<account>:role/<name>' }).optional(),
  /** `perAz`: one NAT gateway in every AZ, so an AZ's egress never depends on another AZ. `single`: one, cheaper, a single point of failure for egress. */
  natGateways: z.enum(['perAz', 'single']).default('perAz'),
  /** How the cluster gets nodes in every AZ (README, "Capacity modes"). */
  capacity,
  victoriametrics: z.strictObject({
    /** Image tag of vminsert, vmselect and vmstorage (the `-cluster` build). */
    version: z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+-cluster$/, { message: 'must be a pinned VictoriaMetrics cluster tag such as "v1.150.0-cluster"' }).default('v1.150.0-cluster'),
    /** Kubernetes namespace of the cluster. */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1123 label' }).default('victoriametrics'),
    /** How long samples are kept (`-retentionPeriod`), e.g. "30d", "12" (months) or "1y". */
    retentionPeriod: z
      .string()
      .regex(/^[1-9][0-9]*(h|d|w|y)?$/, { message: 'must be a VictoriaMetrics retention such as "30d", "12" (months) or "1y"' })
      .refine((v) => !v.endsWith('h') || parseInt(v, 10) >= 24, { message: 'must be at least 24h, the shortest retention VictoriaMetrics accepts' })
      .default('30d'),
    /** Copies of every sample vminsert writes (`-replicationFactor`); 2 keeps reads complete while a shard moves after an AZ loss. */
    replicationFactor: z
      .number()
      .int()
      .min(2, { message: 'must be at least 2: with one copy, a lost AZ\'s shard is unreadable until it runs again elsewhere' })
      .default(2),
    /**
     * `-dedup.minScrapeInterval` of vmstorage and vmselect: one sample per series per interval
     * is kept. vmagent scrapes every target twice (HA) and vminsert writes every sample
     * `replicationFactor` times; deduplication at the scrape interval collapses both.
     * @default monitoring.scrapeInterval
     */
    dedupInterval: z.string().regex(/^[0-9]+(ms|s|m|h)$/, { message: 'must be a duration such as "30s", "1m" or "1ms"' }).optional(),
    vmstorage: z.strictObject({
      /** Number of vmstorage shards, each its own pod, volume and directory. */
      shards: z.number().int().min(1),
      /** Size of each shard's volume. */
      storageSize: z.string().regex(/^[0-9]+(Gi|Ti)$/, { message: 'must be whole GiB or TiB, e.g. "100Gi" or "1Ti"' }),
      resources,
    }),
    vminsert: component,
    vmselect: component,
  }),
  /** Day-2 operations: self-monitoring, alerting, dashboards, autoscaling (README, "Operations"). */
  monitoring: monitoring.prefault({}),
});

export type PlatformConfig = z.infer<typeof configSchema>;

/** The `capacity` section, one branch per mode. */
export type CapacityConfig = PlatformConfig['capacity'];
export type NodeGroupsCapacityConfig = Extract<CapacityConfig, { mode: 'nodegroups' }>;
export type KarpenterCapacityConfig = Extract<CapacityConfig, { mode: 'karpenter' }>;
