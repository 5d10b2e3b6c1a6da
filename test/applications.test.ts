/**
 * Applications, not one service: one environment stack of shared infrastructure (network, cluster, Service Connect
 * namespace, one load balancer with one certificate) and one stack per workload.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { Project } from 'projen';
import { parse } from 'yaml';
import {
  DeploymentStrategy, DockerImage, DockerPreset, Duration, Environment, Pipeline, ScalingTarget, ScheduledJob, Service, Shipshape,
  ShipshapeError, Worker,
} from '../src';
import { synthFailure } from './cloudformation-helpers';
import { synthSnapshot } from '../src/testing/synth';
import { cfnLint } from '../src/validators/cfnlint';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ZONE = 'ZSHOPZONE';

/** A web front end on www.<domain>, an API on api.<domain>, and an internal orders service. */
function shop(outdir: string): Project {
  const project = new Project({ name: 'shop', outdir });
  Shipshape.configure(project, { cloudFormationValidation: false, repository: 'example-org/shop' });
  const orders = new Service(project, 'orders', { port: 9000, healthPath: '/ready', internal: true, scaling: { min: 1, max: 3, target: ScalingTarget.cpu(50) } });
  const api = new Service(project, 'api', { port: 8080, healthPath: '/healthz', host: 'api', calls: [orders] });
  const web = new Service(project, 'web', { port: 3000, healthPath: '/health', host: 'www', calls: [api] });
  for (const [id, service] of [['web-image', web], ['api-image', api], ['orders-image', orders]] as const) {
    new DockerImage(project, id, { service, preset: DockerPreset.node({ entrypoint: 'dist/server.js' }), contextPath: `services/${service.name}`, dockerfilePath: `services/${service.name}/Dockerfile` });
  }
  new Environment(project, 'staging', {
    account: '222222222222',
    region: 'eu-west-1',
    domain: { name: 'staging.shop.example', hostedZoneId: ZONE },
    strategy: DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(15) }),
    scaling: { min: 1, max: 4, target: ScalingTarget.requests(300) },
  });
  new Pipeline(project, 'ci', {});
  return project;
}

const files = synthSnapshot(shop);
const json = (f: string): Json => {
  if (files[f] === undefined) throw new Error(`no ${f} in ${Object.keys(files).filter((x) => x.startsWith('infra/')).join(', ')}`);
  return JSON.parse(files[f]);
};
const resourcesOf = (t: Json, type: string): Json[] => Object.values<Json>(t.Resources ?? {}).filter((r) => r.Type === type);

