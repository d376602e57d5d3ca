/**
 * The ports the use cases need from the world, in the domain's words: storage, messaging and the
 * audit log. Adapters under `functions/adapters/` implement them; tests and the simulator may pass
 * other implementations.
 */
export * from './audit';
export * from './messaging';
export * from './storage';
