export type { Payload } from './callbacks.js';
export { httpStatusForCode } from './engine.js';
export { SandboxRequestError } from './errors.js';
export { type OutcomeRule, outcomeFor, SANDBOX_OUTCOMES, type SandboxOutcome } from './outcomes.js';
export { toPositionalXml } from './render.js';
export {
  faultSchema,
  faultTypeSchema,
  receiptShapeSchema,
  replyInputSchema,
  replyShapeSchema,
  sandboxOptionsSchema,
} from './schemas.js';
export { startSandbox } from './server.js';
export type * from './types.js';
