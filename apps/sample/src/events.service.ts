import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import type { StoredMessage, StoredOptOut, StoredReply } from './store.js';

/** What the console hears over Server-Sent Events. */
export type ConsoleEvent =
  | { type: 'message'; data: StoredMessage }
  | { type: 'status'; data: StoredMessage }
  | { type: 'reply'; data: StoredReply }
  | { type: 'opt-out'; data: StoredOptOut };

/** In-process fan-out of store changes to every open `/api/events` stream. */
@Injectable()
export class EventsService implements OnModuleDestroy {
  private readonly subject = new Subject<ConsoleEvent>();

  publish(event: ConsoleEvent): void {
    this.subject.next(event);
  }

  stream(): Observable<ConsoleEvent> {
    return this.subject.asObservable();
  }

  // Completing ends open SSE responses, so the HTTP server can close.
  onModuleDestroy(): void {
    this.subject.complete();
  }
}
