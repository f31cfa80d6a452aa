export * from './contract';
export * from './canonical';
export * from './api/common';
export * from './api/bundle';
export * from './api/drift';
export * from './api/analytics';
export * from './api/workspace';
