/**
 * The local AWS kit: what runs the deployed handlers on one machine, for the simulator, the
 * benchmark, the soak and the handler tests. `LocalAws` (local-aws.ts) is the driver; see
 * docs/simulator.md for how it re-drives what fails.
 */
export {
  type CaptureSinks,
  capturingEventBridge,
  capturingSns,
  capturingSqs,
  UnsupportedCommandError,
} from './capture';
export { type EmbeddedDynamo, startEmbeddedDynamo } from './embedded-dynamo';
export { type BusEvent, ruleDelivery } from './eventbridge';
export { lambdaContext } from './lambda';
export { type FaultHook, LocalAws, type Redrives } from './local-aws';
export { LOCAL_CLIENT, LOCAL_EVENT_BUS, LOCAL_TOPIC_ARN } from './names';
export { quietPowertools } from './powertools';
export { DEPLOYED } from './settings';
export type { BatchAnswer } from './sqs';
