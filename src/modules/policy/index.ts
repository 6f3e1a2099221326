import type { Decision } from '../../domain/policy.ts';
import { AppError } from '../../platform/errors.ts';

/**
 * The policy module: the one place that says who may act on what. The rules are pure
 * (`domain/policy.ts`); a module gathers the facts about the resource it owns (a show's host and
 * moderators, an order's buyer and sellers) and asks here. A refusal becomes the problem the
 * rule chose: 403 `forbidden`, 404 `not_found` where existence must not leak, or a specific code
 * (`own_auction`, `banned`).
 */
export function authorize(decision: Decision): void {
  if (!decision.ok)
    throw new AppError(decision.code, decision.message, decision.extra ? { extra: decision.extra } : {});
}

export {
  type Access,
  type Actor,
  allowsAccess,
  bid,
  cancelOrder,
  cancelScope,
  changeAccount,
  type Decision,
  deleteChatLine,
  fulfilOrder,
  hasRole,
  manage,
  manageShow,
  moderateShow,
  moderateUser,
  type OrderFacts,
  offerInShow,
  ownChannel,
  ownThing,
  payOrder,
  type Role,
  type ShowFacts,
  type StepUpFacts,
  sellSku,
  standingOnOrder,
  stepUp,
  type TargetFacts,
  takePart,
  viewOrder,
} from '../../domain/policy.ts';
