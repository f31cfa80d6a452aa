import { session, type BrowserWindow, type WebContents } from 'electron';

/** Only the app's own page (file:// under the renderer folder) may call the engine. */
export function isAppUrl(url: string, rendererDirUrl: string): boolean {
  return url.startsWith(rendererDirUrl);
}

/** Same policy as the renderer's meta tag, also sent as a header wherever Chromium applies one. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'self' data:";

export function lockDownSession(rendererDirUrl: string): void {
  const s = session.defaultSession;
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  // No remote content: every request that is not the app's own files (or devtools/data URLs) is cancelled.
  s.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(rendererDirUrl) || details.url.startsWith('data:') || details.url.startsWith('devtools:');
    callback({ cancel: !ok });
  });
}

export function lockDownContents(wc: WebContents, rendererDirUrl: string): void {
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url, rendererDirUrl)) e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
}

export function trustedSender(windows: () => BrowserWindow[], rendererDirUrl: string) {
  return (sender: unknown): boolean => {
    const ev = sender as { sender?: WebContents; senderFrame?: { url: string } | null };
    if (!ev.sender || !ev.senderFrame) return false;
    const owner = windows().find((w) => w.webContents.id === ev.sender?.id);
    return owner !== undefined && isAppUrl(ev.senderFrame.url, rendererDirUrl);
  };
}
