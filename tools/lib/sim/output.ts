/**
 * Writing a file all or nothing: into a temporary file beside it, renamed over the target only
 * once complete, so a failed run never leaves a partial (or any) `--out` file.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface AtomicFile {
  write(text: string): Promise<void>;
  /** Renames the temporary file over the target. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is untouched. */
  abort(): void;
}

export function openAtomic(target: string): AtomicFile {
  mkdirSync(dirname(target), { recursive: true });
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  const stream: WriteStream = createWriteStream(temp, { encoding: 'utf8' });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    stream.end();
    await once(stream, 'close');
  };
  return {
    async write(text) {
      if (!stream.write(text)) await once(stream, 'drain');
    },
    async commit() {
      await close();
      renameSync(temp, target);
    },
    abort() {
      if (!closed) {
        closed = true;
        stream.destroy();
      }
      rmSync(temp, { force: true });
    },
  };
}
