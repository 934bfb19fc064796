import { XMLParser, XMLValidator } from 'fast-xml-parser';

let parser: XMLParser | undefined;

export type Positional = string | Positional[];

function walk(node: unknown): Positional {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if ('entry' in record) return (record.entry as unknown[]).map(walk);
    if ('__cdata' in record) {
      const cdata = record.__cdata;
      return Array.isArray(cdata) ? cdata.join('') : String(cdata);
    }
  }
  return String(node);
}

/**
 * The provider's positional XML (`<result><entry>…</entry>…</result>`) as nested arrays of
 * strings, CDATA unwrapped. Throws on invalid XML or a document without `<result>` entries.
 */
export function readPositionalXml(xml: string): Positional[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('XML with a DTD refused');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${valid.err.msg}`);
  parser ??= new XMLParser({
    isArray: (name) => name === 'entry',
    parseTagValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    cdataPropName: '__cdata',
  });
  const parsed = parser.parse(xml) as { result?: unknown };
  const value = walk(parsed.result);
  if (!Array.isArray(value)) throw new Error('no <result> entries');
  return value;
}
