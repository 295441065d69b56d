/**
 * Debian's headless Chromium for the browser tests: where it is, whether it is there, and its flags.
 * Without it the tests are skipped locally; on CI (CI=true) they fail, as .ci/setup-system installs it.
 */
import { existsSync } from 'node:fs';

/** The Chromium binary (`GCLAB_CHROMIUM`, else Debian's). */
export const CHROMIUM = process.env.GCLAB_CHROMIUM ?? '/usr/bin/chromium';
/** Whether it is installed. */
export const CHROMIUM_AVAILABLE = existsSync(CHROMIUM);
/** Whether this is a CI run, where a missing Chromium fails the test instead of skipping it. */
export const ON_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Chromium's flags: headless, no sandbox (containers), nothing fetched or updated in the background. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-quic',
  '--no-first-run',
  '--disable-sync',
];
