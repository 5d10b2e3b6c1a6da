import { Project } from 'projen';
import { Database, DeploymentStrategy, Duration, Environment, FeatureFlag, ProdParity, ScalingTarget, SecretRef, Service, Shipshape } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
Shipshape.configure(project, { repository: 'acme/shop' }); // the GitHub repo that may deploy

const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', cpu: 512, memoryMiB: 1024 });
const canary = DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(10) });
const staging = new Environment(project, 'staging', {
  account: '222222222222', region: 'eu-west-1',
  domain: { name: 'staging.api.example.com', hostedZoneId: 'Z...' },  // HTTPS, DNS-validated certificate
  strategy: canary,
  scaling: { min: 1, max: 2, target: ScalingTarget.cpu(60) },
  variables: { LOG_LEVEL: 'info' },
  secrets: { STRIPE_KEY: SecretRef.fromName('shop/stripe-key') },  // a reference, never a value
});
const prod = new Environment(project, 'prod', { account: '333333333333', region: 'eu-west-1', /* ... */ strategy: canary });
new Database(project, 'db', {                                         // RDS PostgreSQL, DATABASE_* wired in
  service: api,
  environments: { prod: { instanceType: 'm7g.large', allocatedStorageGiB: 100 } },  // sizes per environment
});
new FeatureFlag(project, 'new-checkout', { description: 'New checkout', values: { staging: true } });
new ProdParity(project, 'parity', { staging, prod, allow: { 'flags.new-checkout': 'tried in staging before it ships' } });

export {};
