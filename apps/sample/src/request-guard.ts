import type { NextFunction, Request, Response } from 'express';

export interface GuardOptions {
  /** The configured public URL (read per request: with PORT=0 it is known only after listening). */
  publicUrl: () => string;
  /** The port the app listens on. */
  port: () => number;
  /** Paths that take the provider's callbacks (forms and GET allowed, checked by token). */
  webhooksPath: string;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function refuse(res: Response, status: number, error: string, message: string): void {
  res.status(status).set('connection', 'close').json({ error, message });
}

/**
 * Against DNS rebinding and cross-site requests (a page elsewhere posting a form to the app):
 * every request must name this app in `Host` (the public URL's host or loopback on our port);
 * writes to the API must be JSON (`Content-Type: application/json`, which a form cannot send
 * without a CORS preflight the app never grants) and, when the browser says where they come from
 * (`Origin`, `Sec-Fetch-Site`), come from the app's own origin.
 */
export function requestGuard(options: GuardOptions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const port = options.port();
    const publicUrl = new URL(options.publicUrl());
    const hosts = new Set([
      publicUrl.host,
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
    ]);
    const host = (req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      refuse(
        res,
        421,
        'unknown_host',
        `this app answers to ${publicUrl.host} (PUBLIC_URL) and to loopback addresses on port ${port}, not to Host ${JSON.stringify(host.slice(0, 100))}`,
      );
      return;
    }
    if (!WRITE_METHODS.has(req.method) || req.path.startsWith(options.webhooksPath)) {
      next();
      return;
    }
    const origin = req.headers.origin;
    const origins = new Set([publicUrl.origin, ...[...hosts].slice(1).map((h) => `http://${h}`)]);
    if (
      (origin !== undefined && !origins.has(origin.toLowerCase())) ||
      req.headers['sec-fetch-site'] === 'cross-site'
    ) {
      refuse(res, 403, 'cross_origin', 'writes are accepted only from the console’s own origin');
      return;
    }
    if (!req.is('application/json')) {
      refuse(
        res,
        415,
        'unsupported_media_type',
        'the API accepts only JSON: send Content-Type: application/json',
      );
      return;
    }
    next();
  };
}
