import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';

/**
 * Last resort for HTTP requests: Nest's HttpExceptions answer as usual; anything else is a 500
 * whose log line names the error class and a short message only — never a query or its
 * parameters (a database error carries both, and they hold user data).
 */
@Catch()
export class UnexpectedErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof HttpException) {
      const body = exception.getResponse();
      res
        .status(exception.getStatus())
        .json(typeof body === 'string' ? { error: 'error', message: body } : body);
      return;
    }
    const name = exception instanceof Error ? exception.name : typeof exception;
    const message =
      exception instanceof Error ? exception.message.split('\n')[0]?.slice(0, 200) : '';
    this.logger.error(
      `${host.switchToHttp().getRequest<{ method: string }>().method} failed: ${name}: ${message}`,
    );
    res.status(500).json({ error: 'internal_error', message: 'internal error (logged)' });
  }
}
