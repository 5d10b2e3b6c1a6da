import { synthFailure } from './cloudformation-helpers';
import { DeploymentStrategy, Duration, Environment, ProdParity, Service, ShipshapeError } from '../src';
import { templateSizeProblems } from '../src/cloudformation/templates';
import type { ProjectModel } from '../src/model';

const env = { account: '123456789012', region: 'eu-west-1' };

describe('bad input: a clear error before anything is written', () => {
  test('a canary without a load balancer', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      new Environment(project, 'prod', { ...env, strategy: DeploymentStrategy.canary() });
    });
    expect(error.message).toContain("[shop/prod] strategy: must be a strategy that works without a load balancer (rolling), or a domain on this environment (got 'canary') [SS-ENV-STRATEGY]");
    expect(files).toEqual([]);
  });

  test("a bake time shorter than the rollback alarms' evaluation window", () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      new Environment(project, 'prod', { ...env, domain: { name: 'api.example.com', hostedZoneId: 'ZZONE' }, strategy: DeploymentStrategy.blueGreen({ bake: Duration.minutes(2) }) });
    });
    expect(error.message).toContain("[shop/prod] strategy.bake: must be at least 7m: the 5m window of rollback alarm 'error-logs' plus 2m for evaluation lag (got '2m') [SS-ENV-BAKE]");
    expect(files).toEqual([]);
  });

  test('min greater than max scaling', () => {
    const { error, files } = synthFailure((project) => {
      new Environment(project, 'prod', { ...env, scaling: { min: 5, max: 2 } });
    });
    expect(error.message).toContain('[shop/prod] scaling.min: must be at most scaling.max (got 5)');
    expect(files).toEqual([]);
  });

  test('CPU and memory values that Fargate does not support', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api', { cpu: 256, memoryMiB: 4096 });
    });
    expect(error.message).toContain('[shop/api] memoryMiB: must be a memory Fargate accepts with 256 CPU units: 512, 1024, 2048 MiB (got 4096)');
    expect(files).toEqual([]);
    const cpu = synthFailure((project) => new Service(project, 'api', { cpu: 300 }));
    expect(cpu.error.message).toContain('[shop/api] cpu: must be a Fargate CPU value (256, 512, 1024, 2048, 4096, 8192, 16384) (got 300)');
  });

  test('a secret given as a literal value instead of a reference', () => {
    const { error, files } = synthFailure((project) => {
      new Environment(project, 'prod', { ...env, secrets: { API_KEY: 'sk_live_123' as never } });
    });
    expect(error.message).toContain("[shop/prod] secrets.API_KEY: must be a reference to a secret (SecretRef.fromName('...') or SecretRef.fromArn('...')), never the secret value itself");
    expect(error.message).toContain("(got '(a literal value, not shown)')");
    expect(error.message).not.toContain('sk_live_123');
    expect(files).toEqual([]);
  });

  test('an environment in prod-parity mode that diverges without an acknowledgement', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      const staging = new Environment(project, 'staging', { ...env, logRetentionDays: 7 });
      const prod = new Environment(project, 'prod', { ...env, logRetentionDays: 90 });
      new ProdParity(project, 'parity', { staging, prod });
    });
    expect(error.message).toContain('[shop/staging] logRetentionDays: must be the same in staging and prod');
    expect(files).toEqual([]);
  });

  test('strategy parameters out of range', () => {
    expect(() => DeploymentStrategy.canary({ percent: 0 })).toThrow('[DeploymentStrategy.canary] percent: must be a whole percentage from 1 to 99 (got 0)');
    expect(() => DeploymentStrategy.canary({ percent: 100 })).toThrow(ShipshapeError);
    expect(() => DeploymentStrategy.linear({ stepPercent: 2 })).toThrow('must be a whole percentage from 3 to 99 (got 2)');
    expect(() => DeploymentStrategy.blueGreen({ bake: Duration.seconds(90) })).toThrow("bake: must be a Duration of whole minutes from 0 to 1440 minutes (24 hours) (got '90s')");
    expect(() => DeploymentStrategy.linear({ interval: Duration.hours(25) })).toThrow('interval');
  });

  test('an override of a resource that does not exist', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      new Environment(project, 'prod', env).addOverride('NoSuchThing', 'Properties.X', 1);
    });
    expect(error.message).toContain("[shop/prod] addOverride: must be the logical id or construct path of a resource in stack api-prod (got 'NoSuchThing')");
    expect(files).toEqual([]);
  });
});

describe('template size', () => {
  test('GIVEN a stack customization that makes a template larger than CloudFormation reads from S3 THEN synthesis stops before writing', () => {
    const { error, files } = synthFailure((project) => {
      new Service(project, 'api');
      new Environment(project, 'prod', env).addStackCustomization((stack) => {
        stack.templateOptions.metadata = { Notes: 'x'.repeat(1_000_000) };
      });
    });
    expect(error.message).toMatch(/\[shop\/prod\] template: must be at most 1000000 bytes \(the largest template CloudFormation reads from S3\) \(got 'infra\/api-prod\.template\.json: 10\d{5} bytes'\)/);
    expect(error.message).toContain('[SS-TEMPLATE-SIZE]');
    expect(files).toEqual([]);
  });

  test('GIVEN templates up to the limit THEN no problem; one byte more THEN a problem naming the file', () => {
    const model = {
      name: 'shop',
      services: [{ name: 'api', exposure: { kind: 'public' } }],
      workers: [],
      jobs: [],
      environments: [{ name: 'prod', path: 'shop/prod', strategy: { kind: 'rolling' }, infrastructure: {} }],
    } as unknown as ProjectModel;
    expect(templateSizeProblems(model, new Map([['infra/api-prod.template.json', 'é'.repeat(50)]]), 100)).toEqual([]);
    const [p] = templateSizeProblems(model, new Map([['infra/api-prod.template.json', `${'é'.repeat(50)}x`]]), 100);
    expect(p).toMatchObject({ code: 'SS-TEMPLATE-SIZE', path: 'shop/prod', property: 'template' });
    expect(p.got).toContain('infra/api-prod.template.json: 101 bytes');
  });
});
