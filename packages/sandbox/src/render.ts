/**
 * The provider's answers. XML is positional: `<result>` holds one `<entry>` per value of the
 * JSON answer, in order, without field names; objects and arrays nest the same way. Strings go
 * in CDATA so no text can break the document.
 */

export type Format = 'json' | 'xml';
export type Answer = Record<string, unknown>;

// Characters XML 1.0 forbids even inside CDATA.
const XML_FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function cdata(text: string): string {
  const safe = text.replace(XML_FORBIDDEN, '\uFFFD').replaceAll(']]>', ']]]]><![CDATA[>');
  return `<![CDATA[${safe}]]>`;
}

function entries(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return cdata(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const values = Array.isArray(value) ? value : Object.values(value as object);
  let out = '';
  for (const item of values) {
    if (item !== undefined) out += `<entry>${entries(item)}</entry>`;
  }
  return out;
}

export function toPositionalXml(answer: Answer): string {
  return `<?xml version='1.0' encoding='UTF-8'?>\n<result>${entries(answer)}</result>`;
}

export function renderAnswer(
  answer: Answer,
  format: Format,
): { body: string; contentType: string } {
  return format === 'xml'
    ? { body: toPositionalXml(answer), contentType: 'application/xml; charset=utf-8' }
    : { body: JSON.stringify(answer), contentType: 'application/json; charset=utf-8' };
}
