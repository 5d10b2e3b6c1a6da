/** One database, declared once: RDS, docker-compose and the CI integration job run the Database's version, name and user. */
import { Template } from 'aws-cdk-lib/assertions';
import type { Project } from 'projen';
import { parse } from 'yaml';
import { synthFailure } from './cloudformation-helpers';
import { bareProject } from './util';
import {
  ComposeDependency, Database, DatabaseProps, DockerImage, DockerPreset, Environment, LocalDev, Pipeline, ProdParity, Service,
  ServiceContainer, Toolchain,
} from '../src';
import { synthSnapshot } from '../src/testing/synth';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
/** The names the app reads to reach its database, wherever it runs. */
const NAMES = ['DATABASE_HOST', 'DATABASE_NAME', 'DATABASE_PASSWORD', 'DATABASE_PORT', 'DATABASE_USER', 'PGSSLMODE'];

/** A service with a database, staging and prod, docker-compose and a pipeline with integration tests. */
function project(outdir: string, db: Partial<DatabaseProps> = {}, more: (p: Project, api: Service, image: DockerImage) => void = () => {}): Project {
  const p = bareProject(outdir, 'shop');
  const api = new Service(p, 'api', { port: 3000, env: { LOG_LEVEL: { value: 'info' } } });
  const image = new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
  new Environment(p, 'staging', { account: ACCOUNT, region: REGION });
  new Environment(p, 'prod', { account: ACCOUNT, region: REGION });
  new Database(p, 'db', { service: api, postgresVersion: '16', databaseName: 'orders', username: 'orders_app', ...db });
  more(p, api, image);
  return p;
}

describe('GIVEN a Database (PostgreSQL 16, orders/orders_app) with LocalDev and a pipeline running integration tests', () => {
  const files = synthSnapshot((outdir) => project(outdir, { environments: { prod: { instanceType: 'm7g.large', allocatedStorageGiB: 100 } } }, (p, _api, image) => {
    new LocalDev(p, 'local', { image });
    new Pipeline(p, 'ci', { image, toolchain: Toolchain.node(), checks: { integration: { services: { redis: ServiceContainer.redis() } } } });
  }));
  const compose = parse(files['docker-compose.yml']);
  const ci = parse(files['.github/workflows/ci.yml']);
  const integration = ci.jobs.integration;
  const testEnv = integration.steps.find((s: any) => s.name === 'Integration tests').env;
  const staging = Template.fromJSON(JSON.parse(files['infra/api-staging.template.json']));
  const prod = Template.fromJSON(JSON.parse(files['infra/api-prod.template.json']));
  const taskEnv = (t: Template) => Object.values(t.findResources('AWS::ECS::TaskDefinition'))[0].Properties.ContainerDefinitions[0];

  test('THEN compose runs the same major version (alpine), with the Database\'s name and user and a local password', () => {
    expect(compose.services.postgres.image).toBe('postgres:16-alpine');
    expect(compose.services.postgres.environment).toEqual({ POSTGRES_DB: 'orders', POSTGRES_USER: 'orders_app', POSTGRES_PASSWORD: 'local-dev-only-password' });
    expect(compose.services.postgres.healthcheck.test).toEqual(['CMD', 'pg_isready', '-U', 'orders_app', '-d', 'orders']);
    expect(compose.services.api.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  test('THEN the app in compose reads the DATABASE_* names, pointed at the compose service, without TLS', () => {
    expect(compose.services.api.environment).toMatchObject({
      DATABASE_HOST: 'postgres',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'orders',
      DATABASE_USER: 'orders_app',
      DATABASE_PASSWORD: 'local-dev-only-password',
      PGSSLMODE: 'disable',
      LOG_LEVEL: 'info',
    });
  });

  test('THEN the CI integration job runs postgres:<major> with the same name and user, and the tests get the same names', () => {
    expect(integration.services.postgres).toMatchObject({
      image: 'postgres:16',
      env: { POSTGRES_DB: 'orders', POSTGRES_USER: 'orders_app', POSTGRES_PASSWORD: 'local-dev-only-password' },
      ports: ['5432:5432'],
    });
    expect(integration.services.postgres.options).toContain('--health-cmd "pg_isready -U orders_app -d orders"');
    expect(integration.services.redis.image).toBe('redis:7');
    expect(testEnv).toEqual({
      DATABASE_HOST: 'localhost',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'orders',
      DATABASE_USER: 'orders_app',
      DATABASE_PASSWORD: 'local-dev-only-password',
      PGSSLMODE: 'disable',
      REDIS_URL: 'redis://localhost:6379',
    });
    // Only the integration job: the unit tests get no database.
    expect(ci.jobs.test.services).toBeUndefined();
  });

  test('THEN ECS gives the task the same names, with TLS required (RDS forces it) and the password from the RDS secret', () => {
    const container = taskEnv(prod);
    const env = Object.fromEntries(container.Environment.map((e: any) => [e.Name, e.Value]));
    expect(env).toMatchObject({ DATABASE_NAME: 'orders', DATABASE_USER: 'orders_app', PGSSLMODE: 'require' });
    expect(env.DATABASE_HOST).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Database/), 'Endpoint.Address'] });
    expect(container.Secrets.map((s: any) => s.Name)).toEqual(['DATABASE_PASSWORD']);
    prod.hasResourceProperties('AWS::RDS::DBParameterGroup', { Parameters: { 'rds.force_ssl': '1' }, Family: 'postgres16' });
  });

  test('THEN the app sees the same DATABASE_* names in ECS, compose and CI', () => {
    const container = taskEnv(prod);
    const ecs = [...container.Environment.map((e: any) => e.Name), ...container.Secrets.map((s: any) => s.Name)]
      .filter((n: string) => NAMES.includes(n));
    const local = Object.keys(compose.services.api.environment).filter((n) => NAMES.includes(n));
    const inCi = Object.keys(testEnv).filter((n) => NAMES.includes(n));
    expect(ecs.sort()).toEqual(NAMES);
    expect(local.sort()).toEqual(NAMES);
    expect(inCi.sort()).toEqual(NAMES);
  });

  test('THEN prod gets its own size and staging the default', () => {
    prod.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.m7g.large', AllocatedStorage: '100', MaxAllocatedStorage: 100, EngineVersion: '16.13' });
    staging.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.micro', AllocatedStorage: '20', MaxAllocatedStorage: 100, EngineVersion: '16.13' });
  });
});

