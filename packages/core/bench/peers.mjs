/** The peer calculators, each called through its real API (read from its node_modules sources). */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SegmentedMessage } = require('sms-segments-calculator');
const { getCharCount } = require('@trt2/gsm-charset-utils');
const splitSms = require('split-sms');
const { count: smsLengthCount } = require('sms-length');

/** name → function returning the segment count the library predicts. */
export const peers = {
  'sms-segments-calculator (Twilio)': (text) => new SegmentedMessage(text).segmentsCount,
  '@trt2/gsm-charset-utils': (text) => getCharCount(text).msgCount,
  'split-sms': (text) => splitSms.split(text).parts.length,
  'sms-length': (text) => smsLengthCount(text).messages,
};
