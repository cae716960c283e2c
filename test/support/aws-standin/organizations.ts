import type { Handler, Json } from './context.js';
import { epoch } from './context.js';
import { AwsError } from './errors.js';
import { paginate } from './pagination.js';

const invalidInput = (message: string): AwsError => new AwsError('InvalidInputException', message, 400);

export const organizationsHandlers: Record<string, Handler> = {
  ListAccounts(ctx, input) {
    const org = ctx.shared.organization;
    if (!org || (!org.accounts.some((a) => a.Id === ctx.accountId) && org.managementAccountId !== ctx.accountId)) {
      throw new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
    }
    if (org.managementAccountId !== ctx.accountId) {
      throw new AwsError('AccessDeniedException', "You don't have permissions to access this resource.", 400);
    }
    const orgId = org.organizationId ?? 'o-standin0001';
    const accounts = org.accounts.map((a, i) => ({
      Id: a.Id,
      Arn: `arn:aws:organizations::${org.managementAccountId}:account/${orgId}/${a.Id}`,
      Email: a.Email ?? `aws+${a.Id}@example.com`,
      Name: a.Name ?? `account-${a.Id}`,
      Status: a.Status ?? 'ACTIVE',
      State: a.Status === 'SUSPENDED' ? 'SUSPENDED' : a.Status === 'PENDING_CLOSURE' ? 'PENDING_CLOSURE' : 'ACTIVE',
      JoinedMethod: a.Id === org.managementAccountId ? 'CREATED' : 'INVITED',
      JoinedTimestamp: epoch(Date.UTC(2024, 0, 1 + i)),
    }));
    const { page, nextToken } = paginate(accounts, input, { operation: 'ListAccounts', defaultMax: 20, max: 20, invalid: invalidInput });
    const out: Json = { Accounts: page };
    if (nextToken) out.NextToken = nextToken;
    return out;
  },
  DescribeOrganization(ctx) {
    const org = ctx.shared.organization;
    if (!org || (!org.accounts.some((a) => a.Id === ctx.accountId) && org.managementAccountId !== ctx.accountId)) {
      throw new AwsError('AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.', 400);
    }
    const orgId = org.organizationId ?? 'o-standin0001';
    return {
      Organization: {
        Id: orgId,
        Arn: `arn:aws:organizations::${org.managementAccountId}:organization/${orgId}`,
        FeatureSet: 'ALL',
        MasterAccountId: org.managementAccountId,
        MasterAccountArn: `arn:aws:organizations::${org.managementAccountId}:account/${orgId}/${org.managementAccountId}`,
        MasterAccountEmail: `aws+${org.managementAccountId}@example.com`,
      },
    };
  },
};
