/**
 * Commercial AWS Regions (the `aws` partition) and whether an account must opt in to each. Regions launched before
 * 20 March 2019 are enabled by default and cannot be disabled; later ones are opt-in, DISABLED until enabled.
 */
export type RegionOptStatus = 'ENABLED' | 'ENABLING' | 'DISABLING' | 'DISABLED' | 'ENABLED_BY_DEFAULT';

export const REGION_OPT_STATUSES: readonly RegionOptStatus[] = ['ENABLED', 'ENABLING', 'DISABLING', 'DISABLED', 'ENABLED_BY_DEFAULT'];

const DEFAULT_REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];

const OPT_IN_REGIONS = new Set([
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6',
  'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1',
]);

export const ALL_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS].sort();

/** Regions the stand-in does not know are treated as enabled by default. */
export const isOptInRegion = (region: string): boolean => OPT_IN_REGIONS.has(region);

/** Only ENABLED and ENABLED_BY_DEFAULT regions can be used; an enabling one cannot be until it is done. */
export const isUsable = (status: RegionOptStatus): boolean => status === 'ENABLED' || status === 'ENABLED_BY_DEFAULT';
