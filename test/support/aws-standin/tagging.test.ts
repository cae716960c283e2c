import { GetResourcesCommand, ResourceGroupsTaggingAPIClient, paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import type { GetResourcesCommandInput, ResourceTagMapping } from '@aws-sdk/client-resource-groups-tagging-api';
import { AddTagsCommand, DeleteNotebookInstanceCommand, DeleteTagsCommand, SageMakerClient, StopNotebookInstanceCommand } from '@aws-sdk/client-sagemaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsStandin } from './index.js';
import { startAwsStandin } from './index.js';
import { caught, collectPages, credentials, ROLE } from './testing.js';

let offset = 0;
let standin: AwsStandin;
let acct: string;
const tagging = (region: string, maxAttempts = 1): ResourceGroupsTaggingAPIClient => new ResourceGroupsTaggingAPIClient({ endpoint: standin.url, region, credentials, maxAttempts });
const sm = (region: string): SageMakerClient => new SageMakerClient({ endpoint: standin.url, region, credentials, maxAttempts: 1 });

beforeAll(async () => {
  standin = await startAwsStandin({ transitionDelayMs: 0, now: () => Date.now() + offset });
  acct = standin.defaultAccountId;
});
afterAll(async () => {
  await standin.close();
});

async function all(region: string, input: GetResourcesCommandInput = {}, pageSize?: number): Promise<{ mappings: ResourceTagMapping[]; pages: number }> {
  const { items, pages } = await collectPages(paginateGetResources({ client: tagging(region), pageSize }, input), (p) => p.ResourceTagMappingList);
  return { mappings: items, pages };
}

const model = (name: string, tags?: Array<{ Key: string; Value: string }>): Record<string, unknown> => ({ ModelName: name, ExecutionRoleArn: ROLE, PrimaryContainer: { Image: 'img' }, ...(tags ? { Tags: tags } : {}) });

describe('GetResources', () => {
  it('returns tagged and once-tagged resources (Tags: []), never the never-tagged, and follows AddTags/DeleteTags/deletes', async () => {
    const region = 'us-west-1';
    const at = { region };
    standin.invoke('CreateModel', model('never'), at);
    standin.invoke('CreateModel', model('tagged', [{ Key: 'team', Value: 'ml' }]), at);
    standin.invoke('CreateModel', model('later'), at);
    standin.invoke('CreateNotebookInstance', { NotebookInstanceName: 'Nb-Tagged', InstanceType: 'ml.t3.medium', RoleArn: ROLE, Tags: [{ Key: 'team', Value: 'nb' }] }, at);
    const arn = (name: string, kind: 'model' | 'notebook-instance' = 'model'): string => standin.arn(kind, acct, region, name);

    expect((await all(region)).mappings).toEqual([
      { ResourceARN: arn('tagged'), Tags: [{ Key: 'team', Value: 'ml' }] },
      { ResourceARN: arn('Nb-Tagged', 'notebook-instance'), Tags: [{ Key: 'team', Value: 'nb' }] },
    ]);

    await sm(region).send(new AddTagsCommand({ ResourceArn: arn('later'), Tags: [{ Key: 'owner', Value: 'a' }] }));
    await sm(region).send(new DeleteTagsCommand({ ResourceArn: arn('tagged'), TagKeys: ['team'] }));
    const { mappings } = await all(region);
    expect(mappings.map((m) => [m.ResourceARN, m.Tags])).toEqual([
      [arn('later'), [{ Key: 'owner', Value: 'a' }]],
      [arn('tagged'), []],
      [arn('Nb-Tagged', 'notebook-instance'), [{ Key: 'team', Value: 'nb' }]],
    ]);

    // A deleted resource disappears (the notebook once its asynchronous delete completes).
    await sm(region).send(new StopNotebookInstanceCommand({ NotebookInstanceName: 'Nb-Tagged' }));
    await sm(region).send(new DeleteNotebookInstanceCommand({ NotebookInstanceName: 'Nb-Tagged' }));
    standin.invoke('DeleteModel', { ModelName: 'later' }, at);
    expect((await all(region)).mappings.map((m) => m.ResourceARN)).toEqual([arn('tagged')]);
    // Another region of the same account sees nothing of this one.
    expect((await all('us-west-2')).mappings).toEqual([]);
  });

  it('filters by resource type and tags (keys AND, values OR, a key without values matches any value)', async () => {
    const region = 'eu-central-1';
    const at = { region };
    standin.invoke('CreateModel', model('m-prod', [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'a' }]), at);
    standin.invoke('CreateModel', model('m-dev', [{ Key: 'env', Value: 'dev' }]), at);
    standin.invoke('CreateModel', model('m-empty', [{ Key: 'env', Value: '' }, { Key: 'team', Value: 'b' }]), at);
    standin.invoke('CreateImage', { ImageName: 'img-prod', RoleArn: ROLE, Tags: [{ Key: 'env', Value: 'prod' }] }, at);
    const names = async (input: GetResourcesCommandInput): Promise<string[]> => (await all(region, input)).mappings.map((m) => m.ResourceARN!.split('/')[1]!);

    expect(await names({ ResourceTypeFilters: ['sagemaker:model'] })).toEqual(['m-dev', 'm-empty', 'm-prod']);
    expect(await names({ ResourceTypeFilters: ['sagemaker:image', 'ec2:instance'] })).toEqual(['img-prod']);
    expect(await names({ ResourceTypeFilters: ['sagemaker'] })).toHaveLength(4);
    expect(await names({ ResourceTypeFilters: ['ec2'] })).toEqual([]);
    expect(await names({ TagFilters: [{ Key: 'env', Values: ['prod', 'dev'] }], ResourceTypeFilters: ['sagemaker:model'] })).toEqual(['m-dev', 'm-prod']);
    expect(await names({ TagFilters: [{ Key: 'env', Values: ['prod'] }, { Key: 'team' }] })).toEqual(['m-prod']);
    expect(await names({ TagFilters: [{ Key: 'env', Values: [''] }] })).toEqual(['m-empty']);
    expect(await names({ TagFilters: [{ Key: 'team' }] })).toEqual(['m-empty', 'm-prod']);

    const tooMany = await caught(tagging(region).send(new GetResourcesCommand({ TagFilters: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) })));
    expect(tooMany).toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
    const tooManyValues = await caught(tagging(region).send(new GetResourcesCommand({ TagFilters: [{ Key: 'k', Values: Array.from({ length: 21 }, (_, i) => `v${i}`) }] })));
    expect(tooManyValues).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('pages with ResourcesPerPage (1-100) and TagsPerPage, through the SDK paginator', async () => {
    const region = 'ap-northeast-2';
    for (let i = 0; i < 250; i++) standin.invoke('CreateModel', model(`pm-${String(i).padStart(3, '0')}`, [{ Key: 'i', Value: String(i) }, { Key: 'x', Value: 'y' }]), { region });
    standin.resetCounters();
    const byHundred = await all(region, {}, 100);
    expect(byHundred.pages).toBe(3);
    expect(new Set(byHundred.mappings.map((m) => m.ResourceARN)).size).toBe(250);
    expect(standin.callCount('GetResources', { service: 'tagging', region })).toBe(3);
    expect((await all(region)).pages).toBe(5); // 50 per page when ResourcesPerPage is not given

    // Two tags each: 100 tags per page is 50 resources, never a resource split across pages.
    const first = await tagging(region).send(new GetResourcesCommand({ TagsPerPage: 100 }));
    expect(first.ResourceTagMappingList).toHaveLength(50);
    expect(first.PaginationToken).not.toBe('');

    for (const bad of [0, 101]) {
      const err = await caught(tagging(region).send(new GetResourcesCommand({ ResourcesPerPage: bad })));
      expect(err, String(bad)).toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
    }
    expect(await caught(tagging(region).send(new GetResourcesCommand({ TagsPerPage: 99 })))).toMatchObject({ name: 'InvalidParameterException' });
    expect(await caught(tagging(region).send(new GetResourcesCommand({ PaginationToken: 'garbage' })))).toMatchObject({ name: 'InvalidParameterException' });

    // A token from another query is refused; one older than 15 minutes has expired.
    const page = await tagging(region).send(new GetResourcesCommand({ ResourcesPerPage: 10 }));
    const otherQuery = await caught(tagging(region).send(new GetResourcesCommand({ ResourcesPerPage: 20, PaginationToken: page.PaginationToken })));
    expect(otherQuery).toMatchObject({ name: 'InvalidParameterException' });
    offset += 15 * 60_000 + 1;
    const expired = await caught(tagging(region).send(new GetResourcesCommand({ ResourcesPerPage: 10, PaginationToken: page.PaginationToken })));
    expect(expired).toMatchObject({ name: 'PaginationTokenExpiredException', $metadata: { httpStatusCode: 400 } });
  });

  it('ResourceARNList: 1-100 known ARNs, unknown and never-tagged ones left out, not combinable with filters or paging', async () => {
    const region = 'eu-north-1';
    const at = { region };
    standin.invoke('CreateModel', model('a1', [{ Key: 'k', Value: 'v' }]), at);
    standin.invoke('CreateModel', model('a2'), at);
    const arn = (name: string): string => standin.arn('model', acct, region, name);
    const out = await tagging(region).send(new GetResourcesCommand({ ResourceARNList: [arn('a1'), arn('a2'), arn('missing')] }));
    expect(out.ResourceTagMappingList).toEqual([{ ResourceARN: arn('a1'), Tags: [{ Key: 'k', Value: 'v' }] }]);
    expect(out.PaginationToken).toBe('');

    const combos: GetResourcesCommandInput[] = [
      { ResourceARNList: [arn('a1')], TagFilters: [{ Key: 'k' }] },
      { ResourceARNList: [arn('a1')], ResourceTypeFilters: ['sagemaker:model'] },
      { ResourceARNList: [arn('a1')], ResourcesPerPage: 10 },
      { ResourceARNList: [arn('a1')], PaginationToken: 'x' },
      { ResourceARNList: [] },
      { ResourceARNList: Array.from({ length: 101 }, (_, i) => arn(`n${i}`)) },
    ];
    for (const input of combos) {
      expect(await caught(tagging(region).send(new GetResourcesCommand(input))), JSON.stringify(input).slice(0, 80)).toMatchObject({ name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } });
    }
    const badArn = await caught(tagging(region).send(new GetResourcesCommand({ ResourceARNList: ['not-an-arn'] })));
    expect(badArn).toMatchObject({ name: 'InvalidParameterException', message: 'not-an-arn is not a valid AmazonResourceName (ARN)' });
  });

  it('compliance details without a tag policy, and ExcludeCompliantResources only with IncludeComplianceDetails', async () => {
    const region = 'us-east-2';
    standin.invoke('CreateModel', model('c1', [{ Key: 'k', Value: 'v' }]), { region });
    const out = await tagging(region).send(new GetResourcesCommand({ IncludeComplianceDetails: true }));
    expect(out.ResourceTagMappingList?.[0]?.ComplianceDetails).toEqual({ NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus: true });
    expect((await tagging(region).send(new GetResourcesCommand({ IncludeComplianceDetails: true, ExcludeCompliantResources: true }))).ResourceTagMappingList).toEqual([]);
    expect(await caught(tagging(region).send(new GetResourcesCommand({ ExcludeCompliantResources: true })))).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answers ThrottledException when throttling is injected, and the SDK retries through it', async () => {
    const region = 'us-east-1';
    standin.throttleRate = { tagging: 1 };
    const err = await caught(tagging(region).send(new GetResourcesCommand({})));
    expect(err).toMatchObject({ name: 'ThrottledException', $metadata: { httpStatusCode: 400 } });
    standin.throttleRate = 0;
    standin.failNext('GetResources', 'ThrottledException', { count: 2 });
    standin.resetCounters();
    const out = await tagging(region, 3).send(new GetResourcesCommand({}));
    expect(out.ResourceTagMappingList).toBeDefined();
    expect(standin.callCount('GetResources')).toBe(3);
  });
});
