import { Project } from 'projen';
import { Database } from 'shipshape';
import { DockerPreset } from 'shipshape';
import { Service } from 'shipshape';
import { DockerImage } from 'shipshape';
declare const project: Project;
declare const api: Service;
import { DeploymentStrategy, Duration, Environment, Pipeline, ServiceContainer, Toolchain } from 'shipshape';

new Environment(project, 'prod', {
  account: '333333333333', region: 'eu-west-1', url: 'https://api.example.com',
  approval: { reviewers: ['octo-org/releasers'], waitMinutes: 5 },
  strategy: DeploymentStrategy.canary({ percent: 10, bake: Duration.minutes(10) }),
});

const ci = new Pipeline(project, 'ci', {
  toolchain: Toolchain.node({ packageManager: 'pnpm', version: '22' }), // or Toolchain.python(), Toolchain.go()
  checks: {
    format: true,                                   // true: the toolchain's preset command
    typecheck: 'pnpm tsc --noEmit',                 // a string: your command; false: no job
    test: { shards: 4, command: 'pnpm vitest --shard="$SHARD_INDEX/$SHARD_TOTAL"' },
    // The service's Database gives this job its PostgreSQL and DATABASE_* on its own; without one, add ServiceContainer.postgres().
    integration: { services: { redis: ServiceContainer.redis() } },
  },
  scans: { codeql: { queries: 'security-and-quality' }, iac: false },  // every scan is on unless switched off
  deploy: { order: ['dev', 'staging', 'prod'], smokeTest: 'pnpm smoke' },
  budget: { prMinutes: 10, failOnExceed: true },
  expectedMinutes: { codeql: 6 },
});
ci.addJob('e2e', { needs: ['build'], expectedMinutes: 5, steps: [{ run: 'pnpm e2e' }] });   // escape hatches
ci.patchStep('deploy-prod', 'Deploy api', { timeoutMinutes: 20 });
ci.addOverride('jobs.lint.continue-on-error', true);                                   // raw keys

export {};
