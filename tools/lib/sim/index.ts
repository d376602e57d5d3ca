/** The simulator (SIMULATION.md): scenario in, timeline out, through the deployed handlers. */

export { fireTimesBetween } from '../../../shared/config/cron';
export { Agenda, type Step } from './agenda';
export {
  deepMerge,
  formatProblems,
  type Problem,
  readDefaultConfig,
  readOperatorConfig,
  validateConfig,
} from './config';
export { type RunOptions, runSimulation, ScenarioInvalidError, type SimulationResult } from './run';
export { type PreparedScenario, prepareScenario, type Scenario, scenarioSchema } from './scenario';
export {
  compareSeq,
  formatSummary,
  type SimulationSummary,
  type TimelineRecord,
  toJsonLine,
} from './timeline';
