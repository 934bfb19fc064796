import type { SmsPartnerClient, TagStatus } from '@smspartner-kit/core';
import type { Store } from './store.js';

/** What `GET /api/info` shows of the start-up reconciliation. */
export interface ReconcileState {
  running: boolean;
  report: ReconcileReport | null;
}

export interface ReconcileReport {
  /** Unresolved sends looked at. */
  checked: number;
  /** Found at the provider under their tag, with a message id: now stored as messages. */
  recovered: number;
  /**
   * Found at the provider without a message id (SMS Partner's status-by-tag gives none): sent for
   * sure, left `unknown` with a note saying so (no message row without an id).
   */
  confirmed: number;
  /** Still unknown (not found, or the lookup failed): left for the user to decide. */
  unresolved: number;
}

const digits = (phone: string): string => phone.replace(/\D/g, '').replace(/^00/, '');

/**
 * Resolves sends whose outcome is unknown by asking the provider what it has under each send's
 * own tag. Found: stored as sent (with its current status). Not found: left `unknown` — absence
 * is not proof (the provider may list it later), and the app never resends on its own.
 */
export async function reconcileUnresolvedSends(
  store: Store,
  client: Pick<SmsPartnerClient, 'getStatusesByTag'>,
  log: (line: string) => void,
): Promise<ReconcileReport> {
  const open = await store.listUnresolvedSends({ limit: 10_000 });
  const report: ReconcileReport = {
    checked: open.length,
    recovered: 0,
    confirmed: 0,
    unresolved: 0,
  };
  for (const intent of open) {
    let found: TagStatus | undefined;
    try {
      const statuses = await client.getStatusesByTag(intent.providerTag);
      found = statuses.find((s) => digits(s.phoneNumber) === digits(intent.to));
    } catch (error) {
      log(
        `send #${intent.id}: status by tag failed (${error instanceof Error ? error.name : 'error'}); still unknown`,
      );
    }
    if (!found) {
      report.unresolved++;
      continue;
    }
    if (found.messageId === undefined) {
      await store.settleUnknown(
        intent.id,
        `SMS Partner has this SMS under its tag (status ${found.providerStatus}): it was sent, do not resend; no message id was given`,
      );
      report.confirmed++;
      continue;
    }
    const outcome = await store.settleSent(intent.id, {
      messageId: found.messageId,
      nbSms: null,
      cost: null,
      currency: null,
      status: {
        status: found.status,
        providerStatus: found.providerStatus,
        ...(found.date ? { occurredAt: found.date } : {}),
      },
    });
    if ('conflict' in outcome) {
      log(`send #${intent.id}: found as message ${found.messageId}, an id an earlier message has`);
      report.unresolved++;
    } else report.recovered++;
  }
  return report;
}
