// The opt-out keyword list, its folding and the reply keyword rule live once, in core (the sandbox
// uses the same ones).
export { detectOptOut, isOptOutText, OPT_OUT_KEYWORDS } from '@smspartner-kit/core';
export { foldKeyword, replyKeyword } from '@smspartner-kit/core/internal';
