import { CfnParameter, Fn, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { NetworkModel } from '../environment/model';

/** Two availability zones, chosen by CloudFormation at deploy time (no context lookup at synthesis). */
export const AZ_COUNT = 2;

/**
 * The environment's VPC: created (public subnets for the load balancer, private subnets with NAT
 * for tasks and the database, flow logs to CloudWatch Logs), or imported through template parameters.
 */
export function buildNetwork(stack: Stack, network: NetworkModel, flowLogRetentionDays: number): ec2.IVpc {
  if (network.kind === 'existing') return importNetwork(stack);
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    maxAzs: AZ_COUNT,
    natGateways: network.natGateways,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
      { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
    ],
  });
  const flowLogs = new logs.LogGroup(stack, 'VpcFlowLogs', {
    retention: flowLogRetentionDays as logs.RetentionDays,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: ec2.FlowLogTrafficType.ALL });
  return vpc;
}

function importNetwork(stack: Stack): ec2.IVpc {
  const vpcId = new CfnParameter(stack, 'VpcId', { type: 'AWS::EC2::VPC::Id', description: 'The existing VPC to deploy into.' });
  const publicSubnets = new CfnParameter(stack, 'PublicSubnetIds', {
    type: 'List<AWS::EC2::Subnet::Id>',
    description: `Exactly ${AZ_COUNT} public subnets of the VPC, in different availability zones, for the load balancer.`,
  });
  const privateSubnets = new CfnParameter(stack, 'PrivateSubnetIds', {
    type: 'List<AWS::EC2::Subnet::Id>',
    description: `Exactly ${AZ_COUNT} private subnets of the VPC with outbound internet access, for tasks and the database.`,
  });
  const pick = (list: CfnParameter) => Array.from({ length: AZ_COUNT }, (_, i) => Fn.select(i, list.valueAsList));
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: vpcId.valueAsString,
    availabilityZones: stack.availabilityZones.slice(0, AZ_COUNT),
    publicSubnetIds: pick(publicSubnets),
    privateSubnetIds: pick(privateSubnets),
  });
}
