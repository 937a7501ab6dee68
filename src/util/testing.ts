/** Fixtures for the tests that open pages in headless Chromium (the report, the demo). */
import type { Page } from 'playwright-core';

/** Debian's chromium, which playwright-core drives (it downloads no browser of its own). */
export const CHROMIUM = '/usr/bin/chromium';

/** What a page did while a test watched it: console errors and uncaught exceptions, and every request's URL. */
export interface PageWatch {
  readonly errors: string[];
  readonly requests: string[];
}

/** Starts recording the page's console errors, uncaught exceptions and requests (call before `goto`). */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('request', (request) => watch.requests.push(request.url()));
  return watch;
}
