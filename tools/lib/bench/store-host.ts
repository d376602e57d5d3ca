/**
 * The embedded store's own process: dynalite (in memory) with the project's table, on a free
 * loopback port. The benchmark hosts it apart from the measured runs so that their peak RSS is
 * theirs alone (the store holds the whole table), and so that the store and the run each have a core.
 * Protocol (IPC): sends `{ endpoint, tableName }` once ready; exits on `'stop'`.
 */
import { startEmbeddedDynamo } from '../../local-aws/embedded-dynamo';

const db = await startEmbeddedDynamo();
process.send?.({ endpoint: db.endpoint, tableName: db.tableName });
process.on('message', async (message) => {
  if (message !== 'stop') return;
  await db.stop();
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));
