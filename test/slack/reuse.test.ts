import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestStateStore } from '../../src/digest/state.js';
import { DIGEST_ACTION_IDS } from '../../src/slack/blocks/digest.js';
import type { AuditJobResult } from '../../src/slack/threads/audit.js';
import { createNotebook, factoryFor, useFakeCredentials } from '../audit/standin-helpers.js';
import { startAwsStandin, type AwsStandin } from '../support/aws-standin/index.js';
import { APPROVER, CHANNEL, eventually, startHarness, type Harness } from './harness.js';

/**
 * One open proposal per resource and configuration, whoever asks: a second audit, `resource=`, and the digest's
 * "Propose fix" reuse the open proposal instead of posting another; a changed resource gets a new one.
 */

const ACCOUNT = '111111111111';
let aws: AwsStandin;
let h: Harness;

beforeAll(async () => {
  useFakeCredentials();
  aws = await startAwsStandin({ defaultAccountId: ACCOUNT, transitionDelayMs: 10 });
  createNotebook(aws, ACCOUNT, 'us-east-1', 'nb-twice', { RootAccess: 'Enabled', PlatformIdentifier: 'notebook-al2-v3' });
  h = await startHarness({ workers: true, clientFactory: factoryFor(aws), env: { AUDIT_ACCOUNTS: ACCOUNT } });
}, 30_000);

afterAll(async () => {
  await h?.close();
  await aws?.close();
});

async function audit(text: string): Promise<{ result: AuditJobResult; statusTs: string }> {
  const before = (await h.auditJobs()).filter((j) => j.returnvalue).length;
  await h.command(text);
  await eventually(async () => (await h.auditJobs()).filter((j) => j.returnvalue).length === before + 1, 30_000, `the audit "${text}"`);
  const job = (await h.auditJobs()).filter((j) => j.returnvalue).sort((a, b) => b.timestamp - a.timestamp)[0]!;
  return { result: job.returnvalue as AuditJobResult, statusTs: (job.data as { statusMessageTs: string }).statusMessageTs };
}

const threadText = (ts: string) => h.standin.thread(CHANNEL, ts).map((m) => JSON.stringify(m.blocks)).join('\n');

describe('an open proposal is reused, not posted again', () => {
  it('a second audit and resource= point to the open proposal; a changed resource gets a new one', async () => {
    const first = await audit('us-east-1');
    expect(first.result).toMatchObject({ proposals: 1, reused: 0 });
    const [open] = await h.services.web.proposals.pending();
    expect(open!.proposal.plan.verify.controlIds).toEqual(['SageMaker.3', 'SageMaker.8']);

    const again = await audit('us-east-1');
    expect(again.result).toMatchObject({ proposals: 0, reused: 1 });
    expect(threadText(again.statusTs)).toContain('already proposed (pending): <https://standin.slack.com/archives/');
    expect(threadText(again.statusTs)).not.toContain('Proposal `');

    const one = await audit('resource=nb-twice');
    expect(one.result).toMatchObject({ proposals: 0, reused: 1 });
    // A narrower audit (one of its controls) is covered by the open proposal too.
    expect((await audit('control=SageMaker.8')).result).toMatchObject({ proposals: 0, reused: 1 });
    expect(await h.services.web.proposals.pending()).toHaveLength(1);

    // The resource changes: its configuration fingerprint differs, so the next audit proposes afresh.
    aws.modify(ACCOUNT, 'us-east-1', 'notebook-instance', 'nb-twice', { VolumeSizeInGB: 50 });
    expect((await audit('us-east-1')).result).toMatchObject({ proposals: 1, reused: 0 });
  });

  it('the digest’s "Propose fix" on the resource tells where the open proposal is', async () => {
    // The one that stands for the resource now (the first test's last audit made it).
    const open = (await h.services.web.proposals.pending()).at(-1);
    const parent = h.standin.addUserMessage(CHANNEL, 'the digest');
    const result = open!.proposal.results[0]!;
    await new DigestStateStore(h.services.redis.worker, h.prefix).saveItems('dreuse', [{ runId: 'dreuse', result, resourceResults: open!.proposal.results, channelId: CHANNEL, threadTs: parent.ts }]);
    await h.press(DIGEST_ACTION_IDS.proposeFix, 'dreuse:0', APPROVER, parent.ts);
    await eventually(() => h.standin.ephemerals.some((e) => e.user === APPROVER), 5000, 'the answer');
    expect(h.standin.ephemerals.find((e) => e.user === APPROVER)!.text).toContain(`already has an open proposal (\`${open!.proposal.id}\`, pending)`);
    expect(h.standin.thread(CHANNEL, parent.ts)).toEqual([]);
  });
});
