/**
 * A harness for the worker builder: one stack holding what an environment stack shares (a VPC, an ECS cluster with
 * Container Insights, a Service Connect namespace, the WARNING route's topic) and one worker built on it, from the
 * model of a real project.
 */
import { App, DefaultStackSynthesizer, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Project } from 'projen';
import { newProject } from './docker-helpers';
import { Environment, Service, Shipshape, Worker } from '../src';
import { acknowledgeEnvironmentStack } from '../src/cloudformation/nag';
import { BuiltWorker, buildTopic, buildWorker, type SharedEnvironment } from '../src/cloudformation/worker';
import { environmentClusterName } from '../src/core/naming';
import type { ProjectModel } from '../src/model';
import type { WorkerProps } from '../src/workloads/worker';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';

/** A project with a publishing service `orders` and a worker `billing` subscribed to it, in `prod`. */
export function workerProject(props: Partial<WorkerProps> = {}): { project: Project; model: ProjectModel } {
  const project = newProject();
  const orders = new Service(project, 'orders', { publishes: true });
  new Worker(project, 'billing', { healthCommand: ['node', 'dist/health.js'], subscribe: [orders], ...props });
  new Environment(project, 'prod', { account: ACCOUNT, region: REGION });
  return { project, model: Shipshape.of(project).model() };
}

/** The construct ids of the harness's shared pieces (cdk-nag findings on them are the harness's, not the worker's). */
export const HARNESS_IDS = ['Vpc', 'Cluster', 'Namespace', 'WarningKey', 'Warning'];

/** The AZs CloudFormation picks at deploy time (as the environment stack does): no hard-coded dummy zones. */
class HarnessStack extends Stack {
  public get availabilityZones(): string[] {
    return [0, 1].map((i) => Fn.select(i, Fn.getAzs()));
  }
}

export interface Harness {
  readonly app: App;
  readonly stack: Stack;
  readonly built: BuiltWorker;
  readonly template: any;
}

/** The worker of `model` (the first) built in a harness stack `<worker>-<env>`; with `publisher`, its topic in the same stack too. */
export function workerHarness(model: ProjectModel, options: { publisherTopic?: boolean } = {}): Harness {
  const app = new App();
  const worker = model.workers[0];
  const environment = model.environments[0];
  const stack = new HarnessStack(app, `${worker.name}-${environment.name}`, {
    env: { account: environment.account, region: environment.region },
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
  });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: environmentClusterName(model.name, environment.name), containerInsightsV2: ecs.ContainerInsights.ENABLED });
  const namespace = new servicediscovery.HttpNamespace(stack, 'Namespace', { name: `${environment.name}.shop.internal` });
  const key = new kms.Key(stack, 'WarningKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const warning = new sns.Topic(stack, 'Warning', { topicName: `shop-${environment.name}-warning`, masterKey: key, enforceSSL: true });
  const shared: SharedEnvironment = { vpc, cluster, namespace, topicFor: (s) => (s === 'warning' ? warning : undefined) };
  const built = buildWorker(stack, shared, { worker, environment, registry: { account: environment.account, region: environment.region } });
  if (options.publisherTopic) buildTopic(stack, model.services.find((s) => s.publishes)!, environment);
  acknowledgeEnvironmentStack(stack, environment);
  const template = app.synth().getStackByName(stack.stackName).template;
  return { app, stack, built, template };
}
