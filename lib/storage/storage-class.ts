import { Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { VMSTORAGE_STORAGE_CLASS } from '../workloads/victoriametrics/chart';

export interface EfsStorageClassChartProps extends ChartProps {
  /** ID of the EFS file system the access points are created in (a CloudFormation token in the stack). */
  readonly fileSystemId: string;
}

/**
 * The StorageClass of the vmstorage volumes: one EFS access point per PersistentVolumeClaim,
 * so every shard gets a directory of its own, mountable from any AZ.
 */
export class EfsStorageClassChart extends Chart {
  constructor(scope: Construct, id: string, props: EfsStorageClassChartProps) {
    super(scope, id, props);
    new kplus.k8s.KubeStorageClass(this, 'vmstorage', {
      metadata: { name: VMSTORAGE_STORAGE_CLASS },
      provisioner: 'efs.csi.aws.com',
      // Keep the data if a PVC is deleted by mistake; an operator removes the access point.
      reclaimPolicy: 'Retain',
      // EFS has no zonal topology: binding at once is right, the volume follows the pod anywhere.
      volumeBindingMode: 'Immediate',
      parameters: {
        provisioningMode: 'efs-ap',
        fileSystemId: props.fileSystemId,
        directoryPerms: '700',
        // vmstorage runs as 65534 (nobody); the access point enforces that identity on every write.
        uid: '65534',
        gid: '65534',
        basePath: '/vmstorage',
        // Access points are named after the claim, so an operator can find a shard's directory.
        subPathPattern: '${.PVC.namespace}/${.PVC.name}',
        ensureUniqueDirectory: 'true',
      },
    });
  }
}
