import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { loadConfig, type ApprovalPolicy } from '../../src/config.js';
import { createApprovers, ruleFor, subjectOf, type ApprovalSubject } from '../../src/slack/approvers.js';
import { SlackStandin } from '../support/slack-standin/index.js';
import { failedResult, plan, proposal } from './fixtures.js';

let standin: SlackStandin;
let client: WebClient;
beforeAll(async () => {
  standin = await SlackStandin.start({ userGroups: { S0OPS: ['U0OPS'], S0SEC: ['U0SEC1', 'U0SEC2'] } });
  client = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await standin.close();
});

const app = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };
const simple = (approvers: string[], twoPersonRule = false): ApprovalPolicy =>
  loadConfig({ ...app, APPROVERS: approvers.join(','), TWO_PERSON_RULE: String(twoPersonRule) }).app.approvalPolicy;

const dir = mkdtempSync(join(tmpdir(), 'approval-policy-'));
let files = 0;
function fromFile(text: string): ApprovalPolicy {
  const path = join(dir, `policy-${++files}.yaml`);
  writeFileSync(path, text);
  return loadConfig({ ...app, APPROVAL_POLICY: path }).app.approvalPolicy;
}

/** A pending proposal for notebook nb-1 in 123456789012 (requested by U0REQUESTER) fixing SageMaker.2 in place. */
const nbProposal = proposal();

describe('approvals under the simple form (APPROVERS, TWO_PERSON_RULE)', () => {
  it('no approvers configured: nobody may decide, and the refusal says how to configure them', async () => {
    const d = await createApprovers(simple([]), client).check('U1', 'approve', nbProposal);
    expect(d.allowed).toBe(false);
    expect(!d.allowed && d.reason).toMatch(/APPROVERS.*APPROVAL_POLICY/);
  });

  it('listed users and user-group members may decide; others may not, and are told who may', async () => {
    const approvers = createApprovers(simple(['U0LISTED', 'S0OPS']), client);
    expect((await approvers.check('U0LISTED', 'approve', nbProposal)).allowed).toBe(true);
    expect((await approvers.check('U0OPS', 'deny', nbProposal)).allowed).toBe(true);
    const no = await approvers.check('U0NOBODY', 'approve', nbProposal);
    expect(!no.allowed && no.reason).toContain('<@U0LISTED>');
    expect(!no.allowed && no.reason).toContain('user group `S0OPS`');
  });

  it('a group that cannot be read refuses and names the group', async () => {
    const d = await createApprovers(simple(['S0GONE']), client).check('U0OPS', 'approve', nbProposal);
    expect(!d.allowed && d.reason).toContain('no_such_subteam');
  });

  it('two-person rule: the requester cannot approve (but may deny); another approver can approve', async () => {
    const approvers = createApprovers(simple(['U0A', 'U0REQUESTER'], true), client);
    const self = await approvers.check('U0REQUESTER', 'approve', nbProposal);
    expect(!self.allowed && self.reason).toContain('two-person rule');
    expect((await approvers.check('U0REQUESTER', 'deny', nbProposal)).allowed).toBe(true);
    expect((await approvers.check('U0A', 'approve', nbProposal)).allowed).toBe(true);
  });

  it('clicks read group members afresh; views use them cached for the TTL', async () => {
    let t = 0;
    const approvers = createApprovers(simple(['S0OPS']), client, { ttlMs: 1000, now: () => t });
    const calls = () => standin.callsTo('usergroups.users.list').length;
    const before = calls();
    expect(await approvers.couldApprove('U0OPS', nbProposal)).toBe(true);
    expect(await approvers.couldApprove('U0X', nbProposal)).toBe(false);
    expect(calls() - before).toBe(1);
    t = 500;
    await approvers.check('U0OPS', 'approve', nbProposal);
    expect(calls() - before).toBe(2); // a click never uses the cache…
    t = 1200;
    await approvers.couldApprove('U0OPS', nbProposal);
    expect(calls() - before).toBe(2); // …but refreshes it (read at 500)
    t = 1600;
    await approvers.couldApprove('U0OPS', nbProposal);
    expect(calls() - before).toBe(3);
  });

  it('risks: those the policy names may accept and revoke them', async () => {
    const approvers = createApprovers(simple(['U0A', 'S0OPS']), client);
    expect((await approvers.mayDecideRisks('U0OPS')).allowed).toBe(true);
    const no = await approvers.mayDecideRisks('U0X');
    expect(!no.allowed && no.reason).toContain('Only approvers may accept or revoke risks');
    expect((await createApprovers(simple([]), client).mayDecideRisks('U0A')).allowed).toBe(false);
  });
});

