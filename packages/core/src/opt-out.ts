/**
 * Opt-out keywords, compared after folding (upper case, accents removed, punctuation and spaces
 * squeezed), against the WHOLE reply: "STOP" opts out, "Stop merci de me rappeler" does not.
 * French carriers and the CNIL use STOP; the English ones cover international numbers.
 */
export const OPT_OUT_KEYWORDS: readonly string[] = [
  'STOP',
  'STOP SMS',
  'STOPSMS',
  'STOP ALL',
  'STOPALL',
  'ARRET',
  'ARRET SMS',
  'ARRETER',
  'DESABONNER',
  'DESABONNEMENT',
  'DESINSCRIRE',
  'DESINSCRIPTION',
  'UNSUBSCRIBE',
  'OPT OUT',
  'OPTOUT',
];

/** `' Arrêt ! '` → `'ARRET'`: upper case, no accents, no punctuation, single spaces. */
export function foldKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The canonical opt-out keyword a reply consists of, or undefined. */
export function detectOptOut(
  text: string,
  keywords: readonly string[] = OPT_OUT_KEYWORDS,
): string | undefined {
  if (text.length > 64) return undefined;
  const folded = foldKeyword(text);
  return keywords.some((keyword) => foldKeyword(keyword) === folded) ? folded : undefined;
}

/** True when the reply is an opt-out keyword. */
export function isOptOutText(text: string, keywords?: readonly string[]): boolean {
  return detectOptOut(text, keywords) !== undefined;
}

/** Vonage's notion of a reply keyword: the first word of the text, upper-cased (≤ 160 chars). */
export function replyKeyword(text: string): string | undefined {
  const word = text.trim().split(/\s+/, 1)[0];
  return word ? word.slice(0, 160).toUpperCase() : undefined;
}
