/**
 * The cdk-nag findings this app accepts, each on the one resource it concerns, with the reason.
 * Anything not listed here fails the synth.
 */
import type { StatefulStack } from './stacks/stateful-stack';
import type { StatelessStack } from './stacks/stateless-stack';

export function acknowledgeFindings(_stacks: { stateful: StatefulStack; stateless: StatelessStack }): void {}
