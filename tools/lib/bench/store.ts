/**
 * The embedded store of the benchmark: started (in its own process, or in this one), seeded through
 * the data layer's batch writes, and put back to its start state after a run changed it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoBorrowerStore, DynamoInstallmentStore } from '../../../functions/adapters/dynamodb';
import { mapLimit } from '../../../functions/use-cases/concurrency';
import { createDocumentClient } from '../../../functions/wiring/aws-clients';
import type { Config } from '../../../shared/config/schema';
import type { NextActionDates } from '../../../shared/rules/next-actions';
import type { Borrower, Installment } from '../../../shared/rules/types';
import type { Job } from '../../../shared/table-layout';
import { LOCAL_CLIENT, quietPowertools, startEmbeddedDynamo } from '../../local-aws';
import type { WrittenKey } from './aws-counting';
import { type BenchPortfolio, type Bundle, borrowerIndexOfBorrower, borrowerIndexOfLoan } from './portfolio';

export interface BenchStore {
  endpoint: string;
  tableName: string;
  doc: DynamoDBDocumentClient;
  /** CPU milliseconds the store's process has used so far (null when it runs in this process). */
  cpuMs(): number | null;
  stop(): Promise<void>;
}

/**
 * Forks a TypeScript module of this folder under tsx, with IPC and quiet Powertools (the handlers'
 * modules read the environment at load).
 */
export function forkTs(module: string): ChildProcess {
  return fork(fileURLToPath(new URL(module, import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: quietPowertools({ ...process.env }),
    // The child's stdout goes to our stderr: our stdout holds the report only.
    stdio: ['ignore', 2, 2, 'ipc'],
  });
}

function clientFor(endpoint: string): DynamoDBDocumentClient {
  return createDocumentClient(new DynamoDBClient({ ...LOCAL_CLIENT, endpoint }));
}

/**
 * Starts dynalite with the project's table: in a child process (the default: the measured runs'
 * RSS is then theirs alone, and store and run each get a core) or in this process.
 */
export async function startStore(opts: { inProcess?: boolean } = {}): Promise<BenchStore> {
  if (opts.inProcess) {
    const db = await startEmbeddedDynamo();
    return {
      endpoint: db.endpoint,
      tableName: db.tableName,
      doc: db.doc,
      cpuMs: () => null,
      stop: () => db.stop(),
    };
  }
  const child = forkTs('./store-host.ts');
  const ready = await new Promise<{ endpoint: string; tableName: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { endpoint: string; tableName: string }));
    child.once('exit', (code) => reject(new Error(`the store process exited (${code}) before it was ready`)));
  });
  const doc = clientFor(ready.endpoint);
  return {
    ...ready,
    doc,
    cpuMs: () => processCpuMs(child.pid),
    stop: async () => {
      doc.destroy();
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      });
    },
  };
}

/** User + system CPU of a process, from /proc (Linux); null where unavailable. */
function processCpuMs(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Math.round((ticks * 1000) / CLOCK_TICKS);
  } catch {
    return null;
  }
}
/** `getconf CLK_TCK` on Linux. */
const CLOCK_TICKS = 100;

/** Which borrower indices hold what: the base book, then (growth) the extra quiet installments. */
export class BookLayout {
  /** Borrowers of the base book. */
  readonly baseBorrowers: number;
  extraInstallments = 0;
  constructor(
    readonly portfolio: BenchPortfolio,
    readonly baseInstallments: number,
  ) {
    this.baseBorrowers = portfolio.borrowersFor(baseInstallments);
  }
  get extraBorrowers(): number {
    return this.portfolio.borrowersFor(this.extraInstallments);
  }
  get installments(): number {
    return this.baseInstallments + this.extraInstallments;
  }

  /** The start state of borrower `b` and their installments. */
  bundle(b: number): Bundle {
    const per = this.portfolio.perBorrower;
    if (b < this.baseBorrowers) {
      const count = b === this.baseBorrowers - 1 ? this.baseInstallments - per * b : per;
      return this.portfolio.bundle(b, { count });
    }
    const e = b - this.baseBorrowers;
    const count = e === this.extraBorrowers - 1 ? this.extraInstallments - per * e : per;
    return this.portfolio.bundle(b, { count, quietOnly: true });
  }
}

/** Seeding figures: how long it took and what the day's work is on the job indexes. */
export interface SeedReport {
  installments: number;
  borrowers: number;
  ms: number;
  /** Installments whose next action date for each job is the benchmark day (read that day). */
  indexedForDay: Record<Job, number>;
  /** Installments with any job on the benchmark day. */
  dueItems: number;
  /** Installments whose due date is the benchmark day (the day's due cohort, for scaling). */
  dueToday: number;
  byStatus: Record<string, number>;
}

