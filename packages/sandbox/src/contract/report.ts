import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProviderFixture } from './requests.js';
import type { ContractReport, ContractStepResult } from './run.js';

const LABEL: Record<ContractStepResult['outcome'], string> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIP',
};

function describeType(type: string): string {
  return type === 'missing' ? 'absent' : type;
}

/** The report as lines for a terminal: one per step, then one per problem, then a summary. */
export function formatContractReport(report: ContractReport): string[] {
  const lines = [
    `SMS Partner contract check against ${report.baseUrl} — ${
      report.realSend ? 'free calls and ONE real (billed) send' : 'free calls only, nothing billed'
    }`,
  ];
  const width = Math.max(...report.steps.map((s) => s.step.length));
  for (const step of report.steps) {
    const call = `${step.request.method} /${step.request.endpoint}${
      step.request.format === 'xml' ? ' (XML)' : ''
    }`;
    const head = `  ${LABEL[step.outcome]}  ${step.step.padEnd(width)}  `;
    lines.push(
      step.outcome === 'skipped' ? `${head}${step.skipReason}` : `${head}${call}: ${step.title}`,
    );
    const detail = (text: string) => lines.push(`        ${text}`);
    for (const d of step.differences) {
      detail(
        `shape  ${d.path}: live ${describeType(d.live)}, emulator ${describeType(d.emulator)}`,
      );
    }
    if (step.parser && !step.parser.ok) detail(`parser ${step.parser.error}`);
    if (step.billing && !step.billing.ok) {
      const b = step.billing;
      const hints = [
        b.otherwise.withoutStopMention === b.billed && 'as if the STOP mention were not added',
        b.otherwise.withStopMention === b.billed && 'as if a STOP mention were added',
        b.otherwise.withoutReplacements === b.billed &&
          b.otherwise.withoutReplacements !== b.predicted &&
          'as if the replacement table were not applied',
      ].filter(Boolean);
      detail(
        `billed ${b.billed ?? '?'} SMS, countSegments predicted ${b.predicted} (${b.characters} characters${
          b.isStopSms ? ' + STOP mention' : ''
        })${hints.length > 0 ? `: ${hints.join(', ')}` : ''}`,
      );
    }
    for (const list of step.unchecked) {
      detail(`note   ${list}: empty on one side, elements not compared`);
    }
    for (const problem of step.problems) {
      if (/^(the answer's shape|core's parser|billed )/.test(problem)) continue; // shown above
      detail(problem);
    }
  }
  const { passed, failed, skipped } = report.counts;
  lines.push(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return lines;
}

function fixtureOf(step: ContractStepResult, report: ContractReport): ProviderFixture | undefined {
  if (!step.live) return undefined;
  const host = (() => {
    try {
      return new URL(report.baseUrl).host;
    } catch {
      return report.baseUrl;
    }
  })();
  return {
    description: `${step.step}: ${step.title}`,
    source: `live ${host} ${report.finishedAt}`,
    ...(step.prepare ? { prepare: step.prepare } : {}),
    request: step.request,
    response: { status: step.live.status, body: step.live.body },
  };
}

/**
 * Saves `report.json` (the whole report, diffs included) and `fixtures/<step>.json` (each live
 * answer in the provider-fixture format) under `dir`. The report is already redacted.
 * Resolves to the files written.
 */
export async function writeContractReport(report: ContractReport, dir: string): Promise<string[]> {
  const fixtures = path.join(dir, 'fixtures');
  await mkdir(fixtures, { recursive: true });
  const written: string[] = [];
  const write = async (file: string, value: unknown) => {
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`, 'utf8');
    written.push(file);
  };
  await write(path.join(dir, 'report.json'), report);
  for (const step of report.steps) {
    const fixture = fixtureOf(step, report);
    if (fixture) await write(path.join(fixtures, `${step.step}.json`), fixture);
  }
  return written;
}
