/**
 * The simulation run: the deployed handlers, driven through the local AWS kit, over the scenario's
 * days.
 *
 * Primary course:
 * 1. Validate the scenario and merge its configuration (every problem at once).
 * 2. Start the kit (embedded store, local SNS, EventBridge and queues) with the simulated clock and
 *    the step recorder as its sinks; register the portfolio at `start` 00:00.
 * 3. Take the agenda in time order (`runStep`): a job fire is a schedule firing dispatch; a scenario
 *    event goes on the bus, and through the intake queue to `intake`; a retry answer comes from the
 *    payment side. After each step the work queues are drained, and what the step made becomes
 *    timeline records.
 * 4. Read every installment back for its `final` record (`finalRecords`).
 */
import { fireTimesBetween } from '../../../shared/config/cron';
import { daysBetween } from '../../../shared/rules/calendar';
import type { NewInstallmentInput } from '../../../shared/rules/installment';
import type { Installment } from '../../../shared/rules/types';
import { JOBS } from '../../../shared/table-layout';
import { type FaultHook, LocalAws, type Redrives } from '../../local-aws';
import { Agenda, type Step } from './agenda';
import { busEvent } from './bus-events';
import { formatProblems, type Problem, readDefaultConfig } from './config';
import { PaymentSide } from './payment-side';
import { type Delivery, StepRecorder } from './recording';
import { type PreparedScenario, prepareScenario, type ScenarioEvent } from './scenario';
import {
  compareInstallments,
  type FinalRecord,
  finalRecord,
  type SimulationSummary,
  SummaryBuilder,
  type TimelineRecord,
} from './timeline';

export type { Delivery, Redrives };

export interface RunOptions {
  /** Called with every record as soon as it is final (in timeline order). */
  onRecord?: (record: TimelineRecord) => void;
  /** Keep the records in memory and return them (default true; `start` streams them instead). */
  keepTimeline?: boolean;
  /** Called after every step with the share of the span simulated so far (0..1). */
  onProgress?: (done: number) => void;
  /**
   * Inject faults and crashes into the handlers' AWS calls (`--faults`); what fails or dies is
   * re-driven as Scheduler, SQS and Lambda would (see docs/simulator.md).
   */
  faults?: FaultHook;
  /** Every SNS message and EventBridge event as it is delivered, repeats included. */
  onDelivery?: (delivery: Delivery) => void;
}

export interface SimulationResult {
  timeline: TimelineRecord[];
  summary: SimulationSummary;
  redrives: Redrives;
}

/** The scenario or its configuration is invalid: `problems` name every field at fault. */
export class ScenarioInvalidError extends Error {
  override name = 'ScenarioInvalidError';
  constructor(readonly problems: Problem[]) {
    super(`invalid scenario:\n${formatProblems(problems).join('\n')}`);
  }
}

/**
 * Runs a scenario (the SIMULATION.md format, as parsed JSON, over `config/default.json`) through the
 * real handlers, in process.
 * Throws {@link ScenarioInvalidError} when the scenario or its merged configuration is invalid.
 *
 * @example
 * const { timeline, summary } = await runSimulation(JSON.parse(readFileSync('case.json', 'utf8')));
 */
export async function runSimulation(scenario: unknown, opts: RunOptions = {}): Promise<SimulationResult> {
  const prepared = prepareScenario(scenario, readDefaultConfig());
  if (!prepared.ok) throw new ScenarioInvalidError(prepared.problems);
  return runPrepared(prepared.prepared, opts);
}

