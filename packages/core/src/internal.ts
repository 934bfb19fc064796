/**
 * `@smspartner-kit/core/internal`: plumbing shared by the kit's own packages (option checks,
 * provider dates, keyword folding). Undocumented and outside semver: apps should not import it.
 */
export { foldKeyword, replyKeyword } from './opt-out.js';
export { parseConfigOptions, toFieldIssues } from './schemas.js';
export {
  formatProviderDate,
  formatScts,
  PROVIDER_TIME_ZONE,
  parseProviderDate,
  toProviderSchedule,
  type WallTime,
  wallTimeIn,
  zonedWallTimeToDate,
} from './time.js';
