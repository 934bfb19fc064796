import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The server. tsconfig.json sets emitDecoratorMetadata, so tsup compiles with @swc/core and
    // Nest can read `design:paramtypes`. Dependencies stay external (one copy of each at runtime).
    entry: { main: 'src/main.ts' },
    format: ['esm'],
    outDir: 'dist',
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: true,
    splitting: false,
  },
  {
    // The console's script: core's own countSegments bundled for the browser.
    entry: { console: 'src/web/console.ts' },
    format: ['esm'],
    outDir: 'public/build',
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    sourcemap: true,
    clean: true,
    splitting: false,
  },
]);
