import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit/engine.js';
import { formatReport } from '../../src/audit/formats.js';
import { main } from '../../src/cli/main.js';
import { CONTROLS, selectControls, type AnyControl } from '../../src/controls/index.js';
import { manualPlan } from '../../src/controls/shared/plans.js';
import { result, subject, unknownDetail } from '../../src/controls/shared/wording.js';
import { defineControl } from '../../src/controls/types.js';
import { auditSummaryMessage } from '../../src/slack/blocks/audit.js';
import { describeScope, parseCommand } from '../../src/slack/commands/parse.js';
import { ACCOUNT, createNotebook, factoryFor, testConfig, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';

/**
 * "Add a control" is one file, its line in the registry and its test. This test adds a control at run time, on an
 * existing resource kind, and shows that nothing else has to change: the engine reads and evaluates it, and the CLI,
 * the report formats and the Slack texts count and list it, all from the catalog.
 */
const sagemaker26 = defineControl({
  metadata: {
    id: 'SageMaker.26',
    title: 'SageMaker notebook instances should require IMDSv2',
    severity: 'MEDIUM',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-imdsv2 (synthetic)',
    checks: 'InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion',
    evidence: { describe: true, tags: false },
    parameters: [],
    schedule: 'change-triggered',
    remediation: 'manual',
  },
  evaluate(snapshot) {
    const d = snapshot.detail;
    if (!d) return unknownDetail(snapshot, 'InstanceMetadataServiceConfiguration');
    const version = d.InstanceMetadataServiceConfiguration?.MinimumInstanceMetadataServiceVersion;
    return version === '2' ? result('PASSED', `${subject(snapshot.ref)} requires IMDSv2.`) : result('FAILED', `${subject(snapshot.ref)} allows IMDSv1.`);
  },
  plan(snapshot) {
    return manualPlan({
      controlId: 'SageMaker.26',
      summary: `Require IMDSv2 on notebook instance ${snapshot.ref.name}.`,
      disruption: null,
      steps: [['update', `UpdateNotebookInstance with MinimumInstanceMetadataServiceVersion=2 on ${snapshot.ref.name}.`]],
      rollback: null,
    });
  },
});

const catalog: readonly AnyControl[] = [...CONTROLS, sagemaker26];
const total = catalog.length;
let aws: AwsStandin;

useFakeCredentials();
beforeAll(async () => {
  aws = await startAwsStandin();
  createNotebook(aws, ACCOUNT, 'us-east-1', 'nb-v1', { InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '1' } });
  createNotebook(aws, ACCOUNT, 'us-east-1', 'nb-v2', { InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' } });
});
afterAll(() => aws.close());

function cli(argv: string[]): { code: Promise<number>; out: () => string } {
  let out = '';
  const code = main(argv, {}, { stdout: (t) => (out += t), stderr: (t) => (out += t), catalog });
  return { code, out: () => out };
}

describe('adding a control: one file and one test, nothing else', () => {
  it('the engine reads the kind once and evaluates the new control beside the others', async () => {
    const report = await runAudit({ regions: ['us-east-1'], source: 'sagemaker' }, { config: testConfig(), clientFactory: factoryFor(aws), catalog });
    expect(report.scope.controls).toHaveLength(total);
    const of = (name: string) => report.results.find((r) => r.controlId === 'SageMaker.26' && r.resourceName === name)?.status;
    expect([of('nb-v1'), of('nb-v2')]).toEqual(['FAILED', 'PASSED']);
    expect(report.summary.byControl['SageMaker.26']).toMatchObject({ FAILED: 1, PASSED: 1 });
    // One Describe per notebook, shared by the notebook controls: the new control adds no AWS call.
    expect(aws.callCount('DescribeNotebookInstance')).toBe(2);

    expect(formatReport(report, 'table', { totalControls: total })).toContain(`controls all (${total})`);
    expect(formatReport(report, 'markdown', { totalControls: total })).toContain(`controls all (${total})`);
    expect(JSON.stringify(auditSummaryMessage('a1', report, 'U0ASKER', total))).toContain(`all ${total} controls`);
  });

  it('the CLI lists it, counts it in its help and accepts it in --controls', async () => {
    const list = cli(['controls', '--format', 'json']);
    expect(await list.code).toBe(0);
    expect((JSON.parse(list.out()) as { id: string }[]).map((c) => c.id)).toContain('SageMaker.26');
    const help = cli(['--help']);
    await help.code;
    expect(help.out()).toContain('SageMaker.1-26');
    const scanHelp = cli(['scan', '--help']);
    await scanHelp.code;
    expect(scanHelp.out()).toContain(`(default: all ${total})`);
    expect(selectControls(['sagemaker.26'], catalog).map((c) => c.metadata.id)).toEqual(['SageMaker.26']);
  });

  it('Slack parses control=SageMaker.26 and describes the full scope with the new count', () => {
    const controlIds = catalog.map((c) => c.metadata.id);
    const parsed = parseCommand('us-east-1 control=sagemaker.26', { accounts: [], regions: ['us-east-1'], controlIds });
    expect(parsed).toMatchObject({ kind: 'audit', scope: { controls: ['SageMaker.26'] } });
    expect(describeScope({ accounts: [], regions: ['us-east-1'], controls: [], source: 'both' }, total)).toContain(`all ${total} controls`);
  });
});
