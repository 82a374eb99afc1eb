// Schemas (TypeBox) and types shared by the server and the web console. No Node or DOM APIs.
export * from './roles.js';
export * from './recording-modes.js';
export * from './schemas/common.js';
export * from './schemas/auth.js';
export * from './schemas/org.js';
export * from './schemas/audit.js';
export * from './schemas/recording-settings.js';
export * from './schemas/recordings.js';
export * from './schemas/forwarded-calls.js';
export * from './schemas/lifecycle.js';
export * from './schemas/telephony.js';
export * from './schemas/compliance-events.js';
export * from './schemas/sharing.js';
export * from './validate.js';
export * from './recording-settings-rules.js';
