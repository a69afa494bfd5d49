import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/**
 * Where pods go, and how fast they leave a lost AZ: the one place every workload of the
 * platform takes its spread, tolerations and hardening from.
 */

export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOST_KEY = 'kubernetes.io/hostname';

/**
 * How long a pod stays bound to a NotReady or unreachable node before it is evicted and
 * replaced. Kubernetes' default is 300 s; 30 s is long enough to ride out a kubelet hiccup
 * and short enough that a lost AZ's Deployment pods are replaced in about a minute.
 */
export const NODE_LOSS_TOLERATION = Duration.seconds(30);

/** The same tolerations in the wire form Helm values and add-on configurations take. */
export const NODE_LOSS_TOLERATIONS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) => ({
  key,
  operator: 'Exists',
  effect: 'NoExecute',
  tolerationSeconds: NODE_LOSS_TOLERATION.toSeconds(),
}));

/**
 * Zone and host spread for the pods matching `selector`, built so that losing an AZ moves its
 * pods into the surviving AZs instead of leaving them Pending:
 *
 * - zone, `ScheduleAnyway`: the scheduler prefers one pod per zone, but a zone that is gone
 *   never blocks a replacement (a `DoNotSchedule` zone spread with maxSkew 1 would keep it
 *   Pending while the dead zone, still counted, holds 0 pods);
 * - host, `DoNotSchedule` with `minDomains`: never two pods of the component on one node while
 *   fewer than `minDomains` nodes hold one, which asks the autoscaler for nodes rather than
 *   stacking replicas; `nodeTaintsPolicy: Honor` leaves out the lost AZ's NotReady nodes
 *   (tainted `node.kubernetes.io/unreachable`), which would otherwise count as empty hosts
 *   and hold the global minimum at 0.
 *
 * Both honour the pod's node affinity (`nodeAffinityPolicy: Honor`, the default, stated so a
 * reader does not have to know it).
 */
export function zoneAndHostSpread(selector: Record<string, string>, minDomains: number): TopologySpreadConstraint[] {
  const labelSelector = { matchLabels: { ...selector } };
  return [
    {
      topologyKey: ZONE_KEY,
      maxSkew: 1,
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    },
    {
      topologyKey: HOST_KEY,
      maxSkew: 1,
      whenUnsatisfiable: 'DoNotSchedule',
      minDomains,
      labelSelector,
      nodeAffinityPolicy: 'Honor',
      nodeTaintsPolicy: 'Honor',
    },
  ];
}

/** The wire form of a topology spread constraint (cdk8s-plus-27 has no API for it). */
export interface TopologySpreadConstraint {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  readonly minDomains?: number;
  readonly labelSelector: { matchLabels: Record<string, string> };
  readonly nodeAffinityPolicy: 'Honor' | 'Ignore';
  readonly nodeTaintsPolicy: 'Honor' | 'Ignore';
}

/** A pod-template workload of cdk8s-plus (Deployment, StatefulSet, DaemonSet...). */
type Workload = kplus.Deployment | kplus.StatefulSet;

/**
 * Applies the platform's placement and hardening to a workload whose containers are all
 * added: zone and host spread, fast eviction from lost nodes, and what cdk8s-plus-27 cannot
 * express (the pod's seccomp profile, dropping ALL capabilities).
 */
export function applyPlatformPodPolicy(workload: Workload, selector: Record<string, string>, minDomains: number): void {
  workload.scheduling.tolerate(
    kplus.Node.tainted(
      ...['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'].map((key) =>
        kplus.NodeTaintQuery.exists(key, { effect: kplus.TaintEffect.NO_EXECUTE, evictAfter: NODE_LOSS_TOLERATION }),
      ),
    ),
  );
  ApiObject.of(workload).addJsonPatch(
    JsonPatch.add('/spec/template/spec/topologySpreadConstraints', zoneAndHostSpread(selector, minDomains)),
    JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', { type: 'RuntimeDefault' }),
    ...workload.containers.map((_, i) => JsonPatch.add(`/spec/template/spec/containers/${i}/securityContext/capabilities`, { drop: ['ALL'] })),
  );
}

/** Prefers (never requires) nodes of `zone`, so a pod has a home AZ yet can leave it when the AZ is lost. */
export function preferZone(workload: Workload, zone: string): void {
  workload.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is(ZONE_KEY, zone)), { weight: 100 });
}

/**
 * Container hardening every platform container gets: a fixed non-root user, read-only root
 * filesystem, no privilege escalation (and, by `applyPlatformPodPolicy`, no capabilities).
 */
export const HARDENED_CONTAINER: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: true,
  user: 65534,
  group: 65534,
  privileged: false,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
};
