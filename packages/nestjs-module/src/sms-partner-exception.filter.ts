import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  Injectable,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { errorToHttp } from '@smspartner-kit/core';

/**
 * Matches exactly the errors core's `errorToHttp()` maps (via `instanceof`, which Nest uses to
 * pick a filter). Everything else is left to Nest's own handling or to your other filters.
 * Matching by the shared table, not by class identity, also survives an app that loads both the
 * ESM and the CJS copy of core.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: Nest's @Catch() takes classes and matches with instanceof
export class SmsPartnerMappedError {
  static [Symbol.hasInstance](value: unknown): boolean {
    return errorToHttp(value) !== undefined;
  }
}

interface ExpressLikeResponse {
  status(code: number): { json(body: unknown): unknown };
}
interface FastifyLikeReply {
  code(code: number): { send(body: unknown): unknown };
}

/**
 * Turns core's errors into HTTP answers with core's one table (`errorToHttp`): validation → 400
 * with the field issues, API errors → 402/422/429/502 with the provider code and meaning, outcome
 * unknown → 504 with the tag, connection/protocol → 502/503. Use it globally
 * (`app.useGlobalFilters(new SmsPartnerExceptionFilter())` or `APP_FILTER`) or with `@UseFilters`.
 */
@Catch(SmsPartnerMappedError)
@Injectable()
export class SmsPartnerExceptionFilter implements ExceptionFilter {
  constructor(@Optional() private readonly adapterHost?: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = errorToHttp(exception);
    // Only HTTP has a status to set; elsewhere (RPC, WebSockets) the error goes on unchanged.
    if (!mapped || host.getType() !== 'http') throw exception;
    const response: unknown = host.switchToHttp().getResponse();
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.reply(response, mapped.body, mapped.status);
      return;
    }
    if (typeof (response as ExpressLikeResponse).status === 'function') {
      (response as ExpressLikeResponse).status(mapped.status).json(mapped.body);
      return;
    }
    (response as FastifyLikeReply).code(mapped.status).send(mapped.body);
  }
}