describe('GIVEN two public services on their own host and an internal service in one environment', () => {
  const env = json('infra/staging.template.json');
  const web = json('infra/web-staging.template.json');
  const api = json('infra/api-staging.template.json');
  const orders = json('infra/orders-staging.template.json');

  test('THEN one environment stack holds the one VPC, cluster, namespace and load balancer; no workload stack creates any', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::ECS::Cluster', 'AWS::ServiceDiscovery::PrivateDnsNamespace', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::CertificateManager::Certificate']) {
      expect([type, resourcesOf(env, type).length]).toEqual([type, 1]);
      for (const w of [web, api, orders]) expect([type, resourcesOf(w, type).length]).toEqual([type, 0]);
    }
    expect(resourcesOf(env, 'AWS::EC2::NatGateway')).toHaveLength(1);
    expect(resourcesOf(env, 'AWS::ECS::Cluster')[0].Properties.ClusterName).toBe('shop-staging');
  });

  test('THEN one certificate covers both public names, each has its DNS record, and the internal service has neither', () => {
    const [cert] = resourcesOf(env, 'AWS::CertificateManager::Certificate');
    const names = [cert.Properties.DomainName, ...(cert.Properties.SubjectAlternativeNames ?? [])].sort();
    expect(names).toEqual(['api.staging.shop.example', 'www.staging.shop.example']);
    expect(resourcesOf(env, 'AWS::Route53::RecordSet').map((r) => r.Properties.Name).sort()).toEqual(['api.staging.shop.example.', 'www.staging.shop.example.']);
    expect(files['infra/staging.template.json']).not.toContain('orders');
  });

  test('THEN each public service adds its own rules, on its own host, to the shared listeners, with distinct priorities', () => {
    const rules = (t: Json) => resourcesOf(t, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    const host = (r: Json) => r.Properties.Conditions.find((c: Json) => c.Field === 'host-header').HostHeaderConfig.Values;
    // Canary: the production rule and the test rule (with the test header) of each.
    expect(rules(web).map(host)).toEqual([['www.staging.shop.example'], ['www.staging.shop.example']]);
    expect(rules(api).map(host)).toEqual([['api.staging.shop.example'], ['api.staging.shop.example']]);
    const listenerOf = (r: Json) => r.Properties.ListenerArn['Fn::ImportValue'];
    expect(new Set(rules(web).map(listenerOf))).toEqual(new Set(['shop-staging-environment:HttpsListenerArn', 'shop-staging-environment:TestListenerArn']));
    const priorities = [...rules(web), ...rules(api)].filter((r) => listenerOf(r).endsWith(':HttpsListenerArn')).map((r) => r.Properties.Priority);
    expect(new Set(priorities).size).toBe(2);
    expect(rules(orders)).toHaveLength(0);
    expect(resourcesOf(orders, 'AWS::ElasticLoadBalancingV2::TargetGroup')).toHaveLength(0);
  });

  test('THEN every service joins Service Connect under its own name and port; the internal one deploys rolling, the public ones by canary', () => {
    for (const [t, name, port] of [[web, 'web', 3000], [api, 'api', 8080], [orders, 'orders', 9000]] as const) {
      const [svc] = resourcesOf(t, 'AWS::ECS::Service');
      const sc = svc.Properties.ServiceConnectConfiguration;
      expect(sc.Enabled).toBe(true);
      expect(sc.Namespace).toEqual({ 'Fn::ImportValue': 'shop-staging-environment:NamespaceArn' });
      expect(sc.Services).toEqual([expect.objectContaining({ PortName: 'http', DiscoveryName: name, ClientAliases: [{ DnsName: name, Port: port }] })]);
      expect(svc.Properties.Cluster).toBe('shop-staging');
    }
    const strategy = (t: Json) => resourcesOf(t, 'AWS::ECS::Service')[0].Properties.DeploymentConfiguration.Strategy;
    expect(strategy(web)).toBe('CANARY');
    expect(strategy(orders)).toBe('ROLLING');
  });

  test('THEN the internal service scales by its own CPU target, the public ones by requests across both target groups', () => {
    const policies = (t: Json) => resourcesOf(t, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(policies(orders)).toEqual([expect.objectContaining({
      Properties: expect.objectContaining({ TargetTrackingScalingPolicyConfiguration: expect.objectContaining({ TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }) }),
    })]);
    expect(resourcesOf(orders, 'AWS::ApplicationAutoScaling::ScalableTarget')[0].Properties.MaxCapacity).toBe(3);
    expect(JSON.stringify(policies(api))).toContain('RequestCountPerTarget');
  });

  test('THEN every value a workload stack imports is exported by its environment stack, under the same name', () => {
    const exports = new Set(Object.values<Json>(env.Outputs).map((o) => o.Export?.Name).filter(Boolean));
    for (const w of [web, api, orders]) {
      const imports = new Set<string>();
      JSON.stringify(w, (k, v) => { if (k === 'Fn::ImportValue') imports.add(v); return v; });
      expect(imports.size).toBeGreaterThan(3);
      for (const name of imports) expect([name, exports.has(name)]).toEqual([name, true]);
    }
  });

  test('THEN the environment stack depends on no workload (no import, no workload name); the load balancer reaches each service through rules made in its stack', () => {
    expect(JSON.stringify(env)).not.toContain('Fn::ImportValue');
    for (const name of ['web', 'api']) expect(files['infra/staging.template.json']).not.toMatch(new RegExp(`"${name}-staging`));
    const [egress] = resourcesOf(web, 'AWS::EC2::SecurityGroupEgress');
    expect(egress.Properties).toEqual(expect.objectContaining({
      GroupId: { 'Fn::ImportValue': 'shop-staging-environment:LoadBalancerSecurityGroupId' }, FromPort: 3000, ToPort: 3000,
    }));
  });

  test('THEN a caller gets <NAME>_URL of each service it calls, as Service Connect names it, and may reach only those ports', () => {
    const variables = (t: Json) => resourcesOf(t, 'AWS::ECS::TaskDefinition')[0].Properties.ContainerDefinitions[0].Environment;
    expect(variables(web)).toEqual(expect.arrayContaining([{ Name: 'API_URL', Value: 'http://api:8080' }]));
    expect(variables(api)).toEqual(expect.arrayContaining([{ Name: 'ORDERS_URL', Value: 'http://orders:9000' }]));
    expect(JSON.stringify(variables(orders))).not.toContain('_URL');
    const workloadSg = { 'Fn::ImportValue': 'shop-staging-environment:WorkloadSecurityGroupId' };
    const egress = (t: Json) => resourcesOf(t, 'AWS::EC2::SecurityGroupEgress')
      .filter((r: Json) => JSON.stringify(r.Properties.DestinationSecurityGroupId) === JSON.stringify(workloadSg))
      .map((r: Json) => r.Properties.FromPort);
    expect(egress(web)).toEqual([8080]);
    expect(egress(api)).toEqual([9000]);
    const ingress = (t: Json) => resourcesOf(t, 'AWS::EC2::SecurityGroupIngress')
      .filter((r: Json) => JSON.stringify(r.Properties.SourceSecurityGroupId) === JSON.stringify(workloadSg)).map((r: Json) => r.Properties.FromPort);
    expect(ingress(orders)).toEqual([9000]);
    expect(ingress(web)).toEqual([]);
  });

  test('THEN the templates pass cfn-lint', () => {
    const templates = Object.entries(files).filter(([f]) => /^infra\/(staging|web-staging|orders-staging)\.template\.json$/.test(f)).map(([name, content]) => ({ name, content }));
    expect(templates).toHaveLength(3);
    expect(cfnLint(templates).filter((x) => x.severity !== 'info').map((x) => `${x.file}:${x.line} [${x.rule}] ${x.message}`)).toEqual([]);
  });

  test('THEN each service\'s deploy job deploys the environment stack first, then the service; an internal service is verified by its ECS health checks, not a URL', () => {
    const wf = parse(files['.github/workflows/ci.yml']);
    const job = (s: string) => wf.jobs[`deploy-staging-${s}`];
    for (const s of ['web', 'api', 'orders']) {
      const ids = job(s).steps.map((x: Json) => x.id).filter(Boolean);
      expect(ids.indexOf('deploy-environment')).toBeGreaterThan(-1);
      expect(ids.indexOf('deploy-environment')).toBeLessThan(ids.indexOf(`deploy-${s}`));
      const env0 = job(s).steps.find((x: Json) => x.id === 'deploy-environment');
      expect(env0.env).toEqual(expect.objectContaining({ STACK: 'shop-staging-environment', TEMPLATE: 'infra/staging.template.json' }));
      expect(env0.run).not.toContain('ImageTag');
    }
    const verify = (s: string) => job(s).steps.find((x: Json) => x.id === `verify-${s}`);
    expect(verify('web').env.BASE_URL).toBe('https://www.staging.shop.example');
    expect(verify('api').env.BASE_URL).toBe('https://api.staging.shop.example');
    expect(verify('orders').env).toBeUndefined();
    expect(verify('orders').run).toContain('internal');
  });
});

