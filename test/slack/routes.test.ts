import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { failedResult, proposal } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

/** `/sagemaker-audit routes`: through the real Bolt receiver, answered ephemerally from config and Redis. */

const dir = mkdtempSync(join(tmpdir(), 'routes-'));
const ROUTES = join(dir, 'routes.yaml');
writeFileSync(
  ROUTES,
  `default: { channel: C0SECURITY }
routes:
  - name: fraud-ml
    match: { tags: { team: [fraud-ml, fraud-ops] } }
    channel: C0FRAUD
    mention: S0FRAUD
  - name: eu-prod
    match: { accounts: ["210987654321"], regions: [eu-west-1] }
    channel: C0EUPROD
`,
);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function ask(text: string, id: string): Promise<string> {
  await h!.command(text, { responseId: id });
  await h!.standin.waitFor(() => h!.standin.responses(id).length === 1, 5000);
  const [reply] = h!.standin.responses(id);
  expect(reply).toMatchObject({ response_type: 'ephemeral' });
  return String(reply!.text);
}

describe('/sagemaker-audit routes', () => {
  it('shows the table: each rule, what it matches, its channel and mention, and the default', async () => {
    h = await startHarness({ env: { ROUTING_FILE: ROUTES } });
    const text = await ask('routes', 'table');
    expect(text).toContain('2 rules');
    expect(text).toMatch(/1\. `fraud-ml`: tag `team=fraud-ml` or `team=fraud-ops` → <#C0FRAUD> \(mentions <!subteam\^S0FRAUD>\)/);
    expect(text).toMatch(/2\. `eu-prod`: account `210987654321` · region `eu-west-1` → <#C0EUPROD>/);
    expect(text).toContain('Anything else → <#C0SECURITY>');
    expect(await h.auditJobs()).toHaveLength(0);
  });

  it('resource=NAME: the rule its recorded facts match, tags included when a proposal read them', async () => {
    h = await startHarness({ env: { ROUTING_FILE: ROUTES } });
    const tagged = failedResult({ resourceName: 'scoring-nb' });
    await h.services.web.proposals.createOrReuse(proposal({ id: 'proutes1', tags: { team: 'fraud-ops' } }, [tagged]));
    const eu = failedResult({ resourceName: 'eu-nb', accountId: '210987654321', region: 'eu-west-1', resourceArn: 'arn:aws:sagemaker:eu-west-1:210987654321:notebook-instance/eu-nb' });
    await h.services.web.proposals.createOrReuse(proposal({ id: 'proutes2' }, [eu]));

    expect(await ask('routes resource=scoring-nb', 'tagged')).toMatch(/`scoring-nb` \(account `123456789012`, `us-east-1`\) → rule `fraud-ml` → <#C0FRAUD>/);
    const untagged = await ask('routes resource=EU-NB', 'eu');
    expect(untagged).toMatch(/`eu-nb` .* → rule `eu-prod` → <#C0EUPROD>/);
    expect(untagged).toContain('its tags are not recorded yet');
    expect(await ask(`routes resource=${eu.resourceArn}`, 'arn')).toContain('rule `eu-prod`');
  });

  it('an unknown name asks for the ARN; bad input is one line and nothing else', async () => {
    h = await startHarness({ env: { ROUTING_FILE: ROUTES } });
    expect(await ask('routes resource=never-seen', 'unknown')).toContain('give its ARN');
    expect(await ask('routes resource=<!channel>', 'bad')).toContain('is not a SageMaker resource name or ARN');
    expect(await ask('routes everything', 'extra')).toContain('`routes` takes nothing');
  });

  it('without a routing file says where events and the digest go', async () => {
    h = await startHarness({ env: { DIGEST_CHANNEL: 'C0DIGEST' } });
    expect(await ask('routes', 'none')).toContain('No routing file is set (ROUTING_FILE): change events and the digest go to <#C0DIGEST>');
  });
});
