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
  cpu: numberAsString(z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]{1,3})?)$/, { message: 'must be CPU cores such as "500m", "1" or "1.5"' })),
  /** Memory request and limit (equal, so the pod is never OOM-killed for using what it asked for). */
  memory: z.string().regex(/^[0-9]+(Mi|Gi)$/, { message: 'must be whole MiB or GiB such as "512Mi" or "4Gi"' }),
});

const nodeGroups = z.strictObject({
  /** Instance types of every per-AZ node group. */
  instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: 'must be an EC2 instance type such as "m7i.xlarge"' })).min(1),
  /** Nodes per AZ the group never goes below. */
  minSizePerAz: z.number().int().min(0),
  /** Nodes per AZ at creation. */
  desiredSizePerAz: z.number().int().min(0),
  /** Nodes per AZ the group (and the autoscaler) never exceeds: leave room for a lost AZ's pods. */
  maxSizePerAz: z.number().int().min(1),
  /** Root volume size of every node, GiB. */
  diskSizeGiB: z.number().int().min(20).default(50),
});

const component = z.strictObject({
  replicas: z.number().int().min(1),
  resources,
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
  kubernetesVersion: z.preprocess((v) => (typeof v === 'number' ? v.toFixed(2) : v), z.enum(['1.33', '1.34', '1.35'])).default('1.35'),
  /** IAM role given cluster-admin through an EKS access entry. */
  adminRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/, { message: 'must be an IAM role ARN, arn:aws:iam::<account>:role/<name>' }).optional(),
  /** `perAz`: one NAT gateway in every AZ, so an AZ's egress never depends on another AZ. `single`: one, cheaper, a single point of failure for egress. */
  natGateways: z.enum(['perAz', 'single']).default('perAz'),
  capacity: z.strictObject({
    /** How the cluster gets nodes. */
    mode: z.enum(['nodegroups']).default('nodegroups'),
    /** One managed node group per AZ, identical but for the AZ. */
    nodeGroups,
  }),
  victoriametrics: z.strictObject({
    /** Image tag of vminsert, vmselect and vmstorage (the `-cluster` build). */
    version: z.string().regex(/^v[0-9]+\.[0-9]+\.[0-9]+-cluster$/, { message: 'must be a pinned VictoriaMetrics cluster tag such as "v1.150.0-cluster"' }).default('v1.150.0-cluster'),
    /** Kubernetes namespace of the cluster. */
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a DNS-1123 label' }).default('victoriametrics'),
    /** How long samples are kept (`-retentionPeriod`), e.g. "30d", "12" (months) or "1y". */
    retentionPeriod: z.string().regex(/^[0-9]+(h|d|w|y)?$/, { message: 'must be a VictoriaMetrics retention such as "30d", "12" (months) or "1y"' }).default('30d'),
    /** Copies of every sample vminsert writes (`-replicationFactor`); 2 keeps reads complete while a shard moves after an AZ loss. */
    replicationFactor: z.number().int().min(1).default(2),
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
});

export type PlatformConfig = z.infer<typeof configSchema>;
