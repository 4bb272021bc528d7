export * from './enums.ts'
export * from './schemas.ts'
export * from './labels.ts'
