import { existsSync } from 'node:fs';

/** Debian's chromium (installed by .ci/run), or the one STYLERUN_CHROMIUM names; undefined where there is none. */
export const chromiumPath = [process.env.STYLERUN_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