describe('APPROVAL_POLICY rules', () => {
  const policy = fromFile(`
rules:
  - name: production-recreate
    match: { fixKind: recreate, tags: { env: prod } }
    approvers: [S0SEC]
    approvals: 2
  - name: tags-on-dev
    match: { controls: [SageMaker.6, SageMaker.7], severity: [LOW], accounts: ["111111111111"] }
    approvers: [U0DEV]
    requesterMayApprove: true
  - name: in-place
    match: { fixKind: [in-place] }
    approvers: [U0OPS1, S0OPS]
riskApprovers: [S0SEC]
`);
  const subject = (o: Partial<ApprovalSubject>): ApprovalSubject => ({ fixKind: 'in-place', controlIds: ['SageMaker.3'], severity: 'HIGH', accountId: '222222222222', tags: {}, ...o });

  it('the first rule whose conditions all hold decides; a fix no rule covers is denied by default', () => {
    expect(ruleFor(policy, subject({ fixKind: 'recreate', tags: { env: 'prod' } })).rule?.name).toBe('production-recreate');
    expect(ruleFor(policy, subject({ fixKind: 'in-place', controlIds: ['SageMaker.6'], severity: 'LOW', accountId: '111111111111' })).rule?.name).toBe('tags-on-dev');
    // tags-on-dev needs all three: another account falls through to in-place.
    expect(ruleFor(policy, subject({ controlIds: ['SageMaker.6'], severity: 'LOW' })).rule?.name).toBe('in-place');
    const none = ruleFor(policy, subject({ fixKind: 'recreate', tags: { env: 'dev' } }));
    expect(none.rule).toBeUndefined();
    expect(!none.rule && none.reason).toContain('denied by default');
  });

  it('a rule on tags that were not read stops the search: nobody may approve, even if a laxer rule follows', () => {
    const outcome = ruleFor(policy, subject({ fixKind: 'recreate', tags: null }));
    expect(outcome.rule).toBeUndefined();
    expect(!outcome.rule && outcome.reason).toContain('tags, which could not be read');
    // A rule without tag conditions is decided without tags.
    expect(ruleFor(policy, subject({ tags: null })).rule?.name).toBe('in-place');
  });

  it('the example policy in examples/ loads and decides as its comments say', () => {
    const example = loadConfig({ ...app, APPROVAL_POLICY: 'examples/approval-policy.yaml' }).app.approvalPolicy;
    expect(ruleFor(example, subject({ fixKind: 'recreate', accountId: '111111111111' })).rule).toMatchObject({ name: 'recreate-needs-two', approvals: 2 });
    expect(ruleFor(example, subject({ accountId: '111111111111' })).rule?.name).toBe('production');
    expect(ruleFor(example, subject({ tags: { env: 'prod' }, controlIds: ['SageMaker.6'] })).rule?.name).toBe('production-tagged');
    expect(ruleFor(example, subject({ controlIds: ['SageMaker.6'] })).rule).toMatchObject({ name: 'tags', requesterMayApprove: true });
    expect(ruleFor(example, subject({})).rule).toMatchObject({ name: 'in-place', requesterMayApprove: false });
    expect(example.riskApprovers.userGroupIds).toEqual(['S0SECURITY']);
  });

  it('`*` accepts any value of a tag key that is present', () => {
    const any = fromFile(`rules: [{ name: owned, match: { tags: { owner: "*" } }, approvers: [U0A] }]`);
    expect(ruleFor(any, subject({ tags: { owner: 'x' } })).rule?.name).toBe('owned');
    expect(ruleFor(any, subject({ tags: {} })).rule).toBeUndefined();
  });

  it('the subject of a proposal: its fix kind, the controls it claims, the most severe of them, its account and tags', () => {
    const p = proposal({ tags: { env: 'prod' } }, [
      failedResult({ controlId: 'SageMaker.21', severity: 'MEDIUM', remediation: plan({ kind: 'manual', steps: [{ id: 'm', operation: 'manual', title: 'Rebuild', params: {} }], verify: { controlId: 'SageMaker.21' } }) }),
      failedResult({ controlId: 'SageMaker.8', severity: 'LOW', remediation: plan({ verify: { controlId: 'SageMaker.8' } }) }),
    ]);
    expect(subjectOf(p)).toEqual({ fixKind: 'in-place', controlIds: ['SageMaker.8'], severity: 'LOW', accountId: '123456789012', tags: { env: 'prod' } });
  });

  it('requester: excluded unless the rule says otherwise; deny with no rule: only risk approvers', async () => {
    const approvers = createApprovers(policy, client);
    const prodRecreate = proposal({ requestedBy: 'U0SEC1', tags: { env: 'prod' } }, [failedResult({ remediation: plan({ kind: 'recreate' }) })]);
    const self = await approvers.check('U0SEC1', 'approve', prodRecreate);
    expect(!self.allowed && self.reason).toContain('does not let the person who asked for the audit approve');
    expect((await approvers.check('U0SEC2', 'approve', prodRecreate)).allowed).toBe(true);

    const tagsDev = proposal({ requestedBy: 'U0DEV' }, [failedResult({ controlId: 'SageMaker.6', severity: 'LOW', accountId: '111111111111', remediation: plan({ verify: { controlId: 'SageMaker.6' } }) })]);
    expect((await approvers.check('U0DEV', 'approve', tagsDev)).allowed).toBe(true);

    const uncovered = proposal({ tags: { env: 'dev' } }, [failedResult({ remediation: plan({ kind: 'recreate' }) })]);
    expect((await approvers.check('U0OPS1', 'approve', uncovered)).allowed).toBe(false);
    expect((await approvers.check('U0OPS1', 'deny', uncovered)).allowed).toBe(false);
    expect((await approvers.check('U0SEC1', 'deny', uncovered)).allowed).toBe(true);
    expect((await approvers.mayDecideRisks('U0OPS1')).allowed).toBe(false);
    expect((await approvers.mayDecideRisks('U0SEC2')).allowed).toBe(true);
  });

  it('stillAllowed re-reads the group: a member taken out no longer counts', async () => {
    const approvers = createApprovers(policy, client);
    const prodRecreate = proposal({ tags: { env: 'prod' } }, [failedResult({ remediation: plan({ kind: 'recreate' }) })]);
    expect(await approvers.stillAllowed(['U0SEC1', 'U0SEC2', 'U0X'], prodRecreate)).toEqual(['U0SEC1', 'U0SEC2']);
    standin.setUserGroup('S0SEC', ['U0SEC2']);
    try {
      expect(await approvers.stillAllowed(['U0SEC1', 'U0SEC2'], prodRecreate)).toEqual(['U0SEC2']);
    } finally {
      standin.setUserGroup('S0SEC', ['U0SEC1', 'U0SEC2']);
    }
  });
});

