/**
 * What a region, an account id, a SageMaker resource name or ARN and a control id look like: one definition each,
 * used by the configuration, the CLI and the Slack command parser, so the three accept and refuse the same input.
 */

export const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** SageMaker names: 1-63 alphanumerics and hyphens, never starting or ending with a hyphen. */
export const RESOURCE_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const RESOURCE_ARN_PATTERN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:[a-z-]+\/[a-zA-Z0-9][a-zA-Z0-9-]*$/;
export const CONTROL_ID_PATTERN = /^SageMaker\.\d+$/i;
export const SLACK_USER_OR_GROUP_PATTERN = /^[UWS][A-Z0-9]{2,}$/;
/** An IAM role name, with an optional path (`team/Auditor`). */
export const ROLE_NAME_PATTERN = /^([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** A role ARN with `{accountId}` where the account goes: `arn:aws:iam::{accountId}:role/team/Auditor`. */
export const ROLE_ARN_TEMPLATE_PATTERN = /^arn:aws[a-z-]*:iam::\{accountId\}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** STS ExternalId: 2-1224 characters of letters, digits and `_+=,.@:/-`. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

export const isRegion = (value: string): boolean => REGION_PATTERN.test(value);
export const isAccountId = (value: string): boolean => ACCOUNT_ID_PATTERN.test(value);
export const isResourceNameOrArn = (value: string): boolean => value.length <= 400 && (RESOURCE_NAME_PATTERN.test(value) || RESOURCE_ARN_PATTERN.test(value));

/** Why `value` is not a role name or ARN template, or undefined when it is one. */
export function roleProblem(value: string): string | undefined {
  if (value.startsWith('arn:')) {
    if (!value.includes('{accountId}')) return `role ARN template must contain {accountId}: "${shown(value)}"`;
    return ROLE_ARN_TEMPLATE_PATTERN.test(value) ? undefined : `not a role ARN template (arn:aws:iam::{accountId}:role/NAME): "${shown(value)}"`;
  }
  return ROLE_NAME_PATTERN.test(value) ? undefined : `not an IAM role name (letters, digits and _+=,.@-, at most 64, optionally after a path): "${shown(value)}"`;
}

/** A value shown back in an error message: one line, at most 60 characters. */
export function shown(value: string): string {
  const oneLine = value.replace(/[\r\n\t]+/g, ' ');
  return oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine;
}

/** Splits a comma-separated list, trimmed, without empties or duplicates. */
export function splitList(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter(Boolean))];
}

/** The problems with a list of regions, one message each (empty when all are valid). */
export function regionProblems(values: readonly string[]): string[] {
  return values.filter((r) => !isRegion(r)).map((r) => `not an AWS region name: "${shown(r)}"`);
}

/** The problems with a list of account ids, one message each (empty when all are valid). */
export function accountProblems(values: readonly string[]): string[] {
  return values.filter((a) => !isAccountId(a)).map((a) => `not a 12-digit account id: "${shown(a)}"`);
}
