// Who is signed in: the principal (its role decides what the console shows) and the client that calls for it.
import { createContext, useContext } from 'react';
import { roleAllows, type Client, type Principal, type Role } from './api.ts';

export interface Session {
  principal: Principal;
  client: Client;
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** Whether the signed-in principal may use what needs `role`. */
export function useCan(role: Role): boolean {
  return roleAllows(useSession().principal.role, role);
}
