/**
 * The Chromium switches that keep a printing Chromium off the network: background networking, component and
 * safe-browsing updates, sign-in and sync, metrics, domain reliability and crash upload off, and every host name
 * resolving to NOTFOUND locally, so not even a DNS query leaves the machine (a query for a Google accounts host
 * was seen during `auditdesk report` before these). Used by the CLI's headless Chromium (with its own
 * `--no-sandbox --disable-gpu`, see pdf.ts) and appended by the Electron app at start (electron/main/printer.ts),
 * whose printer is the app's own Chromium. No dependency: the main process imports this file.
 */
export const OFFLINE_CHROMIUM_SWITCHES: readonly string[] = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-signin-frame-client-certs',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-component-extensions-with-background-pages',
  '--disable-client-side-phishing-detection',
  '--disable-domain-reliability',
  '--disable-breakpad',
  '--no-pings',
  '--no-first-run',
  '--no-default-browser-check',
  '--metrics-recording-only',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--disable-features=OptimizationHints,MediaRouter,DialMediaRouteProvider,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying,SafeBrowsingEnhancedProtection,InterestFeedContentSuggestions,AccountConsistency,ChromeSignin',
];

/** A switch as Electron's `app.commandLine.appendSwitch(name, value?)` takes it: no leading dashes, value apart. */
export function switchParts(sw: string): { name: string; value?: string } {
  const bare = sw.replace(/^--/, '');
  const eq = bare.indexOf('=');
  return eq < 0 ? { name: bare } : { name: bare.slice(0, eq), value: bare.slice(eq + 1) };
}
