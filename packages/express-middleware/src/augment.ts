import type { SmsPartnerClient } from '@smspartner-kit/core';

// Declaration merging: once this package is imported, `req.smsPartner` is typed in every handler.
// It is only *set* on requests that went through the `smsPartner()` middleware.
declare global {
  // Express's own typings expose Request through this global namespace.
  namespace Express {
    interface Request {
      /** The app's one SMS Partner client, put there by the `smsPartner()` middleware. */
      smsPartner: SmsPartnerClient;
    }
  }
}
