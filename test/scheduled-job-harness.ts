/** A harness stack for a ScheduledJob: a Vpc, an ecs.Cluster, an HttpNamespace and the severity topics in one Stack. */
import { App, DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Project } from 'projen';
import { bareProject } from './util';
import { Environment, ScheduledJob, Shipshape } from '../src';
import { type ScheduledJobResources, type SharedEnvironment, buildScheduledJob } from '../src/cloudformation/scheduled-job';
import { pruneRedundantDependsOn } from '../src/cloudformation/templates';
import type { ProjectModel } from '../src/model';
import { synthSnapshot } from '../src/testing/synth';

export type Template = { Parameters?: Record<string, any>; Resources: Record<string, any>; Outputs?: Record<string, any> };

/** The model of a project with one job and one environment (built by `build`). */
export function jobModel(build: (p: Project) => void): ProjectModel {
  let project: Project | undefined;
  synthSnapshot((outdir) => {
    project = bareProject(outdir, 'shop');
    Shipshape.configure(project, { cloudFormationValidation: false });
    build(project);
    return project;
  });
  return Shipshape.of(project!).model();
}

export function nightly(p: Project): void {
  new ScheduledJob(p, 'report', {
    schedule: 'cron(0 3 * * ? *)',
    timezone: 'Europe/Paris',
    command: ['node', 'dist/report.js'],
    env: { LOG_LEVEL: { value: 'info' }, API_TOKEN: { secret: 'report/api-token' } },
  });
  new Environment(p, 'prod', { account: '123456789012', region: 'eu-west-1' });
}

/** The job's stack in an App, with the shared pieces built beside it (`imported`: looked up by name, as a workload stack would). */
export function harness(model: ProjectModel, options: { imported?: boolean } = {}): { app: App; stack: Stack; built: ScheduledJobResources } {
  const app = new App({ analyticsReporting: false, treeMetadata: false, stackTraces: false });
  const env = model.environments[0];
  const job = model.jobs[0];
  const stack = new Stack(app, `${job.name}-${env.name}`, {
    env: { account: env.account, region: env.region },
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
  });
  const shared = options.imported ? importedShared(stack) : sharedIn(stack);
  const built = buildScheduledJob(stack, shared, { job, environment: env, registry: model.registry! });
  return { app, stack, built };
}

function sharedIn(stack: Stack): SharedEnvironment {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: 'shop-prod', containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const namespace = new servicediscovery.HttpNamespace(stack, 'Namespace', { name: 'prod.shop.internal' });
  const topics = { critical: new sns.Topic(stack, 'Critical'), warning: new sns.Topic(stack, 'Warning') };
  return { vpc, cluster, namespace, topicFor: (s) => (s === 'info' ? undefined : topics[s]) };
}

/** The shared pieces as the environment stack would export them: nothing of them is created in the job's stack. */
function importedShared(stack: Stack): SharedEnvironment {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  });
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shop-prod', vpc });
  const namespace = servicediscovery.HttpNamespace.fromHttpNamespaceAttributes(stack, 'Namespace', {
    namespaceName: 'prod.shop.internal', namespaceId: 'ns-0123456789abcdef', namespaceArn: 'arn:aws:servicediscovery:eu-west-1:123456789012:namespace/ns-0123456789abcdef',
  });
  const warning = sns.Topic.fromTopicArn(stack, 'Warning', 'arn:aws:sns:eu-west-1:123456789012:shop-prod-warning');
  return { vpc, cluster, namespace, topicFor: (s) => (s === 'warning' ? warning : undefined) };
}

/** The template as synthesis writes it (redundant DependsOn pruned). */
export function templateOf(app: App, stack: Stack): Template {
  return pruneRedundantDependsOn(app.synth().getStackArtifact(stack.artifactId).template) as Template;
}
