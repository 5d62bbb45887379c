import { z } from 'zod';
import type { PlanStep } from '../agent/nodes';
import type { ShoalTool } from './types';

export const updatePlanInput = z.object({
  explanation: z.string().optional().describe('Optional: why the plan changed, in a sentence.'),
  plan: z
    .array(
      z.object({
        step: z.string().min(1).describe('One step, a short imperative sentence.'),
        status: z.enum(['pending', 'in_progress', 'completed']),
      }),
    )
    .min(1)
    .describe('The whole plan, in order: every step with its status; at most one in_progress.'),
});
export type UpdatePlanInput = z.infer<typeof updatePlanInput>;

/**
 * `update_plan`: the model's plan for a task of several steps, with Codex's
 * schema (the one GPT-5-family models are trained on). It changes nothing in
 * the workspace: it reports the plan as a `plan-update` node, which the UI
 * shows as a live panel and stream-json emits.
 */
export function createUpdatePlanTool(): ShoalTool<UpdatePlanInput> {
  return {
    name: 'update_plan',
    kind: 'read-only',
    description: [
      'Updates the task plan shown to the user. Use it for work of several distinct steps: send the whole plan each time,',
      'every step with its status (pending, in_progress, completed), at most one in_progress. Skip it for a simple task.',
    ].join(' '),
    inputSchema: updatePlanInput,
    // The row names the step under way; the summary counts the done ones.
    describe: (input) => (input.plan.find((item) => item.status === 'in_progress') ?? input.plan.find((item) => item.status === 'pending'))?.step ?? 'all done',
    async execute(input, context) {
      const active = input.plan.filter((item) => item.status === 'in_progress').length;
      if (active > 1) throw new Error(`The plan has ${active} steps in_progress; at most one may be. Send the whole plan again with one.`);
      const plan: PlanStep[] = input.plan.map(({ step, status }) => ({ step, status }));
      context.report?.({ type: 'plan-update', plan, ...(input.explanation ? { explanation: input.explanation } : {}) });
      return { output: 'Plan updated.', summary: progressOf(plan) };
    },
  };
}

/** The mark of a step's state, as the plan panel and the headless output show it. */
export const PLAN_MARKS: Record<PlanStep['status'], string> = { completed: '✓', in_progress: '▸', pending: '○' };

/** "1 of 3 done", for the tool row and the panel's title. */
export function progressOf(plan: readonly Pick<PlanStep, 'status'>[]): string {
  const done = plan.filter((item) => item.status === 'completed').length;
  return `${done} of ${plan.length} done`;
}
