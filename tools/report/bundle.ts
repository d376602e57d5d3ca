/**
 * The page's script: `client/charts.ts` with Observable Plot (and the parts of d3 it uses) bundled
 * by esbuild into one minified script, inlined into every report, so a report needs no network at
 * view time. Built once per process (about 0.3 s).
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('./client/charts.ts', import.meta.url));
let bundled: Promise<string> | undefined;

/** The charts script, ready to put inside a `<script>` element. */
export function chartsScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    platform: 'browser',
    write: false,
    legalComments: 'eof',
    logLevel: 'silent',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no output for the report charts');
    // `</script` inside the code would end the element early.
    return file.text.replaceAll('</script', '<\\/script');
  });
  return bundled;
}
