import { createClient } from '@smspartner-kit/core';
import { createSendQueue, createSendWorker } from '@smspartner-kit/queue';
import { startSandbox } from '@smspartner-kit/sandbox';

/** Queue two SMS (one OTP, one promotion) and let a worker send them through the sandbox. */
export async function quickstart(redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379') {
  const sandbox = await startSandbox(); // stands in for https://api.smspartner.fr/v1
  const prefix = `quickstart-${process.pid}`; // your app: leave the default ('bull')

  // Where your web app runs: validate and queue, nothing is sent here.
  const queue = createSendQueue({ connection: redisUrl, prefix });

  // Where your workers run (one or many processes): send, at most 10 per second overall.
  const worker = createSendWorker({
    connection: redisUrl,
    prefix,
    client: createClient({ apiKey: 'any-key', baseUrl: sandbox.baseUrl, from: '33700000000' }),
    rateLimit: { max: 10, durationMs: 1000 },
  });
  const sent: string[] = [];
  worker.on('sent', (event) => sent.push(event.id));

  try {
    const otp = await queue.enqueue(
      { to: '+33 6 12 34 56 78', message: 'Votre code : 1234' },
      { idempotencyKey: 'otp:order-42' }, // a retried HTTP request queues nothing twice
    );
    // → { id: 'sq3k…', duplicate: false, dueAt: 1764688000000 }  (id = the provider tag)
    const again = await queue.enqueue(
      { to: '+33 6 12 34 56 78', message: 'Votre code : 1234' },
      { idempotencyKey: 'otp:order-42' },
    );
    // → { id: otp.id, duplicate: true, … }

    const promo = await queue.enqueue(
      { to: '0698765432', message: 'Soldes : -20 % ce week-end', isStopSms: true },
      { category: 'marketing' }, // held until Mon–Sat 08:00–20:00 Paris, not on holidays
    );

    while (!sent.includes(otp.id)) await new Promise((resolve) => setTimeout(resolve, 20));
    const status = await queue.getSend(otp.id);
    // → { id: otp.id, state: 'sent', to: '33612345678', messageId: '…', reconciled: false }

    return { otp, again, promo, status, recorded: sandbox.messages() };
  } finally {
    await worker.close();
    await queue.close();
    await sandbox.close();
  }
}
