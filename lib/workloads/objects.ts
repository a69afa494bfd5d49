import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';

/**
 * The Kubernetes building blocks every chart of the platform shares: labels, selectors,
 * Services, disruption budgets and probes, so each is decided in one place.
 */

export interface AppLabelsOptions {
  readonly name: string;
  /** @default name */
  readonly instance?: string;
  /** `app.kubernetes.io/part-of`. */
  readonly partOf: string;
  /** `app.kubernetes.io/component`, when it says more than the name. @default - none */
  readonly component?: string;
  /** Image version (a leading "v" is dropped). */
  readonly version: string;
}

/** The recommended `app.kubernetes.io/*` labels. */
export function appLabels(o: AppLabelsOptions): Record<string, string> {
  return {
    'app.kubernetes.io/name': o.name,
    'app.kubernetes.io/instance': o.instance ?? o.name,
    'app.kubernetes.io/part-of': o.partOf,
    ...(o.component ? { 'app.kubernetes.io/component': o.component } : {}),
    'app.kubernetes.io/version': o.version.replace(/^v/, ''),
    'app.kubernetes.io/managed-by': 'vm-multiaz',
  };
}

/** The labels that never change across versions, so selectors stay immutable. */
export function selectorOf(labels: Record<string, string>): Record<string, string> {
  return { 'app.kubernetes.io/name': labels['app.kubernetes.io/name'], 'app.kubernetes.io/instance': labels['app.kubernetes.io/instance'] };
}

/**
 * A headless Service giving every pod a stable DNS name, published before readiness (as the
 * official VictoriaMetrics chart does): vminsert and vmselect connect to a starting shard as
 * soon as it listens, and StatefulSet members find each other in order to become ready at all.
 */
export function headlessService(scope: Construct, name: string, labels: Record<string, string>, ports: { name: string; port: number }[]): kplus.Service {
  const service = new kplus.Service(scope, `${name}-service`, {
    metadata: { name, labels },
    clusterIP: 'None',
    ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
  });
  for (const [key, value] of Object.entries(selectorOf(labels))) service.selectLabel(key, value);
  ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/publishNotReadyAddresses', true));
  return service;
}

/** A ClusterIP Service on the pods' `http` port. */
export function clusterService(scope: Construct, name: string, labels: Record<string, string>, port: number): void {
  new kplus.k8s.KubeService(scope, `${name}-service`, {
    metadata: { name, labels },
    spec: {
      type: 'ClusterIP',
      selector: selectorOf(labels),
      ports: [{ name: 'http', port, targetPort: kplus.k8s.IntOrString.fromString('http') }],
    },
  });
}

/**
 * One pod of the selected set down at a time through voluntary disruptions (drains, the
 * descheduler), and a crash-looping pod never blocks a drain.
 */
export function disruptionBudget(scope: Construct, name: string, labels: Record<string, string>, matchLabels: Record<string, string>): void {
  new kplus.k8s.KubePodDisruptionBudget(scope, `${name}-pdb`, {
    metadata: { name, labels },
    spec: {
      maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
      selector: { matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/**
 * Probes of a VictoriaMetrics process: readiness on `/health` every 5 s; liveness on TCP,
 * failing only after a minute, so a busy but healthy process is never restarted for answering
 * slowly; a startup probe that holds liveness off for `startupFailures` × 10 s.
 */
export function vmProbes(port: number, startupFailures = 12): Pick<kplus.ContainerProps, 'readiness' | 'liveness' | 'startup'> {
  return {
    readiness: kplus.Probe.fromHttpGet('/health', { port, periodSeconds: Duration.seconds(5), failureThreshold: 3, timeoutSeconds: Duration.seconds(5) }),
    liveness: kplus.Probe.fromTcpSocket({ port, periodSeconds: Duration.seconds(10), failureThreshold: 6, timeoutSeconds: Duration.seconds(5) }),
    startup: kplus.Probe.fromTcpSocket({ port, periodSeconds: Duration.seconds(10), failureThreshold: startupFailures }),
  };
}
