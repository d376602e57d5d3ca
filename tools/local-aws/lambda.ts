/** The Lambda side of the kit: the deployed handlers, loaded on demand, and their invocation context. */
import type { Context } from 'aws-lambda';
import type { Job } from '../../shared/table-layout';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './names';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;
export type HandlerName = Job | 'dispatch' | 'intake';

/**
 * The five handlers of `functions/`. Imported here, when first needed, not at load: their Powertools
 * instances read the environment at import, and the kit sets it first.
 */
export async function loadHandlers(): Promise<Record<HandlerName, Handler>> {
  const [dispatch, aging, reminders, failedDebits, intake] = await Promise.all([
    import('../../functions/dispatch'),
    import('../../functions/aging'),
    import('../../functions/reminders'),
    import('../../functions/failed-debits'),
    import('../../functions/intake'),
  ]);
  return {
    dispatch: dispatch.handler as unknown as Handler,
    aging: aging.handler as unknown as Handler,
    reminders: reminders.handler as unknown as Handler,
    failedDebits: failedDebits.handler as unknown as Handler,
    intake: intake.handler as unknown as Handler,
  };
}

const FUNCTION_NAME = 'repayment-sentinel-local';

/**
 * A Lambda context with `requestId`. A local invocation never runs out of time unless told
 * (`remainingMs`: a worker then hands the rest of its work item back to its queue).
 */
export function lambdaContext(requestId: string, remainingMs = 900_000): Context {
  return {
    awsRequestId: requestId,
    functionName: FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${FUNCTION_NAME}`,
    memoryLimitInMB: '1024',
    logGroupName: `/aws/lambda/${FUNCTION_NAME}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
