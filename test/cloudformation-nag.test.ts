/**
 * cdk-nag 3 (AwsSolutions pack) over every stack of the flagship example and the fixtures: every
 * finding must carry an acknowledgement with a written reason (src/cloudformation/nag.ts), and
 * docs/cdk-nag-acknowledgements.md lists them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Project } from 'projen';
import { fixtures } from './fixtures';
import { createProject } from '../examples/node-api/.projenrc';
import { createProject as createShop } from '../examples/shop/.projenrc';
import { Environment } from '../src';
import { renderNagAcknowledgementsDoc } from '../src/cloudformation/nag';
import { buildApp } from '../src/cloudformation/templates';
import { Shipshape } from '../src/shipshape';

interface Violation { ruleName: string; violatingResources: Array<{ constructPath: string }> }

function nag(build: (outdir: string) => Project): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'shipshape-nag-'));
  try {
    const model = Shipshape.of(build(outdir)).model();
    const { app } = buildApp(model, { validation: false, outdir: path.join(outdir, 'cdk.out') });
    const report = new AwsSolutionsChecks(app).validateScope(app) as unknown as { violations: Violation[] };
    return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const projects: Array<[string, (outdir: string) => Project]> = [
  ['examples/node-api', (outdir) => createProject(outdir)], ['examples/shop', (outdir) => createShop(outdir)], ...fixtures,
];

test.each(projects)('%s: cdk-nag AwsSolutions reports no finding without an acknowledgement', (_name, build) => {
  expect(nag(build)).toEqual([]);
});

test('cdk-nag can fail: an open security group is reported', () => {
  const findings = nag((outdir) => {
    const project = createProject(outdir);
    const staging = Shipshape.of(project).membersOf(Environment).find((e) => e.name === 'staging')!;
    staging.addStackCustomization((stack) => {
      // The workload stack's VPC is the environment stack's, imported (EnvironmentVpc).
      const vpc = stack.node.findChild('EnvironmentVpc') as ec2.IVpc;
      new ec2.SecurityGroup(stack, 'Open', { vpc }).addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
    });
    return project;
  });
  expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-EC23 at api-staging\/Open/)]));
});

test('docs/cdk-nag-acknowledgements.md lists every acknowledgement (SHIPSHAPE_UPDATE_DOCS=1 rewrites it)', () => {
  const file = path.join(__dirname, '..', 'docs', 'cdk-nag-acknowledgements.md');
  const expected = renderNagAcknowledgementsDoc();
  if (process.env.SHIPSHAPE_UPDATE_DOCS === '1') fs.writeFileSync(file, expected);
  expect(fs.readFileSync(file, 'utf8')).toEqual(expected);
});
