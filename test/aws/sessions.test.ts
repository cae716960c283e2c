import { describe, expect, it } from 'vitest';
import { accountClients, defaultClientFactory } from '../../src/aws/clients.js';
import { InvalidApproverError, remediationSessionName, remediationSessions } from '../../src/aws/sessions.js';
import { startAwsStandin } from '../support/aws-standin/index.js';

describe('remediation sessions', () => {
  it('the session name is <approver>-<proposal id>, in STS characters, at most 64', () => {
    expect(remediationSessionName({ approvedBy: 'U0APPROVER', proposalId: 'pAbC123' })).toBe('U0APPROVER-pAbC123');
    expect(remediationSessionName({ approvedBy: 'W12/3 4', proposalId: 'p:x' })).toBe('W12-3-4-p-x');
    expect(remediationSessionName({ approvedBy: 'U'.repeat(40), proposalId: 'p'.repeat(40) })).toHaveLength(64);
  });

  it('one AssumeRole per fix, in its account and region, as the approver; no role: the audit clients, not closed by the fix', async () => {
    const aws = await startAwsStandin({ transitionDelayMs: 0 });
    try {
      const factory = defaultClientFactory({ maxAttempts: 1, endpoint: aws.url, credentials: async () => aws.credentialsFor('123456789012') });
      const audit = accountClients(factory, undefined);
      const sessions = remediationSessions(factory, { role: 'Fixer', externalId: 'ext-1', audit });
      expect(sessions.assumesRole).toBe(true);
      const session = sessions({ accountId: '210987654321', region: 'eu-west-1', approvedBy: 'U0APPROVER', proposalId: 'p1' });
      expect(session.identity).toEqual({ roleArn: 'arn:aws:iam::210987654321:role/Fixer', sessionName: 'U0APPROVER-p1', sourceIdentity: 'U0APPROVER' });
      await session.ready();
      const [assumed] = aws.cloudTrail({ eventName: 'AssumeRole' });
      expect(assumed).toMatchObject({ awsRegion: 'eu-west-1', requestParameters: { roleArn: 'arn:aws:iam::210987654321:role/Fixer', roleSessionName: 'U0APPROVER-p1', sourceIdentity: 'U0APPROVER', externalId: 'ext-1' } });
      session.close();

      const anonymous = sessions({ accountId: '210987654321', region: 'eu-west-1', approvedBy: 'aws:x', proposalId: 'p2' });
      await expect(anonymous.ready()).rejects.toBeInstanceOf(InvalidApproverError);

      const shared = remediationSessions(factory, { role: undefined, audit });
      expect(shared.assumesRole).toBe(false);
      const fallback = shared({ accountId: '123456789012', region: 'eu-west-1', approvedBy: 'U0APPROVER', proposalId: 'p3' });
      expect(fallback.sagemaker).toBe(audit('123456789012', 'eu-west-1').sagemaker);
      expect(fallback.identity).toEqual({});
      await fallback.ready();
      fallback.close();
      expect(aws.callCount('AssumeRole')).toBe(1);
      audit.close();
    } finally {
      await aws.close();
    }
  });
});