describe('GIVEN commands the image cannot run', () => {
  const env = (project: Project) => new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1' });
  const image = (project: Project, workload: Service | Worker | ScheduledJob, runtime: 'slim' | 'distroless') =>
    new DockerImage(project, `${workload.name}-image`, { service: workload, preset: DockerPreset.node({ runtime }), contextPath: workload.name, dockerfilePath: `${workload.name}/Dockerfile` });

  test('a bare node in a distroless image (health command, migration, job command) is reported for each, and nothing is written', () => {
    const { error, files: written } = synthFailure((project) => {
      env(project);
      image(project, new Worker(project, 'billing', { healthCommand: ['node', 'dist/health.js'] }), 'distroless');
      image(project, new Service(project, 'api', { internal: true, migrate: { command: ['npm', 'run', 'migrate'] } }), 'distroless');
      image(project, new ScheduledJob(project, 'nightly', { schedule: 'rate(1 day)', command: ['node', 'dist/nightly.js'] }), 'distroless');
    });
    expect(error).toBeInstanceOf(ShipshapeError);
    const problems = (error as ShipshapeError).problems.filter((p) => p.code === 'SS-IMAGE-COMMAND');
    expect(problems.map((p) => [p.path, p.property])).toEqual([
      ['shop/billing', 'healthCommand'], ['shop/api', 'migrate.command'], ['shop/nightly', 'command'],
    ]);
    expect(problems[0].hint).toBe("Start it with /nodejs/bin/node, for example ['/nodejs/bin/node', 'dist/health.js'].");
    expect(written).toEqual([]);
  });

  test('the same commands in the slim image (node and npm on PATH), or with /nodejs/bin/node on distroless, are fine', () => {
    for (const [runtime, node] of [['slim', 'node'], ['distroless', '/nodejs/bin/node']] as const) {
      const out = synthSnapshot((outdir) => {
        const project = new Project({ name: 'shop', outdir });
        Shipshape.configure(project, { cloudFormationValidation: false });
        env(project);
        image(project, new Worker(project, 'billing', { healthCommand: [node, 'dist/health.js'] }), runtime);
        image(project, new ScheduledJob(project, 'nightly', { schedule: 'rate(1 day)', command: [node, 'dist/nightly.js'] }), runtime);
        return project;
      });
      expect(out['billing/Dockerfile']).toContain(`CMD ["${node}","dist/health.js"]`);
    }
  });
});

