import { libraryBuild } from '../../tsup.base.js';

// tsconfig.json sets emitDecoratorMetadata, so tsup runs @swc/core over the sources and Nest can
// read `design:paramtypes` from the built classes (test/consumers.test.ts runs
// test/fixtures/dist-metadata.mjs against the build to guard this).
// Nest, rxjs and our sibling packages stay external: one copy of each at runtime, never bundled.
// Two entries: `.` (the module) and `./queue` (the send queue on @nestjs/bullmq), which alone
// loads the optional peers (@smspartner-kit/queue, @nestjs/bullmq, bullmq, ioredis).
export default libraryBuild({
  entry: { index: 'src/index.ts', queue: 'src/queue/index.ts' },
  external: [
    /^@nestjs\//,
    'reflect-metadata',
    /^rxjs(\/|$)/,
    /^@smspartner-kit\//,
    'bullmq',
    'ioredis',
  ],
});
