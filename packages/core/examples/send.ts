// The README's example, run by test/example.test.ts against a local SMS Partner look-alike.
import {
  countSegments,
  createClient,
  SmsPartnerApiError,
  SmsPartnerOutcomeUnknownError,
  SmsPartnerValidationError,
} from '@smspartner-kit/core';

export async function sendLoginCode(phone: string, code: string) {
  // apiKey and baseUrl come from SMSPARTNER_API_KEY / SMSPARTNER_BASE_URL when not given.
  const client = createClient({ from: '33700000000', timeoutMs: 10_000 });

  const message = `Votre code de connexion : ${code}`;
  const preview = countSegments(message); // what SMS Partner will bill, before sending
  console.log(`${preview.segments} SMS, ${preview.encoding}, ${preview.remaining} characters left`);

  try {
    const sent = await client.send({ to: phone, message, tag: 'login-code' });
    console.log(`sent: id ${sent.messageId}, ${sent.nbSms} SMS, ${sent.cost} ${sent.currency}`);
    return sent;
  } catch (error) {
    if (error instanceof SmsPartnerValidationError) {
      console.error(error.issues); // [{ field: 'to', message: '…' }] — nothing was sent
    } else if (error instanceof SmsPartnerApiError) {
      console.error(error.code, error.meaning); // e.g. 11 'insufficient credit'
    } else if (error instanceof SmsPartnerOutcomeUnknownError) {
      // The SMS may have gone: do not resend blindly; reconcile with error.tag / error.to.
      console.error(`unknown outcome for ${error.to} (tag ${error.tag})`);
    }
    throw error;
  }
}
