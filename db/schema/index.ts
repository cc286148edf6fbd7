export * from './access.ts';
export * from './settings.ts';
export * from './ops.ts';
export * from './registry.ts';
export * from './cover.ts';
export * from './claims.ts';
export * from './events.ts';
export * from './cards.ts';
