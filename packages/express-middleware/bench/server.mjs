// Child process of bench/run.mjs: serves the baseline and the webhook router on two loopback
// ports, so the load generator does not share an event loop with the servers it measures.
import { createWebhooks } from '@smspartner-kit/webhooks';
import express from 'express';
import { smsPartnerWebhooks } from '../dist/index.js';

const SECRET = 'bench-secret-token';

function listen(app) {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const bare = express();
bare.all('/webhooks/smspartner/dlr', (_req, res) => {
  res.sendStatus(200);
});

const webhooks = createWebhooks({ secret: SECRET, dedupe: false });
let received = 0;
webhooks.on('delivery-receipt', () => {
  received++;
});
const routed = express();
routed.use(smsPartnerWebhooks(webhooks, { path: '/webhooks/smspartner' }));

const [bareServer, routedServer] = await Promise.all([listen(bare), listen(routed)]);
process.send({
  bare: bareServer.address().port,
  routed: routedServer.address().port,
  secret: SECRET,
});
process.on('message', (message) => {
  if (message === 'count') process.send({ received });
  if (message === 'stop') {
    webhooks.close();
    bareServer.close();
    routedServer.close();
    bareServer.closeAllConnections();
    routedServer.closeAllConnections();
  }
});
