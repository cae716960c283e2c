/** ARN facts shared by the readers, the remediation and the IAM policy. */

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}

/** `Auditor` → `arn:aws:iam::<id>:role/Auditor`; an ARN template gets `{accountId}` replaced. */
export function roleArnFor(role: string, accountId: string, region = 'us-east-1'): string {
  if (role.startsWith('arn:')) {
    if (!role.includes('{accountId}')) throw new Error(`role ARN template must contain {accountId}: ${role}`);
    return role.replaceAll('{accountId}', accountId);
  }
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${role}`;
}

/** The resource name in an ARN (the part after the first `/`). */
export function nameFromArn(arn: string): string {
  const slash = arn.indexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}
