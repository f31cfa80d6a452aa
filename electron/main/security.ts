import { session, type BrowserWindow, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAppUrl } from '../shell/appProtocol';

export { CONTENT_SECURITY_POLICY, isAppUrl };

export function lockDownSession(): void {
  const s = session.defaultSession;
  // The app protocol sends the CSP itself; this covers anything else Chromium applies headers to.
  s.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  s.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  s.setPermissionCheckHandler(() => false);
  // No remote content: every request that is not the app's own origin (or devtools/data URLs) is cancelled.
  s.webRequest.onBeforeRequest((details, callback) => {
    const ok = isAppUrl(details.url) || details.url.startsWith('data:') || details.url.startsWith('devtools:');
    callback({ cancel: !ok });
  });
}

export function lockDownContents(wc: WebContents): void {
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  wc.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  wc.on('will-attach-webview', (e) => e.preventDefault());
}

/** Only the app's own windows showing the app's own origin may call the engine. */
export function trustedSender(windows: () => BrowserWindow[]) {
  return (sender: unknown): boolean => {
    const ev = sender as { sender?: WebContents; senderFrame?: { url: string } | null };
    if (!ev.sender || !ev.senderFrame) return false;
    const owner = windows().find((w) => !w.isDestroyed() && w.webContents.id === ev.sender?.id);
    return owner !== undefined && isAppUrl(ev.senderFrame.url);
  };
}
