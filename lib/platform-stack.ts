import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { PlatformConfig } from './config/schema';

export interface PlatformStackProps extends StackProps {
  readonly config: PlatformConfig;
}

/**
 * A stack of the platform: in the configured account and region, and spanning exactly the
 * configured AZs. Naming the AZs here, rather than looking them up, is what lets `cdk synth`
 * run with no credentials and no network (an environment-agnostic stack would also see only 2).
 */
export class PlatformStack extends Stack {
  readonly config: PlatformConfig;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.config.account, region: props.config.region },
      tags: { 'vm-multiaz:cluster': props.config.clusterName, ...props.tags },
    });
    this.config = props.config;
  }

  override get availabilityZones(): string[] {
    return this.config.availabilityZones;
  }
}
