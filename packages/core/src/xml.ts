import type * as FastXmlParser from 'fast-xml-parser';
import { SmsPartnerConfigError } from './errors.js';

type XmlModule = typeof FastXmlParser;

/**
 * fast-xml-parser, loaded on first use: most users never see an XML answer, and loading it at
 * import would cost every user its module graph. Synchronous in Node (the parsers are
 * synchronous); elsewhere `loadXmlSupport()` must have run first (the client awaits it).
 */
let xml: XmlModule | undefined;

/**
 * Loads the XML reader where there is no synchronous `require` (browsers, edge runtimes) so that
 * the synchronous parsers can read XML answers. The client calls it itself before reading an XML
 * answer; call it once yourself only to use `parseSendResponse` & co. on XML outside Node.
 */
export async function loadXmlSupport(): Promise<void> {
  xml ??= await import('fast-xml-parser');
}

/** Node's `require`, reached without a static `node:` import (core is bundled for browsers). */
function nodeRequire(): ((id: string) => unknown) | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
    .process;
  if (typeof process?.getBuiltinModule !== 'function') return undefined;
  const { createRequire } = process.getBuiltinModule('node:module') as {
    createRequire: (from: string) => (id: string) => unknown;
  };
  // This module's own location, so that core's dependency is found: `__filename` in the
  // CommonJS build, `import.meta.url` in the ES module build.
  return createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
}

export function xmlModule(): XmlModule {
  if (xml) return xml;
  const load = nodeRequire();
  if (!load) {
    throw new SmsPartnerConfigError(
      'Reading an XML answer outside Node needs the XML reader: `await loadXmlSupport()` once first (the client does it for you)',
    );
  }
  xml = load('fast-xml-parser') as XmlModule;
  return xml;
}
