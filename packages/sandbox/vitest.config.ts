import { testConfig } from '../../vitest.base.js';

export default testConfig();
