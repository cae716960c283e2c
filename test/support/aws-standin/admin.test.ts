import { BatchUpdateFindingsCommand, GetAdministratorAccountCommand, SecurityHubClient, paginateGetFindings } from '@aws-sdk/client-securityhub';
import type { AwsSecurityFinding, GetFindingsCommandInput } from '@aws-sdk/client-securityhub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { collectPages } from './testing.js';

const ADMIN = '600000000000';
const M1 = '600000000001';
const M2 = '600000000002';
const OTHER = '600000000009';
const REGIONS = ['us-east-1', 'eu-west-1'];
let standin: AwsStandin;
const hub = (accountId: string, region = 'us-east-1'): SecurityHubClient => new SecurityHubClient({ endpoint: standin.url, region, credentials: standin.credentialsFor(accountId), maxAttempts: 1 });

beforeAll(async () => {
  standin = await startAwsStandin();
  for (const accountId of [ADMIN, M1, M2, OTHER]) {
    for (const region of REGIONS) {
      standin.addControlFinding({ accountId, region, controlId: 'SageMaker.1', resourceArn: standin.arn('notebook-instance', accountId, region, `nb-${accountId}`) });
    }
  }
});
afterAll(async () => {
  await standin.close();
});
afterEach(() => {
  standin.setSecurityHubAdministrator(ADMIN, []);
});

async function findings(accountId: string, region = 'us-east-1', input: GetFindingsCommandInput = {}): Promise<AwsSecurityFinding[]> {
  return (await collectPages(paginateGetFindings({ client: hub(accountId, region), pageSize: 1 }, input), (p) => p.Findings)).items;
}
const accountsIn = (list: AwsSecurityFinding[]): string[] => [...new Set(list.map((f) => f.AwsAccountId!))].sort();

describe('Security Hub administrator and members', () => {
  it('a standalone account sees its own findings and has no administrator', async () => {
    expect(accountsIn(await findings(ADMIN))).toEqual([ADMIN]);
    const out = await hub(M1).send(new GetAdministratorAccountCommand({}));
    expect(out.Administrator).toBeUndefined();
  });

  it('the administrator sees its members findings, a member only its own; GetAdministratorAccount names the administrator', async () => {
    standin.setSecurityHubAdministrator(ADMIN, [M1, M2]);
    expect(accountsIn(await findings(ADMIN))).toEqual([ADMIN, M1, M2]);
    expect(accountsIn(await findings(ADMIN, 'eu-west-1'))).toEqual([ADMIN, M1, M2]);
    expect(accountsIn(await findings(ADMIN, 'us-east-1', { Filters: { AwsAccountId: [{ Comparison: 'EQUALS', Value: M2 }] } }))).toEqual([M2]);
    expect(accountsIn(await findings(M1))).toEqual([M1]);
    expect(accountsIn(await findings(OTHER))).toEqual([OTHER]);

    const admin = await hub(M1).send(new GetAdministratorAccountCommand({}));
    expect(admin.Administrator).toMatchObject({ AccountId: ADMIN, MemberStatus: 'Enabled' });
    expect(admin.Administrator?.InvitedAt).toBeInstanceOf(Date);
    expect(admin.Administrator?.InvitationId).toMatch(/\S/);
    expect((await hub(ADMIN).send(new GetAdministratorAccountCommand({}))).Administrator).toBeUndefined();

    // A member whose hub is off in the Region contributes nothing there.
    standin.region(M2, 'eu-west-1').securityHub.enabled = false;
    expect(accountsIn(await findings(ADMIN, 'eu-west-1'))).toEqual([ADMIN, M1]);
    standin.region(M2, 'eu-west-1').securityHub.enabled = true;
  });

  it('associations are per Region when Regions are given', async () => {
    standin.setSecurityHubAdministrator(ADMIN, [M1], ['us-east-1']);
    expect(accountsIn(await findings(ADMIN, 'us-east-1'))).toEqual([ADMIN, M1]);
    expect(accountsIn(await findings(ADMIN, 'eu-west-1'))).toEqual([ADMIN]);
    expect((await hub(M1, 'eu-west-1').send(new GetAdministratorAccountCommand({}))).Administrator).toBeUndefined();
    expect((await hub(M1, 'us-east-1').send(new GetAdministratorAccountCommand({}))).Administrator?.AccountId).toBe(ADMIN);
  });

  it('BatchUpdateFindings: the administrator can update member findings, a member cannot update another account', async () => {
    standin.setSecurityHubAdministrator(ADMIN, [M1, M2]);
    const target = standin.region(M1, 'us-east-1').securityHub.findings[0]!;
    const id = { Id: target.Id, ProductArn: target.ProductArn };
    const byMember = await hub(M2).send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [id], Workflow: { Status: 'NOTIFIED' } }));
    expect(byMember.UnprocessedFindings).toMatchObject([{ ErrorCode: 'FindingNotFound' }]);
    const byAdmin = await hub(ADMIN).send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [id], Workflow: { Status: 'NOTIFIED' } }));
    expect(byAdmin.ProcessedFindings).toEqual([id]);
    expect(target.Workflow.Status).toBe('NOTIFIED');
  });

  it('an account is never administrator and member at once; an empty list ends the memberships', async () => {
    standin.setSecurityHubAdministrator(ADMIN, [M1]);
    expect(() => standin.setSecurityHubAdministrator(M1, [M2])).toThrow(/is a Security Hub member/);
    expect(() => standin.setSecurityHubAdministrator(OTHER, [ADMIN])).toThrow(/is a Security Hub administrator/);
    expect(() => standin.setSecurityHubAdministrator(OTHER, [OTHER])).toThrow(/its own/);
    standin.setSecurityHubAdministrator(ADMIN, []);
    expect(accountsIn(await findings(ADMIN))).toEqual([ADMIN]);
    expect((await hub(M1).send(new GetAdministratorAccountCommand({}))).Administrator).toBeUndefined();
  });
});
