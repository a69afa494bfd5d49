import { validateKubernetesObject } from './kube-schema';

// The validator itself must be able to fail, or every schema test above it proves nothing.
describe('Kubernetes schema validation', () => {
  const deployment = (spec: Record<string, unknown>, container: Record<string, unknown> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'a' },
    spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [{ name: 'x', image: 'x', ...container }] } }, ...spec },
  });

  test('accepts a valid object of every group the platform uses', () => {
    expect(() => validateKubernetesObject(deployment({}))).not.toThrow();
    expect(() => validateKubernetesObject({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: 'None' } })).not.toThrow();
    expect(() => validateKubernetesObject({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'c' }, provisioner: 'p' })).not.toThrow();
    expect(() => validateKubernetesObject({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { maxUnavailable: 1 } })).not.toThrow();
  });

  // kubernetes-models checks types, required fields and enums, not unknown fields (the
  // Kubernetes schema does not close its objects): unknown fields are kept out by typed cdk8s APIs.
  test('rejects wrong types, a missing required field and an unknown kind', () => {
    expect(() => validateKubernetesObject(deployment({ replicas: 'three' }))).toThrow(/replicas/);
    expect(() => validateKubernetesObject(deployment({}, { name: undefined }))).toThrow(/name/);
    expect(() => validateKubernetesObject(deployment({}, { ports: [{ containerPort: 'http' }] }))).toThrow(/containerPort/);
    expect(() => validateKubernetesObject({ apiVersion: 'apps/v1', kind: 'Deploymnet' })).toThrow(/no Kubernetes schema for apps\/v1 Deploymnet/);
  });
});
