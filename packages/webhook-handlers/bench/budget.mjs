// How much synchronous work per request the 0.8 target leaves on this machine: stand-in servers
// that read the body, spin for N µs and answer, each against the bare handler in alternating
// rounds (same client and payload as run.mjs). Run: `node bench/budget.mjs` (no build needed).
import { postReceipts, startServer as start } from './harness.mjs';

const SPINS = (process.env.BUDGET_MICROS ?? '0,5,10,15,20').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 2);

const rps = async (port, duration) => (await postReceipts(port, duration)).requests.average;

const bare = await start('bare');
try {
  await rps(bare.port, 2);
  for (const micros of SPINS) {
    const spin = await start(`burn:${micros}`);
    try {
      await rps(spin.port, 1);
      const ratios = [];
      for (let i = 0; i < ROUNDS; i++) {
        const b = await rps(bare.port, SECONDS);
        ratios.push((await rps(spin.port, SECONDS)) / b);
      }
      ratios.sort((a, b) => a - b);
      console.log(
        `read body + ${String(micros).padStart(2)} µs of work: median ratio ${ratios[Math.floor(ratios.length / 2)].toFixed(2)} (${ratios.map((r) => r.toFixed(2)).join(' ')})`,
      );
    } finally {
      spin.child.kill();
    }
  }
} finally {
  bare.child.kill();
}
