import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** An IAM role that EKS Pod Identity can hand to a service account (no OIDC provider needed). */
export function podIdentityRole(scope: Construct, id: string, managedPolicies: iam.IManagedPolicy[] = []): iam.Role {
  const role = new iam.Role(scope, id, {
    assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com'),
    managedPolicies,
  });
  // Pod Identity tags the session with the cluster, namespace and service account.
  role.assumeRolePolicy!.addStatements(
    new iam.PolicyStatement({
      actions: ['sts:TagSession'],
      principals: [new iam.ServicePrincipal('pods.eks.amazonaws.com')],
    }),
  );
  return role;
}

/**
 * Gives a managed add-on's service account a role through Pod Identity. aws-eks-v2's `Addon`
 * has no prop for it yet; its `AWS::EKS::Addon` resource has.
 */
export function addonPodIdentity(addon: eks.Addon, serviceAccount: string, role: iam.IRole): void {
  (addon.node.defaultChild as eks.CfnAddon).podIdentityAssociations = [{ serviceAccount, roleArn: role.roleArn }];
}
