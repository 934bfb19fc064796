import type { QueuedSendParams, SendCategory } from './types.js';

/**
 * BullMQ job data. A single send carries its parameters; a campaign job carries only the
 * recipient (and an own message, if any): the shared parameters are stored once per campaign.
 */
export interface JobData {
  category: SendCategory;
  send?: QueuedSendParams;
  campaignId?: string;
  to?: string;
  message?: string;
}
