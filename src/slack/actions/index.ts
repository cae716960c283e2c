import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps.js';
import { registerDigestActions } from './digest.js';
import { registerHomeActions } from './home.js';
import { registerProposalActions } from './proposal.js';
import { registerRiskActions } from './risks.js';
import { registerShowNextAction } from './show-next.js';

/** Every button the app's messages carry. */
export function registerActions(app: App, deps: ListenerDeps): void {
  registerProposalActions(app, deps);
  registerRiskActions(app, deps);
  registerDigestActions(app, deps);
  registerShowNextAction(app, deps);
  registerHomeActions(app, deps);
}