/** Runs a validated scenario (see {@link runSimulation}). */
export async function runPrepared(
  prepared: PreparedScenario,
  opts: RunOptions = {},
): Promise<SimulationResult> {
  const { scenario, config, span } = prepared;
  const timeline: TimelineRecord[] = [];
  const summary = new SummaryBuilder();
  summary.counters.days = daysBetween(scenario.start, scenario.end) + 1;
  const emit = (record: TimelineRecord, inst?: Installment) => {
    summary.add(record, inst);
    if (opts.keepTimeline ?? true) timeline.push(record);
    opts.onRecord?.(record);
  };
  const agenda = agendaOf(prepared);
  const payments = new PaymentSide(prepared, agenda);
  const recorder = new StepRecorder(opts.onDelivery);
  let now = span.from;
  const aws = await LocalAws.start({
    config,
    tableName: `sim-${scenario.start}`,
    audit: recorder.audit,
    clock: () => now,
    requestIds: 'sim',
    ...(opts.faults ? { faults: opts.faults } : {}),
    observe: {
      published: (_topic, entries) => recorder.published(entries),
      putEvents: (entries) => {
        for (const d of recorder.putEvents(entries))
          if (d.kind === 'event' && d.detailType === 'DebitRetryRequested') payments.requested(d.detail, now);
      },
    },
  });
  try {
    await registerScenario(aws, prepared);
    const step = stepRunner(aws, prepared, payments, summary);
    const from = Date.parse(span.from);
    for (let next = agenda.take(); next; next = agenda.take()) {
      now = next.at;
      await step(next);
      await aws.drainWork();
      for (const record of recorder.take(now, config.timeZone)) emit(record);
      opts.onProgress?.(Math.min(1, (Date.parse(now) - from) / (Date.parse(span.to) - from)));
    }
    for (const { record, inst } of await finalRecords(aws, prepared)) emit(record, inst);
    const redrives = aws.redrives;
    summary.counters.deadLettered = { ...redrives.deadLettered };
    return { timeline, summary: summary.build(), redrives };
  } finally {
    await aws.stop();
  }
}

/** Every fire time of every job's schedules in the span, and every scenario event. */
function agendaOf({ config, span, eventInstants }: PreparedScenario): Agenda {
  const agenda = new Agenda();
  for (const job of JOBS)
    for (const expr of config.schedules[job])
      for (const at of fireTimesBetween(expr, config.timeZone, span.from, span.to))
        agenda.add({ kind: 'job', at, job });
  for (const [index, at] of eventInstants.entries()) agenda.add({ kind: 'event', at, index });
  return agenda;
}

/** The scenario's borrowers and installments, registered at `start` 00:00 (profile version 1). */
async function registerScenario(aws: LocalAws, { scenario, span }: PreparedScenario): Promise<void> {
  await aws.registerPortfolio(
    scenario.borrowers.map((b) => ({
      borrowerId: b.borrowerId,
      creditScore: b.creditScore,
      locale: b.locale ?? 'zh-CN',
      contacts: b.contacts ?? {},
      consents: b.consents ?? {},
      lastFailedDebitOn: null,
    })),
    scenario.installments.map((i): NewInstallmentInput => ({ ...i })),
    span.from,
  );
}

/** What each kind of agenda step does, counted in the summary. */
function stepRunner(
  aws: LocalAws,
  prepared: PreparedScenario,
  payments: PaymentSide,
  summary: SummaryBuilder,
) {
  const counters = summary.counters;
  const countDebit = (outcome: string) => counters.debits[outcome === 'FAILED' ? 'failed' : 'succeeded']++;
  return async (step: Step): Promise<void> => {
    switch (step.kind) {
      case 'job':
        counters.steps.jobRuns++;
        return aws.dispatch(step.job, step.at);
      case 'event': {
        counters.steps.events++;
        const event = prepared.scenario.events[step.index] as ScenarioEvent;
        if (event.type === 'debit') {
          countDebit(event.outcome);
          payments.noteResult(event.loanId, event.seq, event.reason);
        }
        await aws.putEvent(busEvent(event, step.at, prepared.config.timeZone));
        return;
      }
      case 'retryAnswer':
        counters.steps.retryAnswers++;
        counters.retries[step.outcome === 'SUCCEEDED' ? 'answeredSucceeded' : 'answeredFailed']++;
        countDebit(step.outcome);
        await aws.putEvent(payments.answer(step));
        return;
    }
  };
}

/** The `final` record of every scenario installment, and of the parts of those split, in order. */
async function finalRecords(aws: LocalAws, { scenario, config }: PreparedScenario) {
  const { installments } = aws.runtime.deps;
  const finals: { record: FinalRecord; inst: Installment }[] = [];
  const readBack = async (loanId: string, seq: string): Promise<void> => {
    const inst = await installments.getInstallment(loanId, seq);
    if (!inst)
      throw new Error(`installment ${loanId}/${seq} is missing from the store at the end of the run`);
    finals.push({ record: finalRecord(inst, scenario.end, config), inst });
    if (inst.status === 'RESTRUCTURED')
      for (const part of await installments.getParts(loanId, seq)) await readBack(part.loanId, part.seq);
  };
  for (const inst of scenario.installments) await readBack(inst.loanId, String(inst.seq));
  return finals.sort((a, b) => compareInstallments(a.record, b.record));
}
