/**
 * Runs one peer on one text inside a worker, so the parent can stop it with a wall-clock guard
 * (Twilio's calculator is quadratic: tens of seconds on 100 KB).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { peers } from './peers.mjs';
import { texts } from './texts.mjs';

const { peer, textIndex, budgetMs } = workerData;
const fn = peers[peer];
const { text } = texts[textIndex];
let runs = 0;
let segments = 0;
const start = performance.now();
do {
  segments = fn(text);
  runs++;
} while (performance.now() - start < budgetMs);
parentPort.postMessage({ runs, ms: performance.now() - start, segments });
