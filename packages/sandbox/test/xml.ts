import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  isArray: (name) => name === 'entry',
  parseTagValue: false,
  trimValues: false,
  cdataPropName: '__cdata',
});

type Positional = string | Positional[];

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

/** Positional XML → nested arrays of strings (CDATA unwrapped); throws on invalid XML. */
export function readPositionalXml(xml: string): Positional[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid XML: ${JSON.stringify(valid)}`);
  const parsed = parser.parse(xml) as { result?: unknown };
  const value = walk(parsed.result);
  if (!Array.isArray(value)) throw new Error('no <result> entries');
  return value;
}
