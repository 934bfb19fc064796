import { errorToHttp } from '@smspartner-kit/core';
import type { ErrorRequestHandler } from 'express';

/**
 * Error middleware turning SMS Partner errors into HTTP answers with core's one table
 * (`errorToHttp`): the status and JSON body come from there, unchanged. Errors core does not
 * know go to the next error handler, as do errors raised after the response has started.
 *
 * Mount it after your routes: `app.use(smsPartnerErrorHandler())`.
 */
export function smsPartnerErrorHandler(): ErrorRequestHandler {
  // Express recognises error middleware by its four parameters: keep all four.
  return function smsPartnerErrorHandlerMiddleware(err, _req, res, next) {
    if (res.headersSent) {
      next(err);
      return;
    }
    const mapped = errorToHttp(err);
    if (mapped === undefined) {
      next(err);
      return;
    }
    res.status(mapped.status).json(mapped.body);
  };
}
