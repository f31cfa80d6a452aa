/**
 * The renderer is served from one fixed origin, app://auditdesk, by a handler that maps URL paths
 * onto files of the built renderer folder and nothing else (Electron security checklist item 18:
 * no file://). Sender, navigation and request checks compare this one origin, so no install path
 * (`~`, `[`, `]`, `%`, 8.3 short names) can make them disagree. Electron-free: the main process
 * wraps `serveAppFile` in `protocol.handle`, and tests call it directly.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'auditdesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
/** Privileges for protocol.registerSchemesAsPrivileged (before app ready): a standard, secure origin for the renderer's modules. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

/** Same policy as the renderer's meta tag, also sent as a header with every page the app serves. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'self' data:";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/** Whether a URL is the app's own page or asset (scheme and host; Node gives custom schemes an opaque origin, so compare parts). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '' && u.port === '';
  } catch {
    return false;
  }
}

/**
 * The file of `rendererDir` an app:// URL names, or null when it names anything else: another host,
 * `..` or `.` segments (also percent-encoded), encoded slashes or backslashes, NUL, drive letters.
 */
export function appFileFor(url: string, rendererDir: string): string | null {
  if (!isAppUrl(url)) return null;
  const rawPath = new URL(url).pathname;
  const segments: string[] = [];
  for (const raw of rawPath.split('/').filter((s) => s !== '')) {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg) || /^[a-zA-Z]:/.test(seg)) return null;
    segments.push(seg);
  }
  if (segments.length === 0) segments.push('index.html');
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, ...segments);
  const rel = path.relative(root, file);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return file;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const notFound = (why: string): AppResponse => ({ status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: why });

/** Answers one app:// request from the built renderer folder; symlinks leading outside it are refused too. */
export async function serveAppFile(url: string, rendererDir: string): Promise<AppResponse> {
  const file = appFileFor(url, rendererDir);
  if (!file) return notFound('Not an Audit Desk file.');
  try {
    const [real, realRoot] = await Promise.all([fs.realpath(file), fs.realpath(rendererDir)]);
    const rel = path.relative(realRoot, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return notFound('Not an Audit Desk file.');
    const body = new Uint8Array(await fs.readFile(real));
    const type = CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
    return { status: 200, headers: { 'content-type': type, 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' }, body };
  } catch {
    return notFound('No such Audit Desk file.');
  }
}
