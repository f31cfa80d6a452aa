import { protocol } from 'electron';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppFile } from '../shell/appProtocol';

/** Must run before the app is ready, and only once (Electron keeps the last call's list only). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** Serves app://auditdesk/… from the built renderer folder only (see shell/appProtocol.ts). */
export function handleAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await serveAppFile(request.url, rendererDir);
    return new Response(r.body as ConstructorParameters<typeof Response>[0], { status: r.status, headers: r.headers });
  });
}
