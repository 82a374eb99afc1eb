// Builds the console into packages/web/dist, which the server serves at `/`. In development
// (`npm run dev -w @callvault/web`) Vite proxies the API to a `callvault serve` on its default address
// so the session cookie stays same-origin, exactly as in production.
import { defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';

const apiTarget = 'http://127.0.0.1:8080';

/**
 * Mantine and TanStack Query mark their modules "use client" for React Server Components. A browser
 * bundle has no use for the directive, and Rollup warns about every one (twice, with sourcemaps).
 * Blanking it with spaces of the same length keeps every position, so the source map stays exact.
 */
function stripUseClientDirectives(): Plugin {
  const directive = /^(\s*)(['"])use client\2;?/;
  return {
    name: 'callvault:strip-use-client',
    transform(code, id) {
      if (!id.includes('/node_modules/')) return null;
      const match = directive.exec(code);
      if (!match) return null;
      const [whole, leading = ''] = match;
      return {
        code: leading + ' '.repeat(whole.length - leading.length) + code.slice(whole.length),
        map: null,
      };
    },
  };
}

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  // React's automatic JSX runtime through esbuild: the console needs no Babel plugin.
  esbuild: { jsx: 'automatic' },
  plugins: [
    stripUseClientDirectives(),
    // Brotli and gzip copies beside each text asset (.br, .gz): the server sends the one the browser
    // accepts without compressing on every request. Source maps are left as they are.
    compression({
      algorithms: ['brotliCompress', 'gzip'],
      include: /\.(html|css|js|mjs|svg|json|txt)$/,
      threshold: 1024,
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      output: {
        // Libraries change less often than the console: separate chunks stay cached across releases.
        manualChunks: {
          react: ['react', 'react-dom', 'react-dom/client'],
          mantine: ['@mantine/core', '@mantine/hooks'],
          tanstack: ['@tanstack/react-router', '@tanstack/react-query'],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': apiTarget,
      '/v1': apiTarget,
      '/metrics': apiTarget,
    },
  },
});
