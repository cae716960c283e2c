import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { routeFor, routingNeeds } from '../src/routing.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-routing', SLACK_SIGNING_SECRET: 'routing-secret' };
const dir = mkdtempSync(join(tmpdir(), 'routing-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const TABLE = `
default: { channel: C0SECURITY, mention: S0SECOPS }
routes:
  - name: fraud-ml
    match: { tags: { team: fraud-ml } }
    channel: C0FRAUD
    mention: S0FRAUD
  - name: fraud-ml-prod-eu
    match: { accounts: ['222222222222'], regions: [eu-west-1], tags: { team: [fraud-ml, fraud] } }
    channel: C0FRAUDPROD
  - name: research-ou
    match: { ous: [ou-ab12-cdef3456] }
    channel: C0RESEARCH
  - name: research-account
    match: { accounts: ['333333333333'] }
    channel: C0RESEARCHACCT
`;

describe('ROUTING_FILE', () => {
  const table = loadConfig({ ...base, ROUTING_FILE: file('routes.yaml', TABLE) }).app.routing!;

  it('the most specific matching rule wins; the default catches the rest', () => {
    expect(routeFor(table, { accountId: '111111111111', region: 'us-east-1', tags: { team: 'fraud-ml' } })).toEqual({ channel: 'C0FRAUD', mention: 'S0FRAUD', rule: 'fraud-ml' });
    expect(routeFor(table, { accountId: '222222222222', region: 'eu-west-1', tags: { team: 'fraud-ml' } })).toMatchObject({ channel: 'C0FRAUDPROD', rule: 'fraud-ml-prod-eu' });
    expect(routeFor(table, { accountId: '222222222222', region: 'us-east-1', tags: { team: 'fraud-ml' } })).toMatchObject({ rule: 'fraud-ml' });
    expect(routeFor(table, { accountId: '111111111111', region: 'us-east-1', tags: { team: 'vision' } })).toEqual({ channel: 'C0SECURITY', mention: 'S0SECOPS', rule: 'default' });
    expect(routeFor(table, { accountId: '111111111111', region: 'us-east-1' })).toMatchObject({ rule: 'default' });
  });

  it('OUs match anywhere on the account path; equally specific rules go to the first in the file', () => {
    expect(routeFor(table, { accountId: '444444444444', region: 'us-east-1', ous: ['ou-ab12-zzzz9999', 'ou-ab12-cdef3456', 'r-ab12'] })).toMatchObject({ rule: 'research-ou' });
    expect(routeFor(table, { accountId: '333333333333', region: 'us-east-1', ous: ['ou-ab12-cdef3456'] })).toMatchObject({ rule: 'research-ou' });
    expect(routingNeeds(table)).toEqual({ tags: true, ous: true });
  });

  it('a bad file stops start-up with one line per problem, naming the variable, the file and the field', () => {
    const cases: [string, RegExp][] = [
      [file('bad-channel.yaml', 'default: { channel: general }'), /ROUTING_FILE .*bad-channel\.yaml: default\.channel must be a Slack channel id/],
      [file('no-match.yaml', 'default: { channel: C0X }\nroutes: [{ name: r, match: {}, channel: C0Y }]'), /routes\.0\.match needs at least one of/],
      [file('typo.yaml', 'default: { channel: C0X }\nroutes: [{ name: r, match: { acounts: [x] }, channel: C0Y }]'), /routes\.0\.match/],
      [file('not-yaml.yaml', 'default: [: :'), /ROUTING_FILE .*not-yaml\.yaml is not valid YAML or JSON/],
      [join(dir, 'missing.yaml'), /ROUTING_FILE cannot read .*missing\.yaml: ENOENT/],
    ];
    for (const [path, message] of cases) {
      let problems: string[] = [];
      try {
        loadConfig({ ...base, ROUTING_FILE: path });
      } catch (err) {
        if (err instanceof ConfigError) problems = err.problems;
      }
      expect(problems.length, path).toBeGreaterThan(0);
      expect(problems.some((p) => message.test(p)), problems.join('\n')).toBe(true);
      for (const p of problems) expect(p).toMatch(/^ROUTING_FILE [^\n]+$/);
    }
  });

  it('events need somewhere to post: EVENTS_QUEUE_URL without ROUTING_FILE or DIGEST_CHANNEL stops start-up', () => {
    const queue = 'https://sqs.us-east-1.amazonaws.com/111111111111/sagemaker-events';
    expect(() => loadConfig({ ...base, EVENTS_QUEUE_URL: queue })).toThrow(/EVENTS_QUEUE_URL needs ROUTING_FILE or DIGEST_CHANNEL/);
    expect(loadConfig({ ...base, EVENTS_QUEUE_URL: queue, DIGEST_CHANNEL: 'C0DIGEST' }).app.events.queueUrl).toBe(queue);
    expect(loadConfig({ ...base, EVENTS_QUEUE_URL: queue, ROUTING_FILE: file('events.yaml', TABLE) }).app.routing?.default.channel).toBe('C0SECURITY');
  });

  it('JSON is YAML: the same table as JSON', () => {
    const json = loadConfig({ ...base, ROUTING_FILE: file('routes.json', JSON.stringify({ default: { channel: 'C0SECURITY' }, routes: [{ name: 'a', match: { regions: ['eu-west-1'] }, channel: 'C0EU' }] })) }).app.routing!;
    expect(routeFor(json, { accountId: '111111111111', region: 'eu-west-1' })).toMatchObject({ channel: 'C0EU' });
  });
});