describe('GIVEN mistakes in how services are reached', () => {
  const base = (project: Project) => {
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', domain: { name: 'shop.example', hostedZoneId: ZONE } });
  };

  test('two public services on the same host are reported, and nothing is written', () => {
    const { error, files: written } = synthFailure((project) => {
      base(project);
      new Service(project, 'one');
      new Service(project, 'two');
    });
    expect(error).toBeInstanceOf(ShipshapeError);
    expect(error.message).toContain('SS-SERVICE-ROUTE');
    expect(error.message).toContain('shop/two');
    expect(written).toEqual([]);
  });

  test('a host on an internal service, a path-routed health path outside the path, and request scaling of an internal service', () => {
    const { error } = synthFailure((project) => {
      base(project);
      new Service(project, 'one', { internal: true, host: 'one' });
      new Service(project, 'two', { path: '/two', healthPath: '/healthz' });
      new Service(project, 'three', { internal: true, scaling: { target: ScalingTarget.requests(100) } });
    });
    const text = error.message;
    expect(text).toMatch(/shop\/one.*host/);
    expect(text).toMatch(/shop\/two.*healthPath.*'\/two\/healthz'/);
    expect(text).toMatch(/shop\/three.*SS-SERVICE-SCALING/);
  });
});

describe('GIVEN a path-routed service beside a service on the whole host', () => {
  const out = synthSnapshot((outdir) => {
    const project = new Project({ name: 'paths', outdir });
    Shipshape.configure(project, { cloudFormationValidation: false });
    new Service(project, 'site', { port: 3000 });
    new Service(project, 'api', { port: 8080, path: '/api', healthPath: '/api/healthz' });
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', domain: { name: 'paths.example', hostedZoneId: ZONE } });
    return project;
  });

  test('THEN the path rule comes first and matches the prefix and below; the site rule matches the rest of the host', () => {
    const rule = (f: string): Json => Template.fromJSON(JSON.parse(out[f])).findResources('AWS::ElasticLoadBalancingV2::ListenerRule');
    const [api] = Object.values<Json>(rule('infra/api-prod.template.json'));
    const [site] = Object.values<Json>(rule('infra/site-prod.template.json'));
    const paths = (r: Json) => r.Properties.Conditions.find((c: Json) => c.Field === 'path-pattern').PathPatternConfig.Values;
    expect(paths(api)).toEqual(['/api', '/api/*']);
    expect(paths(site)).toEqual(['/*']);
    expect(api.Properties.Priority).toBeLessThan(site.Properties.Priority);
    // One name on the certificate: both answer on the domain itself.
    const [cert] = Object.values<Json>(Template.fromJSON(JSON.parse(out['infra/prod.template.json'])).findResources('AWS::CertificateManager::Certificate'));
    expect(cert.Properties.DomainName).toBe('paths.example');
    expect(cert.Properties.SubjectAlternativeNames).toBeUndefined();
  });
});

