import { createClient, SmsPartnerApiError } from '@smspartner-kit/core';
import { startSandbox } from '@smspartner-kit/sandbox';

/**
 * Prove "0 duplicates, 0 lost" against the sandbox: one unique tag per send, a rate limit,
 * then compare what your code believes it sent with what the sandbox accepted.
 */
export async function provenSends() {
  const sandbox = await startSandbox({ rateLimit: { perSecond: 5 } });
  const client = createClient({
    apiKey: 'any-non-empty-key',
    baseUrl: sandbox.baseUrl,
    from: '33700000000',
    retry: { retries: 0 },
  });
  const sentTags: string[] = [];
  let limited = 0;
  try {
    for (let i = 1; i <= 8; i++) {
      const tag = `job${i}`;
      try {
        await client.send({ to: `0612345${100 + i}`, message: 'Hi', tag });
        sentTags.push(tag);
      } catch (error) {
        // HTTP 429: nothing was sent; a real queue would wait and retry this job.
        if (error instanceof SmsPartnerApiError && error.code === 429) limited++;
        else throw error;
      }
    }
    const accepted = sandbox.accepted();
    // → { total: 5, untracked: 0, duplicateTags: [], byTag: { job1: 1, … }, byRecipient: {…} }
    const lost = sentTags.filter((tag) => accepted.byTag[tag] !== 1);
    // The limit counts every API request: let the 1-second window pass before reading statuses.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const statuses = await client.getStatusesByTag('job1');
    // → [{ phoneNumber: '33612345101', status: 'delivered', providerStatus: 'Delivered', … }]
    return { sentTags, limited, accepted, lost, statuses };
  } finally {
    await sandbox.close();
  }
}
