import { Project } from 'projen';
import { DockerImage, DockerPreset, Dockerfile, Duration, Service, Worker } from 'shipshape';
declare const project: Project;
declare const image: DockerImage;
// `publishes`: the service owns the SNS topic orders-<env>-events and gets ORDERS_TOPIC_ARN and sns:Publish on it.
const orders = new Service(project, 'orders', { publishes: true });
const billing = new Worker(project, 'billing', {
  healthCommand: ['node', 'dist/health.js'], // exec form: the container health check and the Dockerfile's HEALTHCHECK
  subscribe: [orders],
  queue: { visibilityTimeout: Duration.minutes(2), maxReceiveCount: 5, retention: Duration.days(4) },
  scaling: { min: 1, max: 10, messagesPerTask: 50 },
});
new DockerImage(project, 'billing-image', { service: billing, preset: DockerPreset.node({ entrypoint: 'dist/worker.js' }) });

export {};
