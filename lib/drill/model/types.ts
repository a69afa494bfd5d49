/**
 * The subset of the Kubernetes v1 API the drill reads. Field names and meanings are the API's own
 * (k8s.io/api/core/v1, apps/v1, policy/v1, storage/v1); only what scheduling and the controllers use.
 */

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect | '';
  tolerationSeconds?: number;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

export interface PodAffinityTerm {
  labelSelector?: LabelSelector | null;
  namespaces?: string[];
  namespaceSelector?: LabelSelector | null;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

export interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
  };
  podAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
  podAntiAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
    preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
  };
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector | null;
  minDomains?: number;
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

export interface ResourceList {
  cpu?: string | number;
  memory?: string | number;
  [name: string]: string | number | undefined;
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  [k: string]: unknown;
}

export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [k: string]: unknown;
}

export interface PodSpec {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
  containers: Container[];
  initContainers?: Container[];
  overhead?: ResourceList;
  volumes?: Volume[];
  schedulerName?: string;
  terminationGracePeriodSeconds?: number;
  [k: string]: unknown;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion?: string; kind: string; name: string; uid?: string; controller?: boolean }[];
  deletionTimestamp?: string;
}

export interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: any;
  [k: string]: any;
}

export interface NodeObject extends K8sObject {
  kind?: 'Node';
  spec?: { unschedulable?: boolean; taints?: Taint[]; providerID?: string };
  status?: { allocatable?: ResourceList; capacity?: ResourceList; conditions?: { type: string; status: string }[] };
}

export interface PodObject extends K8sObject {
  kind?: 'Pod';
  spec: PodSpec;
}

/** Well-known label and taint keys (k8s.io/api/core/v1 well_known_labels.go, well_known_taints.go). */
export const LabelHostname = 'kubernetes.io/hostname';
export const LabelZone = 'topology.kubernetes.io/zone';
export const LabelZoneBeta = 'failure-domain.beta.kubernetes.io/zone';
export const LabelRegion = 'topology.kubernetes.io/region';
export const LabelRegionBeta = 'failure-domain.beta.kubernetes.io/region';
export const LabelInstanceType = 'node.kubernetes.io/instance-type';
export const LabelNodeGroup = 'eks.amazonaws.com/nodegroup';
export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';
export const TaintNodeUnreachable = 'node.kubernetes.io/unreachable';
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const TaintNodeOutOfService = 'node.kubernetes.io/out-of-service';
