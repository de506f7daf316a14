import { randomUUID } from 'node:crypto';

export const newRequestId = (): string => `req_${randomUUID().replaceAll('-', '')}`;
