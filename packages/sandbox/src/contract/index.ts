export { formatContractReport, writeContractReport } from './report.js';
export {
  type ContractRequest,
  contractRequestSchema,
  type ProviderFixture,
  providerFixtureSchema,
} from './requests.js';
export {
  type BillingCheck,
  type ContractOptions,
  type ContractReport,
  type ContractStepResult,
  contractOptionsSchema,
  runContract,
} from './run.js';
export type { ShapeDifference } from './shape.js';
