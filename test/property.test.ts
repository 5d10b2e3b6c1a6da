/**
 * Property-based: any valid configuration produces output that passes every
 * third-party validator. fast-check generates the configurations.
 */
import fc from 'fast-check';
import { build, config } from './property-config';
import { synthSnapshot } from '../src/testing/synth';
import { actionlint } from '../src/validators/actionlint';
import { CFN_LINT_INSTALL, cfnLint, cfnLintVersion } from '../src/validators/cfnlint';
import { CloudFormationValidator } from '../src/validators/cloudformation';
import { lintDockerfile } from '../src/validators/dockerfile';
import { workflowParser } from '../src/validators/workflow-parser';

jest.setTimeout(300_000);

const cfn = new CloudFormationValidator();
afterAll(() => cfn.free());

test('random valid configurations always pass every validator', async () => {
  // GitHub's parser runs in a child process: validate every generated workflow in one batch at the end.
  const allWorkflows: Array<{ name: string; content: string }> = [];
  // cfn-lint takes seconds to start: every generated template is linted in one run at the end too.
  const allTemplates: Array<{ name: string; content: string }> = [];
  let run = 0;
  await fc.assert(fc.asyncProperty(config, async (c) => {
    const files = synthSnapshot(build(c));
    const problems: string[] = [];
    for (const [f, text] of Object.entries(files)) {
      if (f.startsWith('.github/workflows/')) {
        problems.push(...(await actionlint(text, f)).map((x) => `${f}: ${x.message}`));
      }
      if (f.endsWith('Dockerfile')) problems.push(...lintDockerfile(text, f).filter((x) => x.severity !== 'info').map((x) => `${f}: ${x.message}`));
      if (f.endsWith('.template.json')) problems.push(...cfn.validate(text, f).filter((x) => x.severity !== 'info').map((x) => `${f}: ${x.message}`));
    }
    run++;
    for (const [f, content] of Object.entries(files)) if (f.startsWith('.github/workflows/')) allWorkflows.push({ name: `run-${run}/${f}`, content });
    for (const [f, content] of Object.entries(files)) if (f.endsWith('.template.json')) allTemplates.push({ name: `run-${run}/${f}`, content });
    expect(problems).toEqual([]);
  }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 15), seed: Number(process.env.PROPERTY_SEED ?? 20261127) });
  expect(allWorkflows.length).toBeGreaterThan(0);
  expect(workflowParser(allWorkflows)).toEqual([]);
  expect(allTemplates.length).toBeGreaterThan(0);
  if (cfnLintVersion()) {
    expect(cfnLint(allTemplates).filter((x) => x.severity !== 'info').map((x) => `${x.file}:${x.line} [${x.rule}] ${x.message}`)).toEqual([]);
  } else {
    console.warn(`cfn-lint SKIPPED on the generated templates: cfn-lint is not on PATH (${CFN_LINT_INSTALL})`);
  }
});
