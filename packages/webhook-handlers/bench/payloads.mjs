// Distinct callbacks of similar size for both servers, built before the run so the client does
// the same (no) work per request on both sides: SMS Partner receipts with ?token=, and GitHub
// `push` deliveries signed with HMAC-SHA256 (x-hub-signature-256), as octokit expects.
import { createHmac } from 'node:crypto';

export const SECRET = 'bench-secret-token';
export const OCTOKIT_SECRET = 'bench-github-secret';

export function receipts(count) {
  return Array.from({ length: count }, (_, i) => ({
    method: 'POST',
    path: `/webhooks/smspartner/dlr?token=${SECRET}`,
    headers: { 'content-type': 'application/json' },
    body: `{"messageId":"${i + 1}","phoneNumber":"33612345678","status":"Delivered","date":"2025-06-15 10:42:17"}`,
  }));
}

export function githubDeliveries(count) {
  return Array.from({ length: count }, (_, i) => {
    const body = `{"ref":"refs/heads/main","after":"${String(i + 1).padStart(40, '0')}","forced":false}`;
    const signature = createHmac('sha256', OCTOKIT_SECRET).update(body).digest('hex');
    return {
      method: 'POST',
      path: '/api/github/webhooks',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        'x-hub-signature-256': `sha256=${signature}`,
      },
      body,
    };
  });
}
