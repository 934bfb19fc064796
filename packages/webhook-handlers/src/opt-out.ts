// The opt-out keyword list, its folding and the reply keyword rule live once, in core (the sandbox
// uses the same ones).
export {
  detectOptOut,
  foldKeyword,
  isOptOutText,
  OPT_OUT_KEYWORDS,
  replyKeyword,
} from '@smspartner-kit/core';
