/**
 * The functions' environment, parsed once at first use and checked: a missing or malformed variable
 * fails the cold start with a message naming it, instead of surfacing later as `undefined`.
 */
import { z } from 'zod';
import { type Config, configSchema } from '../../shared/config/schema';

const envSchema = z.object({
  TABLE_NAME: z.string().min(1),
  EVENT_BUS_NAME: z.string().min(1),
  NOTIFICATIONS_TOPIC_ARN: z.string().min(1).optional(),
  AGING_QUEUE_URL: z.string().min(1).optional(),
  REMINDERS_QUEUE_URL: z.string().min(1).optional(),
  FAILED_DEBITS_QUEUE_URL: z.string().min(1).optional(),
  /** A delivery function's own queue: a message that must wait is made invisible there. */
  DELIVERY_QUEUE_URL: z.string().min(1).optional(),
  /** The SES configuration set the e-mail delivery function sends through. */
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  SENTINEL_CONFIG: z.string().min(2),
});
export type Env = z.infer<typeof envSchema> & { config: Config };

/** Parses `process.env` (or the given record); throws an error naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(parsed.data.SENTINEL_CONFIG);
  } catch {
    throw new Error('invalid environment: SENTINEL_CONFIG: expected JSON');
  }
  const config = configSchema.safeParse(raw);
  if (!config.success) {
    const problems = config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: SENTINEL_CONFIG: ${problems}`);
  }
  return { ...parsed.data, config: config.data };
}
