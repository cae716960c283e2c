/** AWS Account Management (restJson1, SigV4 service `account`, a global service): ListRegions. */
import type { CallContext, Handler, Json } from './context.js';
import { arr, str } from './context.js';
import { AwsError, validation } from './errors.js';
import { paginate } from './pagination.js';
import { ALL_REGIONS, REGION_OPT_STATUSES } from './regions.js';
import type { RegionOptStatus } from './regions.js';

function accessDenied(ctx: CallContext, reason: string): AwsError {
  return new AwsError('AccessDeniedException', `User: ${ctx.callerArn} is not authorized to perform: account:${ctx.operation} (${reason})`, 403);
}

/**
 * The account an operation acts on. Another account's AccountId is allowed only from the organization's management
 * account or Account Management's delegated administrator, with trusted access enabled, for a member account; the
 * management account must leave out its own.
 */
function targetAccount(ctx: CallContext, input: Json): string {
  const requested = str(input.AccountId);
  if (requested === undefined) return ctx.accountId;
  if (!/^\d{12}$/.test(requested)) throw validation(`1 validation error detected: Value '${requested}' at 'accountId' failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}`);
  const org = ctx.shared.organization;
  const isManagement = org?.managementAccountId === ctx.accountId;
  if (isManagement && requested === ctx.accountId) throw accessDenied(ctx, 'The management account can only be managed using the standalone context from the management account');
  if (!org || (!isManagement && org.accountManagement?.delegatedAdministrator !== ctx.accountId)) {
    throw accessDenied(ctx, 'Only the management account or the delegated administrator of the organization can specify an AccountId');
  }
  if (!org.accountManagement?.trustedAccess) throw accessDenied(ctx, 'Your organization must first enable trusted access with AWS Account Management.');
  if (requested === org.managementAccountId || !org.accounts.some((a) => a.Id === requested)) {
    throw accessDenied(ctx, `Account ${requested} is not a member account of the organization`);
  }
  return requested;
}

export const accountHandlers: Record<string, Handler> = {
  ListRegions(ctx, input) {
    const accountId = targetAccount(ctx, input);
    const wanted = arr(input.RegionOptStatusContains).map(String);
    for (const s of wanted) {
      if (!REGION_OPT_STATUSES.includes(s as RegionOptStatus)) {
        throw validation(`1 validation error detected: Value '${s}' at 'regionOptStatusContains' failed to satisfy constraint: Member must satisfy enum value set: [${REGION_OPT_STATUSES.join(', ')}]`);
      }
    }
    const regions = ALL_REGIONS.map((RegionName) => ({ RegionName, RegionOptStatus: ctx.shared.state.optStatus(accountId, RegionName) })).filter(
      (r) => wanted.length === 0 || wanted.includes(r.RegionOptStatus),
    );
    // The default page size is not documented; with at most 50 per page every Region fits on one.
    const { page, nextToken } = paginate(regions, input, { operation: 'ListRegions', defaultMax: 50, max: 50 });
    const out: Json = { Regions: page };
    if (nextToken) out.NextToken = nextToken;
    return out;
  },
};
