import type { Problem } from './types.ts';

/** The header a step-up proof travels in (POST /api/me/step-up answers it). */
export const STEP_UP_HEADER = 'flashmob-step-up';

/** Asks the user for a second factor; resolves the proof, or undefined when they cannot or would not. */
export type StepUpPrompt = (problem: Problem) => Promise<string | undefined>;

let prompt: StepUpPrompt | undefined;

/** The step-up dialog registers itself here while it is mounted. */
export function setStepUpPrompt(p: StepUpPrompt | undefined): void {
  prompt = p;
}

/**
 * A call answered 403 `step_up_required`: ask the dialog (if one is mounted) for a proof. The
 * caller (`request` in api.ts) repeats the call once with it.
 */
export function askStepUp(problem: Problem): Promise<string | undefined> {
  return prompt ? prompt(problem) : Promise.resolve(undefined);
}
