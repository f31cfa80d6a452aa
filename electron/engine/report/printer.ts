/** Turns print-ready HTML into PDF bytes: Electron's printToPDF in the app, headless Chromium in the CLI and tests. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;
