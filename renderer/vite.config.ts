import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Content policy of both built pages: scripts only from the bundle, sockets to the seat
 * host and the PBX, media from WebRTC streams, frames only of our own pages (the phone
 * host embeds the desk). Dev mode goes without it (React refresh injects an inline script).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' ws: wss:",
  "media-src 'self' blob: mediastream:",
  "img-src 'self' data:",
  "frame-src 'self'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'hotline-csp',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * The renderer's two pages: index.html, the phone host (the phone engine; in the web seat
 * it embeds the desk), and desk.html, the desk UI. `base: './'` makes every asset URL
 * relative, so the same build loads from Electron's file:// and the seat host's http://.
 */
export default defineConfig({
  // This folder, whatever the working directory (npm runs it from the project root).
  root: import.meta.dirname,
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // One bundle loaded from disk or the seat host: React, zod and sip.js make ~600 kB.
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      input: {
        index: `${import.meta.dirname}/index.html`,
        desk: `${import.meta.dirname}/desk.html`,
      },
    },
  },
});