describe('APPROVAL_POLICY validation at start-up', () => {
  const problems = (text: string, env: Record<string, string> = {}): string => {
    const path = join(dir, `bad-${++files}.yaml`);
    writeFileSync(path, text);
    try {
      loadConfig({ ...app, APPROVAL_POLICY: path, ...env });
    } catch (err) {
      return (err as { problems?: string[] }).problems?.join('\n') ?? String(err);
    }
    return '';
  };

  it('reads JSON as well as YAML, and defaults approvals to 1 and the requester to excluded', () => {
    const p = fromFile(JSON.stringify({ rules: [{ approvers: ['U0A', 'S0B'], match: { controls: ['sagemaker.3'] } }] }));
    expect(p.rules).toEqual([{ name: 'rule 1', match: { controls: ['SageMaker.3'] }, approvers: { userIds: ['U0A'], userGroupIds: ['S0B'] }, approvals: 1, requesterMayApprove: false }]);
    expect(p.riskApprovers).toEqual({ userIds: ['U0A'], userGroupIds: ['S0B'] });
    expect(p.usesTags).toBe(false);
  });

  it('one line per problem, naming the file and the field', () => {
    const text = problems(`
rules:
  - match: { fixKind: replace, severity: [URGENT], accounts: ["12"], controls: [S3.1] }
    approvers: [alice]
    approvals: 0
    surprise: true
`);
    for (const bit of ['rules.0.match.fixKind', 'rules.0.match.severity', 'rules.0.match.accounts', 'rules.0.match.controls', 'rules.0.approvers.0', 'rules.0.approvals', 'surprise']) {
      expect(text).toContain(bit);
    }
    expect(text.split('\n').every((line) => line.startsWith('APPROVAL_POLICY '))).toBe(true);
  });

  it('refuses a rule that can never be satisfied, duplicate names, an empty policy, a missing file, bad YAML, and both forms at once', () => {
    expect(problems(`rules: [{ approvers: [U0A], approvals: 2 }]`)).toContain('needs 2 approvers but lists 1 user(s) and no user group');
    expect(problems(`rules: [{ name: a, approvers: [U0A] }, { name: a, approvers: [U0B] }]`)).toContain('rule name a is used twice');
    expect(problems(`rules: []`)).toContain('has no rule');
    expect(problems(`rules: [ {`)).toContain('is not valid YAML or JSON');
    expect(problems(`rules: [{ approvers: [U0A] }]`, { APPROVERS: 'U0B' })).toContain('APPROVAL_POLICY replaces APPROVERS');
    expect(() => loadConfig({ ...app, APPROVAL_POLICY: join(dir, 'nope.yaml') })).toThrow(/cannot read .*ENOENT/);
  });
});
