import { Template } from 'aws-cdk-lib/assertions';

/** The parsed `Values` of the Helm release of `chart` (a JSON string, or an Fn::Join around tokens). */
export function helmValues(template: Template, chart: string): Record<string, any> {
  const releases = Object.values(template.findResources('Custom::AWSCDK-EKS-HelmChart', { Properties: { Chart: chart } }));
  if (releases.length !== 1) throw new Error(`expected one Helm release of ${chart}, found ${releases.length}`);
  return JSON.parse(flatten(releases[0].Properties.Values));
}

/** An Fn::Join of strings and references, flattened with each reference as `<Ref>`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map((part) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, "'")}>`)).join(join[0]);
  throw new Error(`not a string or Fn::Join: ${JSON.stringify(value)}`);
}

/**
 * The capacity-related resources of a cluster template, for a snapshot that changes only when
 * capacity does: node groups, Helm releases, manifests, access entries, Pod Identity
 * associations, the interruption queue and its rules, and every resource under `Capacity/`.
 */
export function capacityResources(template: Template): Record<string, unknown> {
  const types = new Set([
    'AWS::EKS::Nodegroup',
    'Custom::AWSCDK-EKS-HelmChart',
    'Custom::AWSCDK-EKS-KubernetesResource',
    'AWS::EKS::AccessEntry',
    'AWS::EKS::PodIdentityAssociation',
    'AWS::SQS::Queue',
    'AWS::SQS::QueuePolicy',
    'AWS::Events::Rule',
    'AWS::EC2::LaunchTemplate',
  ]);
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.fromEntries(Object.entries(resources).filter(([id, r]) => types.has(r.Type) || id.startsWith('Capacity')));
}
