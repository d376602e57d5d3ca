/** Capture of what the Powertools logger (and anything else) writes while a test step runs. */
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { vi } from 'vitest';
import { logger } from '../../functions/wiring/telemetry';

/** The chunks written to stdout and stderr while `fn` runs, the logger at `level` meanwhile. */
export async function captureLogs(level: LogLevel, fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const streams = [process.stdout, process.stderr];
  const writes = streams.map((stream) => stream.write);
  for (const stream of streams) {
    stream.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof stream.write;
  }
  logger.setLogLevel(level);
  // Powertools puts the level back to the environment's at every warm invocation: not while we listen.
  const refresh = vi.spyOn(logger, 'refreshSampleRateCalculation').mockImplementation(() => undefined);
  try {
    await fn();
  } finally {
    streams.forEach((stream, i) => {
      stream.write = writes[i] as typeof stream.write;
    });
    refresh.mockRestore();
    logger.setLogLevel('SILENT');
  }
  return lines;
}
