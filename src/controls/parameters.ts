import type { ControlParameters } from '../config.js';

/**
 * AWS's documented values. SageMaker.8's platform list is the only place `notebook-al2023-v1` is written down:
 * AWS has changed it before (notebook-al2-v3 earlier), so it is a parameter, overridable with SUPPORTED_PLATFORMS.
 */
export const DEFAULT_CONTROL_PARAMETERS: ControlParameters = Object.freeze({
  supportedPlatformIdentifiers: ['notebook-al2023-v1'],
  requiredTagKeys: [],
  remediationTagValues: {},
  minimumInstanceCount: 2,
});
