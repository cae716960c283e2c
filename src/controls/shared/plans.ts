import { step, type RemediationPlan } from '../../plans/plan.js';

/** A plan a person carries out: every step is `manual`, the bot only shows it. */
export function manualPlan(input: {
  controlId: string;
  summary: string;
  disruption: string | null;
  steps: readonly (readonly [id: string, title: string])[];
  rollback: string | null;
}): RemediationPlan {
  return {
    kind: 'manual',
    summary: input.summary,
    disruption: input.disruption,
    allowedStates: [],
    steps: input.steps.map(([id, title]) => step(id, 'manual', title, {})),
    verify: { controlId: input.controlId },
    rollback: input.rollback,
  };
}
