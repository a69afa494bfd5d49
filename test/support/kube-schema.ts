/**
 * Validates Kubernetes objects against the Kubernetes OpenAPI schema (kubernetes-models), so a
 * misspelt or misplaced field fails a test instead of a `kubectl apply` at deploy time.
 */
export function validateKubernetesObject(obj: Record<string, any>): void {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion : `core/${obj.apiVersion}`;
  const modulePath = group.startsWith('core/') ? `kubernetes-models/${obj.apiVersion}` : `kubernetes-models/${group}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model: (new (data: unknown) => { validate(): void }) | undefined = require(modulePath)[obj.kind];
  if (!Model) {
    throw new Error(`no Kubernetes schema for ${obj.apiVersion} ${obj.kind}; validate it another way`);
  }
  new Model(obj).validate();
}
