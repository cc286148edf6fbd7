// A real browser against the app: the app served on loopback by @hono/node-server, and Debian's
// Chromium (/usr/bin/chromium) driven by playwright-core. No browser is ever downloaded.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface Served { base: string; close(): Promise<void> }

/** Serve a fetch handler on 127.0.0.1 at a free port. */
export function serveOnLoopback(fetch: (req: Request) => Response | Promise<Response>): Promise<Served> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done, fail) => {
          server.close((err) => (err ? fail(err) : done()));
          // Keep-alive connections left by the browser would hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
      });
    });
    server.once('error', reject);
  });
}
