/** Benchmark texts. Kept in one module so the bench and its worker measure the same strings. */

const GSM_SENTENCE =
  'Bonjour Marie, votre rendez-vous chez le Dr Martin est confirmé le 12/03 à 14h30. ' +
  'Pour annuler, répondez STOP ou appelez le 01 23 45 67 89. Bonne journée!';

/** Exactly 160 GSM-7 characters: one SMS. */
export const gsm160 = GSM_SENTENCE.padEnd(160, '.').slice(0, 160);

const MIXED_PARAGRAPH =
  'Salut la team 👋! Le dîner de ce soir est confirmé à 20h, chez Chloé & Noël 🎉.\n' +
  "Au menu: crêpes, cidre et gâteau au chocolat 🍫 (on partage: 12€ par tête, c'est donné).\n" +
  'Pensez à apporter vos jeux 🎲, la guitare 🎸 et votre bonne humeur 😄👍🏽.\n' +
  'Rendez-vous 15 rue de la Paix, 2e étage, code 1984B. Merci de confirmer avant 18h 🇫🇷!\n';

/** 1,000 UTF-16 units of French with accents, `€`, line breaks and emoji (UCS-2). */
export const mixed1000 = MIXED_PARAGRAPH.repeat(4)
  .slice(0, 1000)
  .replace(/[\ud800-\udbff]$/, 'x');

const LONG_PARAGRAPH =
  'Le service client est ouvert du lundi au vendredi de 9h à 18h. Pour toute question sur ' +
  'votre commande 4521, répondez à ce message ou écrivez-nous: support@example.fr. ' +
  "Les frais de port sont offerts dès 50 EUR d'achat; les retours sont gratuits sous 30 jours. " +
  'Merci de votre confiance et à très vite dans nos boutiques!\n';

/** 100 KB (102,400 units) of GSM-7 text with line breaks. */
export const text100k = LONG_PARAGRAPH.repeat(Math.ceil(102_400 / LONG_PARAGRAPH.length)).slice(
  0,
  102_400,
);

export const texts = [
  { name: 'GSM 160 chars', text: gsm160, batch: 2000 },
  { name: 'mixed 1,000 (emoji)', text: mixed1000, batch: 300 },
  { name: '100 KB GSM', text: text100k, batch: 4 },
];
