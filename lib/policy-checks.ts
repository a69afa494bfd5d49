import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledgements of cdk-nag (AwsSolutions) findings, each with its reason. Findings carry
 * their evidence in the ID (the policy, the wildcard resource), so an acknowledgement covers
 * exactly what was reviewed: a new managed policy or wildcard is reported again.
 */

/** AwsSolutions-IAM4: the AWS managed policies named, on `scope` and its children. */
export function acknowledgeManagedPolicies(scope: IConstruct, policies: string[], reason: string): void {
  Validations.of(scope).acknowledge(
    ...policies.map((policy) => ({ id: `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`, reason })),
  );
}

/** An AwsSolutions rule, optionally narrowed to one finding (`AwsSolutions-IAM5[Resource::...]`). */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
