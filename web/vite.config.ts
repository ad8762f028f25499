import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// Two pages, one build: the app (served at /app/) and the GraphiQL
// playground (its HTML served at /, its assets under /app/assets/). Every
// asset is bundled: no page loads anything from another origin.
export default defineConfig({
  base: '/app/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // No inlined data: URLs for scripts; fonts and images stay small files.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // GraphiQL's Radix UI modules say "use client" (a React Server
      // Components hint); meaningless in a plain bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        playground: fileURLToPath(new URL('playground.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev` proxies the API to a locally running service.
    proxy: { '/graphql': { target: 'http://localhost:8080', ws: true } },
  },
});
