import {
  formatContractReport,
  runContract,
  writeContractReport,
} from '@smspartner-kit/sandbox/contract';

/**
 * What `pnpm test:live` does, from your own code (a health check, a CLI command): free calls
 * only, since neither `allowCost` nor `liveTo` is given.
 */
export async function verifyAccount(env: NodeJS.ProcessEnv, reportDir: string) {
  const apiKey = env.SMSPARTNER_API_KEY;
  if (!apiKey) return { skipped: 'SMSPARTNER_API_KEY is not set' };
  const report = await runContract({
    apiKey,
    baseUrl: env.SMSPARTNER_BASE_URL, // undefined: https://api.smspartner.fr/v1
    from: env.SMSPARTNER_FROM, // your virtual number: the sandboxed sends need it
  });
  for (const line of formatContractReport(report)) console.log(line); // already redacted
  const files = await writeContractReport(report, reportDir); // report.json + fixtures/*.json
  return { ok: report.ok, counts: report.counts, files };
}
