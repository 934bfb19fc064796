export { readPositionalXml } from '../src/contract/xml.js';
