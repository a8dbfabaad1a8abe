import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Serves the built renderer (vite's renderer/dist): files as they are, index.html for any
 * path without an extension (the renderer routes itself), a 503 page that says what to
 * do while the renderer is not built. Never serves a file outside the folder.
 */
export class RendererFiles {
  private warnedMissing = false;

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {}

  /** Logs whether the renderer is there; for the start-up line. */
  async checkBuilt(): Promise<boolean> {
    const built = await isFile(path.join(this.dir, 'index.html'));
    if (!built) this.warnMissing();
    return built;
  }

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Only GET and HEAD are served here.\n');
      return;
    }

    const file = await this.resolve(req.url ?? '/');
    if (file === 'missing-renderer') return this.sendMissing(res);
    if (file === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }

    const info = await stat(file);
    const immutable = path.relative(this.dir, file).startsWith('assets' + path.sep);
    res.writeHead(200, {
      'content-type': contentTypeOf(file),
      'content-length': info.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', (err) => {
      this.log.error({ err: err.message }, `Reading ${file} failed: ${err.message}`);
      res.destroy(err);
    });
    stream.pipe(res);
  }

  /** The file for a URL path, null for 404, or 'missing-renderer' when nothing is built. */
  private async resolve(url: string): Promise<string | null | 'missing-renderer'> {
    const index = path.join(this.dir, 'index.html');
    if (!(await isFile(index))) return 'missing-renderer';

    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(url, 'http://seat.invalid').pathname);
    } catch {
      return null;
    }
    if (pathname.includes('\0')) return null;
    const file = path.resolve(this.dir, '.' + path.posix.normalize(pathname));
    if (file !== this.dir && !file.startsWith(this.dir + path.sep)) return null;

    if (pathname.endsWith('/') || file === this.dir) return index;
    if (await isFile(file)) return file;
    return path.extname(pathname) === '' ? index : null;
  }

  private sendMissing(res: ServerResponse): void {
    this.warnMissing();
    const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hotline Desk: renderer not built</title></head>
<body><h1>The desk page is not built yet</h1>
<p>The seat host serves the renderer from <code>${escapeHtml(this.dir)}</code>, which has no
<code>index.html</code>. Build it with <code>npm run build:renderer</code> (or set RENDERER_DIR),
then reload. The desk API on <code>/desk</code> works meanwhile.</p></body></html>
`;
    res.writeHead(503, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '10',
    });
    res.end(page);
  }

  private warnMissing(): void {
    if (this.warnedMissing) return;
    this.warnedMissing = true;
    this.log.warn(
      { rendererDir: this.dir },
      `The renderer is not built: ${this.dir} has no index.html; pages answer 503 until ` +
        `\`npm run build:renderer\` has run.`,
    );
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
