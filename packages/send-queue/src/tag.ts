import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A fresh job id that is also the provider tag: `sq` + 18 base-36 characters = 20 characters,
 * lowercase, no spaces (the provider's tag rules); about 93 bits of randomness.
 */
export function newTag(): string {
  const bytes = randomBytes(18);
  let tag = 'sq';
  for (const byte of bytes) tag += ALPHABET[byte % 36];
  return tag;
}
