export type Encoding = 'GSM-7' | 'UCS-2';

export interface CountSegmentsOptions {
  /** `'smspartner'` (default): apply the provider's replacements first, predicting what it bills. */
  replacements?: 'smspartner' | 'none';
  /** `'auto'` (default): GSM-7 when every character is in GSM 03.38, else UCS-2. */
  encoding?: 'auto' | Encoding;
  /** Keep extended grapheme clusters (ZWJ families, flags, skin tones) whole across parts. */
  graphemeSafe?: boolean;
  /**
   * Count the message as sent with `isStopSms: true`: followed by `STOP_SMS_MENTION`, which the
   * provider appends (and bills). Same name as the send parameter.
   */
  isStopSms?: boolean;
}

/** One change made before sending; `index`/`length` are in the ORIGINAL text. */
export interface Replacement {
  index: number;
  length: number;
  from: string;
  to: string;
}

/** A character that forced UCS-2; `index` is in the text as sent (a UTF-16 index). */
export interface NonGsmCharacter {
  index: number;
  char: string;
  codePoint: number;
}

export interface SegmentCount {
  encoding: Encoding;
  /** Number of SMS billed (0 for an empty text). */
  segments: number;
  /** Septets (GSM-7) or UTF-16 units (UCS-2) of the text as sent. */
  units: number;
  /** 160 / 70 for a single SMS, 153 / 67 per part of a concatenated one. */
  unitsPerSegment: number;
  /** Units still free in the last part. */
  remaining: number;
  /** Text of each part, as sent. */
  parts: string[];
  /** The whole text as sent. */
  text: string;
  /** What the provider replacements changed, where. */
  replacements: Replacement[];
  /** Characters that forced UCS-2 (computed on first read). */
  nonGsmCharacters: NonGsmCharacter[];
}