const CHUNK_BORROWERS = 1_000;

/**
 * Writes borrowers `from..to-1` with the data layer's bulk loads (`putBorrowers`, `putInstallments`:
 * BatchWriteItem, 25 items a call, many calls in flight), streaming a chunk at a time.
 */
export async function seedRange(
  store: BenchStore,
  layout: BookLayout,
  config: Config,
  from: number,
  to: number,
  day: string,
): Promise<SeedReport> {
  const started = performance.now();
  const batch = { concurrency: 16 };
  const installments = new DynamoInstallmentStore(store.doc, store.tableName, config, { batch });
  const borrowers = new DynamoBorrowerStore(store.doc, store.tableName, { batch });
  const report: SeedReport = {
    installments: 0,
    borrowers: 0,
    ms: 0,
    indexedForDay: { aging: 0, reminders: 0, failedDebits: 0 },
    dueItems: 0,
    dueToday: 0,
    byStatus: {},
  };
  for (let start = from; start < to; start += CHUNK_BORROWERS) {
    const bundles: Bundle[] = [];
    for (let b = start; b < Math.min(to, start + CHUNK_BORROWERS); b++) bundles.push(layout.bundle(b));
    const items = bundles.flatMap((bundle) => bundle.installments.map(({ inst, next }) => ({ inst, next })));
    await Promise.all([
      borrowers.putBorrowers(bundles.map((bundle) => bundle.borrower)),
      installments.putInstallments(items),
    ]);
    report.borrowers += bundles.length;
    report.installments += items.length;
    for (const { inst, next } of items) {
      report.byStatus[inst.status] = (report.byStatus[inst.status] ?? 0) + 1;
      let due = false;
      for (const job of Object.keys(report.indexedForDay) as Job[]) {
        if (next[job] === day) {
          report.indexedForDay[job]++;
          due = true;
        }
      }
      if (due) report.dueItems++;
      if (inst.dueDate === day) report.dueToday++;
    }
  }
  report.ms = performance.now() - started;
  return report;
}

/**
 * Puts the store back to its start state after a run: every installment and borrower profile the run
 * wrote is written again as seeded; every other item it wrote (claims, caps, the dispatch log) is
 * deleted. Returns the number of items restored and deleted.
 */
export async function restore(
  store: BenchStore,
  layout: BookLayout,
  config: Config,
  written: WrittenKey[],
): Promise<{ restored: number; deleted: number }> {
  const seen = new Set<string>();
  const installments: { inst: Installment; next: NextActionDates }[] = [];
  const profiles: Borrower[] = [];
  const deletes: WrittenKey[] = [];
  const bundles = new Map<number, Bundle>();
  const bundleOf = (b: number) => {
    let bundle = bundles.get(b);
    if (!bundle) {
      bundle = layout.bundle(b);
      bundles.set(b, bundle);
    }
    return bundle;
  };
  for (const key of written) {
    const id = `${key.PK}\u0000${key.SK}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const loan = key.PK.startsWith('LOAN#') ? borrowerIndexOfLoan(key.PK.slice(5)) : null;
    if (loan !== null && key.SK.startsWith('INST#')) {
      const seq = Number(key.SK.slice(5));
      const original = bundleOf(loan).installments[seq - 1];
      if (original) {
        installments.push({ inst: original.inst, next: original.next });
        continue;
      }
    }
    const borrower = key.PK.startsWith('BORROWER#') ? borrowerIndexOfBorrower(key.PK.slice(9)) : null;
    if (borrower !== null && key.SK === 'PROFILE') {
      profiles.push(bundleOf(borrower).borrower);
      continue;
    }
    deletes.push(key);
  }
  const batch = { concurrency: 16 };
  await new DynamoInstallmentStore(store.doc, store.tableName, config, { batch }).putInstallments(
    installments,
  );
  await new DynamoBorrowerStore(store.doc, store.tableName, { batch }).putBorrowers(profiles);
  const chunks: WrittenKey[][] = [];
  for (let i = 0; i < deletes.length; i += 25) chunks.push(deletes.slice(i, i + 25));
  await mapLimit(chunks, 16, async (chunk) => {
    let requests = chunk.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0 && attempt < 10; attempt++) {
      const out = await store.doc.send(
        new BatchWriteCommand({ RequestItems: { [store.tableName]: requests } }),
      );
      requests = (out.UnprocessedItems?.[store.tableName] ?? []) as typeof requests;
    }
    if (requests.length > 0) throw new Error(`restore: ${requests.length} deletes left unprocessed`);
  });
  return { restored: installments.length + profiles.length, deleted: deletes.length };
}
