import { defineControl } from './types.js';
import { notebookUpdatePlan } from './shared/notebooks.js';
import { result, subject, unknownDetail } from './shared/wording.js';

/** SageMaker.8: PlatformIdentifier must be one of params.supportedPlatformIdentifiers (AWS changes this list). */
export const sagemaker8 = defineControl({
  metadata: {
    id: 'SageMaker.8',
    title: 'SageMaker notebook instances should run on supported platforms',
    severity: 'MEDIUM',
    resourceKind: 'notebook-instance',
    configRule: 'sagemaker-notebook-instance-platform-version',
    checks: 'PlatformIdentifier',
    evidence: { describe: true, tags: false },
    parameters: ['supportedPlatformIdentifiers'],
    schedule: 'periodic',
    remediation: 'in-place',
  },
  evaluate(snapshot, params) {
    const detail = snapshot.detail;
    if (!detail) return unknownDetail(snapshot, 'PlatformIdentifier');
    const who = subject(snapshot.ref);
    const supported = params.supportedPlatformIdentifiers;
    const platform = detail.PlatformIdentifier;
    if (platform === undefined) {
      return result('FAILED', `${who} does not report a PlatformIdentifier, so it is not on a supported platform (${supported.join(', ')}).`);
    }
    return supported.includes(platform)
      ? result('PASSED', `${who} runs on supported platform ${platform}.`)
      : result('FAILED', `${who} runs on ${platform}, which is not a supported platform (${supported.join(', ') || 'none configured'}).`);
  },
  plan(snapshot, params) {
    return notebookUpdatePlan(snapshot, params, 'SageMaker.8', 'platform');
  },
});
