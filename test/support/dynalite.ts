/** The embedded DynamoDB for adapter tests: dynalite in-process with the project's table. */
export { type EmbeddedDynamo, startEmbeddedDynamo } from '../../tools/local-aws/embedded-dynamo';
