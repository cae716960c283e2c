import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { createApproverCheck } from '../../src/slack/approvers.js';
import { SlackStandin } from '../support/slack-standin/index.js';

let standin: SlackStandin;
let client: WebClient;
beforeAll(async () => {
  standin = await SlackStandin.start({ userGroups: { S0OPS: ['U0OPS'] } });
  client = new WebClient(standin.botToken, { slackApiUrl: standin.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await standin.close();
});

const cfg = (ids: string[], groups: string[], twoPersonRule = false) => ({ approvers: { userIds: ids, userGroupIds: groups }, twoPersonRule });

describe('approver check', () => {
  it('no approvers configured: nobody may decide, and the refusal says how to set APPROVERS', async () => {
    const d = await createApproverCheck(cfg([], []), client).check('U1', 'approve', 'U2');
    expect(d.allowed).toBe(false);
    expect(!d.allowed && d.reason).toContain('APPROVERS');
  });

  it('listed users and user-group members may decide; others may not', async () => {
    const check = createApproverCheck(cfg(['U0LISTED'], ['S0OPS']), client);
    expect((await check.check('U0LISTED', 'approve', 'U9')).allowed).toBe(true);
    expect((await check.check('U0OPS', 'deny', 'U9')).allowed).toBe(true);
    const no = await check.check('U0NOBODY', 'approve', 'U9');
    expect(no.allowed).toBe(false);
    expect(!no.allowed && no.reason).toContain('<@U0LISTED>');
  });

  it('caches group members for the TTL, then asks again', async () => {
    let t = 0;
    const check = createApproverCheck(cfg([], ['S0OPS']), client, { ttlMs: 1000, now: () => t });
    const before = standin.callsTo('usergroups.users.list').length;
    await check.check('U0OPS', 'approve', 'U9');
    await check.check('U0X', 'approve', 'U9');
    expect(standin.callsTo('usergroups.users.list').length - before).toBe(1);
    t = 1500;
    await check.check('U0OPS', 'approve', 'U9');
    expect(standin.callsTo('usergroups.users.list').length - before).toBe(2);
  });

  it('a group that cannot be read refuses and names the group', async () => {
    const d = await createApproverCheck(cfg([], ['S0GONE']), client).check('U0OPS', 'approve', 'U9');
    expect(!d.allowed && d.reason).toContain('no_such_subteam');
  });

  it('two-person rule: the requester cannot approve, but another approver can', async () => {
    const check = createApproverCheck(cfg(['U0A', 'U0B'], [], true), client);
    const self = await check.check('U0A', 'approve', 'U0A');
    expect(!self.allowed && self.reason).toContain('two-person rule');
    expect((await check.check('U0B', 'approve', 'U0A')).allowed).toBe(true);
  });
});
