import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { registerAcceptRiskSubmission } from './accept-risk-submission.js';

/** Every modal submission the app handles. */
export function registerViews(app: App, deps: ListenerDeps): void {
  registerAcceptRiskSubmission(app, deps);
}