describe('sizes per environment and ProdParity', () => {
  test('GIVEN prod larger than staging WHEN checked for parity THEN it passes, and the report lists the sizes as a knob', () => {
    let parity: ProdParity | undefined;
    synthSnapshot((outdir) => project(outdir, { environments: { prod: { instanceType: 'r7g.large', maxAllocatedStorageGiB: 400 } } }, (p) => {
      parity = new ProdParity(p, 'parity', { staging: p.node.findChild('staging') as Environment, prod: p.node.findChild('prod') as Environment });
    }));
    expect(parity!.differences()).toContainEqual({
      property: 'database.api.size',
      staging: 't4g.micro, 20-100 GiB',
      prod: 'r7g.large, 20-400 GiB',
      byDesign: true,
      allowedBecause: "by design: sizes are a knob: a Database's instance type and storage are set per environment (Database environments)",
    });
    expect(parity!.report()).toMatch(/database\.api\.size\s+\| t4g\.micro, 20-100 GiB \| r7g\.large, 20-400 GiB \| by design: sizes are a knob/);
  });
});

describe('one database, declared once: bad input', () => {
  test('GIVEN the Service declares DATABASE_* itself THEN synthesis fails naming the Database', () => {
    const { error, files } = synthFailure((p) => {
      const api = new Service(p, 'api', { env: { DATABASE_HOST: { value: 'db.internal' }, DATABASE_PASSWORD: { secret: 'shop/db' } } });
      new Database(p, 'db', { service: api });
    });
    expect(error.message).toContain('[shop/api] env.DATABASE_HOST: must be a name the database does not set (DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, DATABASE_USER, PGSSLMODE, DATABASE_PASSWORD come from shop/db)');
    expect(error.message).toContain('[shop/api] env.DATABASE_PASSWORD:');
    expect(files).toEqual([]);
  });

  test('GIVEN an Environment sets PGSSLMODE THEN synthesis fails: the Database sets it per place', () => {
    const { error } = synthFailure((p) => {
      new Database(p, 'db', { service: new Service(p, 'api') });
      new Environment(p, 'prod', { account: ACCOUNT, region: REGION, variables: { PGSSLMODE: 'disable' } });
    });
    expect(error.message).toContain('[shop/prod] PGSSLMODE: must be a name the database does not set');
  });

  test('GIVEN LocalDev with its own ComposeDependency.postgres THEN synthesis fails with a hint to remove it', () => {
    const { error, files } = synthFailure((p) => {
      const api = new Service(p, 'api');
      new Database(p, 'db', { service: api });
      const image = new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
      new LocalDev(p, 'local', { image, dependencies: [ComposeDependency.postgres()] });
    });
    expect(error.message).toContain("[shop/local] dependencies: must be no PostgreSQL dependency: shop/db provides it (postgres:17-alpine, database 'api', user 'app') (got 'ComposeDependency.postgres() named postgres') [SS-COMPOSE-DATABASE]");
    expect(error.message).toContain('Remove ComposeDependency.postgres()');
    expect(files).toEqual([]);
  });

  test('GIVEN LocalDev env for a DATABASE_* name THEN synthesis fails: LocalDev sets it', () => {
    const { error } = synthFailure((p) => {
      const api = new Service(p, 'api');
      new Database(p, 'db', { service: api });
      new LocalDev(p, 'local', { image: new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() }), env: { DATABASE_PASSWORD: 'x' } });
    });
    expect(error.message).toContain('[shop/local] env.DATABASE_PASSWORD: must be a name the database does not set');
  });

  test('GIVEN the integration job declares ServiceContainer.postgres THEN synthesis fails with a hint to remove it', () => {
    const { error, files } = synthFailure((p) => {
      const api = new Service(p, 'api');
      new Database(p, 'db', { service: api, postgresVersion: '15' });
      const image = new DockerImage(p, 'image', { service: api, preset: DockerPreset.node() });
      new Pipeline(p, 'ci', { image, checks: { integration: { services: { db: ServiceContainer.postgres() } } } });
    });
    expect(error.message).toContain("[shop/ci] checks.integration.services.db: must be no PostgreSQL container of its own: shop/db provides 'postgres' (postgres:15, database 'api', user 'app') (got 'postgres:17') [SS-PIPELINE-DATABASE]");
    expect(files).toEqual([]);
  });

  test('GIVEN sizes for an environment that is not declared THEN synthesis fails listing the declared ones', () => {
    const { error } = synthFailure((p) => {
      new Environment(p, 'prod', { account: ACCOUNT, region: REGION });
      new Database(p, 'db', { service: new Service(p, 'api'), environments: { production: { instanceType: 'm7g.large' } } });
    });
    expect(error.message).toContain("[shop/db] environments.production: must be the name of a declared environment (prod) (got 'production') [SS-DATABASE-ENVIRONMENT]");
  });
});
