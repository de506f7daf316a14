// Starts the fingerprint writer thread under tsx (workers do not inherit the main thread's loader).
import { register } from 'tsx/esm/api';

register();
await import('./fingerprint-worker.ts');