describe('GIVEN a project with no HTTP anywhere: a queue worker fed by nothing and a nightly job', () => {
  const out = synthSnapshot((outdir) => {
    const project = new Project({ name: 'batch', outdir });
    Shipshape.configure(project, { repository: 'example-org/batch' });
    const worker = new Worker(project, 'mailer', { healthCommand: ['node', 'dist/health.js'] });
    const job = new ScheduledJob(project, 'nightly', { schedule: 'cron(0 3 * * ? *)', command: ['node', 'dist/nightly.js'] });
    for (const w of [worker, job]) {
      new DockerImage(project, `${w.name}-image`, {
        service: w, preset: DockerPreset.node({ entrypoint: 'dist/main.js' }), contextPath: `services/${w.name}`, dockerfilePath: `services/${w.name}/Dockerfile`,
      });
    }
    new Environment(project, 'prod', { account: '123456789012', region: 'eu-west-1', domain: { name: 'batch.example', hostedZoneId: ZONE } });
    new Pipeline(project, 'ci', {});
    return project;
  });

  test('THEN no file has a port 8080, a /healthz or a load balancer, though the environment has a domain', () => {
    const offenders = Object.entries(out).filter(([, text]) => /8080|\/healthz|AWS::ElasticLoadBalancingV2/.test(text)).map(([f]) => f);
    expect(offenders).toEqual([]);
    expect(Object.keys(out).filter((f) => f.startsWith('infra/')).sort()).toEqual([
      'infra/bootstrap.template.json', 'infra/mailer-prod.template.json', 'infra/nightly-prod.template.json', 'infra/prod.template.json',
    ]);
  });

  test('THEN the worker and the job get their stacks, repositories and deploy steps; the job is not waited for as an ECS service', () => {
    const wf = parse(out['.github/workflows/ci.yml']);
    const ids = (job: string) => wf.jobs[job].steps.map((s: Json) => s.id).filter(Boolean);
    expect(ids('deploy-prod-mailer')).toEqual(expect.arrayContaining(['deploy-environment', 'deploy-mailer', 'wait-mailer', 'record-mailer']));
    expect(ids('deploy-prod-nightly')).toEqual(expect.arrayContaining(['deploy-environment', 'deploy-nightly', 'record-nightly']));
    expect(ids('deploy-prod-nightly')).not.toContain('wait-nightly');
    const bootstrap = JSON.parse(out['infra/bootstrap.template.json']);
    const repos = Object.values<Json>(bootstrap.Resources).filter((r) => r.Type === 'AWS::ECR::Repository').map((r) => r.Properties.RepositoryName).sort();
    expect(repos).toEqual(['mailer', 'nightly']);
    expect(JSON.stringify(bootstrap)).toContain('stack/mailer-prod/*');
    expect(JSON.stringify(bootstrap)).toContain('stack/nightly-prod/*');
  });
});
