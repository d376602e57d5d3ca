/**
 * A tiny progress bar on stderr, drawn only when stderr is a terminal (so logs and pipes stay clean).
 */
export interface Progress {
  update(done: number, label?: string): void;
  done(): void;
}

const WIDTH = 30;
const silent: Progress = { update: () => undefined, done: () => undefined };

/** A bar redrawn at most every 100 ms: `[██████░░░░] 60% 2026-12-19`. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr, title = 'simulating'): Progress {
  if (!stream.isTTY) return silent;
  let last = 0;
  let drawn = false;
  const draw = (done: number, label: string) => {
    const filled = Math.round(done * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    stream.write(`\r${title} [${bar}] ${String(Math.floor(done * 100)).padStart(3)}% ${label}\u001b[K`);
    drawn = true;
  };
  return {
    update(done, label = '') {
      const t = performance.now();
      if (t - last < 100 && done < 1) return;
      last = t;
      draw(Math.max(0, Math.min(1, done)), label);
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
