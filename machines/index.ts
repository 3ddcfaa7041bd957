/** The gateway machine and its policies: pure, no I/O. */
export { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, invalidSessionDelay, type BackoffPolicy } from './backoff.js';
export {
  CLOSE_CODES,
  closeAction,
  closeEndsSession,
  describeCloseCode,
  RECONNECT_CLOSE_CODE,
  type CloseAction,
  type CloseCodeInfo,
} from './close-codes.js';
export type * from './commands.js';
export { commandsOf } from './commands-of.js';
export { createContext, type AfterClose, type LastClose, type GatewayContext, type GatewayInput, type GatewayPolicies, type QueuedPayload } from './context.js';
export type * from './events.js';
export { gatewayMachine, type GatewayFailure } from './gateway-machine.js';
export { nextConnectionUrl, withGatewayQuery } from './gateway-url.js';
export { GatewayOpcode, OPCODES, USER_SENDABLE_OPCODES, type OpcodeDirection, type OpcodeInfo } from './opcodes.js';
export { eventFromPayload } from './payload-events.js';
export { nextRandom, seedRandom } from './random.js';
export { DEFAULT_RATE_LIMIT, defaultMarginMs, liveSends, msUntilSlot, reservedSlots, userSlotsLeft, type RateLimitPolicy } from './rate-limit.js';
export { DEFAULT_TIMEOUTS, TIMER_NAMES, type TimeoutPolicy, type TimerName } from './timers.js';
export { DIAGRAM_MARKERS, DiagramMarkersError, toMermaid, withDiagram } from './diagram.js';
export { createActorRunner, createReducerRunner, type GatewaySnapshot, type MachineRunner, type RunnerOptions } from './runner.js';
export { isNewSequence } from './sequence.js';
export { DEFAULT_IDENTIFY_BUDGET, liveIdentifies, msUntilIdentifyAllowed, type IdentifyBudgetPolicy } from './identify-budget.js';
