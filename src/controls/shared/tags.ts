import { KINDS } from '../../aws/kinds/index.js';
import type { ResourceKind } from '../../aws/resources.js';
import { step } from '../../plans/plan.js';
import type { Control } from '../types.js';
import { manualPlan } from './plans.js';
import { planValue, result, subject, unknownTags } from './wording.js';

/** Tags (SageMaker.6, .7): one factory. */

export function userTagKeys(tags: Record<string, string>): string[] {
  return Object.keys(tags).filter((k) => !k.toLowerCase().startsWith('aws:'));
}

export function missingTagKeys(tags: Record<string, string> | undefined, required: readonly string[]): string[] {
  const present = new Set(userTagKeys(tags ?? {}));
  return required.filter((k) => !present.has(k));
}

export interface TagControlSpec<K extends ResourceKind> {
  id: string;
  title: string;
  resourceKind: K;
  configRule: string;
}

export function tagControl<K extends ResourceKind>(spec: TagControlSpec<K>): Control<K> {
  const label = KINDS[spec.resourceKind].label;
  return {
    metadata: {
      id: spec.id,
      title: spec.title,
      severity: 'LOW',
      resourceKind: spec.resourceKind,
      configRule: spec.configRule,
      checks: 'tags',
      evidence: { describe: false, tags: true },
      parameters: ['requiredTagKeys', 'remediationTagValues'],
      schedule: 'change-triggered',
      remediation: 'in-place',
    },
    evaluate(snapshot, params) {
      if (!snapshot.tags) return unknownTags(snapshot);
      const who = subject(snapshot.ref);
      const keys = userTagKeys(snapshot.tags);
      if (params.requiredTagKeys.length === 0) {
        return keys.length > 0
          ? result('PASSED', `${who} has ${keys.length} tag${keys.length === 1 ? '' : 's'} besides aws: system tags.`)
          : result('FAILED', `${who} has no tags besides aws: system tags.`);
      }
      const missing = missingTagKeys(snapshot.tags, params.requiredTagKeys);
      return missing.length === 0
        ? result('PASSED', `${who} has all required tag keys (${params.requiredTagKeys.join(', ')}).`)
        : result('FAILED', `${who} is missing required tag key${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`);
    },
    plan(snapshot, params) {
      const arn = snapshot.ref.arn;
      const name = snapshot.ref.name;
      if (params.requiredTagKeys.length === 0) {
        return manualPlan({
          controlId: spec.id,
          summary: `No required tag keys are configured, so the bot does not know which tag to add to ${label} ${name}; add one by hand or configure REQUIRED_TAG_KEYS and REMEDIATION_TAGS.`,
          disruption: null,
          steps: [
            ['configure', 'Set REQUIRED_TAG_KEYS (the requiredKeyTags of the control) and a value for each key in REMEDIATION_TAGS (Key=value,…), then audit again.'],
            ['tag', `Or add at least one tag that does not start with aws: to ${label} ${name} (AddTags on ${arn}).`],
          ],
          rollback: null,
        });
      }
      const missing = missingTagKeys(snapshot.tags, params.requiredTagKeys);
      const unvalued = missing.filter((k) => params.remediationTagValues[k] === undefined);
      if (unvalued.length > 0) {
        return manualPlan({
          controlId: spec.id,
          summary: `${label[0]?.toUpperCase()}${label.slice(1)} ${name} is missing ${planValue(missing.join(', '))}, and REMEDIATION_TAGS has no value for ${planValue(unvalued.join(', '))}.`,
          disruption: null,
          steps: [
            ['configure', `Add ${planValue(unvalued.map((k) => `${k}=<value>`).join(','))} to REMEDIATION_TAGS so the bot can add the tags, then audit again.`],
            ['tag', `Or add ${planValue(missing.join(', '))} to ${label} ${name} by hand (AddTags on ${arn}).`],
          ],
          rollback: null,
        });
      }
      const tags: Record<string, string> = {};
      for (const k of missing) tags[k] = params.remediationTagValues[k] ?? '';
      return {
        kind: 'in-place',
        summary:
          missing.length === 0
            ? `${label[0]?.toUpperCase()}${label.slice(1)} ${name} already has every required tag; nothing to add.`
            : `Add the missing tag${missing.length === 1 ? '' : 's'} ${planValue(missing.map((k) => `${k}=${tags[k]}`).join(', '))} to ${label} ${name}.`,
        disruption: null,
        allowedStates: [],
        steps: missing.length === 0 ? [] : [step('tag', 'tags.add', `Add tags ${planValue(missing.join(', '))} to \`${name}\``, { resourceArn: arn, tags })],
        verify: { controlId: spec.id },
        rollback: null,
      };
    },
  };
}
