import type { SegmentCount } from '@smspartner-kit/core/segments';

export interface Highlight {
  /** Range in the text as typed. */
  start: number;
  end: number;
  kind: 'repl' | 'ucs2';
  title: string;
}

/**
 * Where to highlight the text as typed: characters SMS Partner replaces (core reports them in
 * the original text) and those forcing UCS-2 (core reports them in the text as sent, after the
 * replacements, so their positions are mapped back).
 */
export function highlightsFor(
  text: string,
  count: Pick<SegmentCount, 'replacements' | 'nonGsmCharacters'>,
): Highlight[] {
  const replacements = [...count.replacements].sort((a, b) => a.index - b.index);
  const highlights: Highlight[] = replacements.map((r) => ({
    start: r.index,
    end: r.index + r.length,
    kind: 'repl',
    title: r.to === '' ? `${r.from} is removed` : `${r.from} is sent as ${r.to}`,
  }));
  // Offsets between the sent text and the typed one, replacement by replacement.
  const toOriginal = (sentIndex: number): number | undefined => {
    let delta = 0;
    for (const r of replacements) {
      const sentStart = r.index + delta;
      if (sentIndex < sentStart) break;
      if (sentIndex < sentStart + r.to.length) return undefined; // inside a replacement's output
      delta += r.to.length - r.length;
    }
    const original = sentIndex - delta;
    return original >= 0 && original < text.length ? original : undefined;
  };
  for (const c of count.nonGsmCharacters) {
    const start = toOriginal(c.index);
    if (start === undefined) continue;
    highlights.push({
      start,
      end: start + c.char.length,
      kind: 'ucs2',
      title: `${c.char} (U+${c.codePoint.toString(16).toUpperCase().padStart(4, '0')}) is not in GSM-7: the whole message goes as UCS-2`,
    });
  }
  return highlights.sort((a, b) => a.start - b.start);
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** HTML of the textarea's backdrop: the same text, with the highlights as <mark>s. */
export function highlightHtml(text: string, highlights: Highlight[]): string {
  let html = '';
  let position = 0;
  for (const h of highlights) {
    if (h.start < position) continue;
    html += escapeHtml(text.slice(position, h.start));
    html += `<mark class="${h.kind}" title="${escapeHtml(h.title)}">${escapeHtml(text.slice(h.start, h.end))}</mark>`;
    position = h.end;
  }
  // A trailing newline needs a character after it to take up its line.
  return `${html}${escapeHtml(text.slice(position))}\u200b`;
}
