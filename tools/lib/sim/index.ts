/** The simulator (SIMULATION.md): scenario in, timeline out, through the deployed handlers. */
export { type RunOptions, runSimulation, ScenarioInvalidError, type SimulationResult } from './run';
export type { TimelineRecord } from './timeline';
