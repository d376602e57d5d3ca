/**
 * The local AWS kit: what runs the deployed handlers on one machine, for the simulator, the
 * benchmark, the soak and the handler tests. See local-aws.ts for the driver, docs/simulator.md for
 * how it re-drives what fails.
 */
export {
  type CaptureOptions,
  type CaptureSinks,
  capturingEventBridge,
  capturingSns,
  capturingSqs,
  UnsupportedCommandError,
} from './capture';
export { type EmbeddedDynamo, startEmbeddedDynamo } from './embedded-dynamo';
export { type BusEvent, ruleDelivery } from './eventbridge';
export { type Handler, lambdaContext } from './lambda';
export {
  type DrainOptions,
  type FaultHook,
  LocalAws,
  type LocalAwsOptions,
  type LocalTable,
  type Redrives,
} from './local-aws';
export { LOCAL_CLIENT, LOCAL_EVENT_BUS, LOCAL_QUEUES, LOCAL_TOPIC_ARN } from './names';
export { QUIET_ENV, quietPowertools } from './powertools';
export { awsTime } from './scheduler';
export { DEPLOYED, RUNBOOK_REDRIVES } from './settings';
export { type BatchAnswer, sqsEvent } from './sqs';
