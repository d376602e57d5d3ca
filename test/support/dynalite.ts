/** The embedded DynamoDB for adapter tests: dynalite in-process with the project's table. */
export { type EmbeddedDynamo, startEmbeddedDynamo } from '../../functions/lib/embedded-dynamo';
