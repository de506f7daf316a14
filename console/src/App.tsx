// The console's shell: sign-in with a principal's token, then the pages its role may see, by the URL's hash.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { createClient, whoAmI, type Principal, type Role, roleAllows } from './api.ts';
import { SessionContext, type Session } from './session.tsx';
import { ErrorNote } from './ui.tsx';
import { Overview } from './pages/Overview.tsx';
import { Customers } from './pages/Customers.tsx';
import { Customer } from './pages/Customer.tsx';
import { Vetting } from './pages/Vetting.tsx';
import { Catalogue } from './pages/Catalogue.tsx';
import { Policy } from './pages/Policy.tsx';
import { Money } from './pages/Money.tsx';
import { Abuse } from './pages/Abuse.tsx';
import { Provenance } from './pages/Provenance.tsx';
import { Audit } from './pages/Audit.tsx';
import { Principals } from './pages/Principals.tsx';

const TOKEN_KEY = 'conduit.console.token';

interface PageDef {
  path: string;
  title: string;
  /** The role a page needs to be shown (most pages read what any role may read; principals are the admin's). */
  role: Role;
}

const PAGES: PageDef[] = [
  { path: 'overview', title: 'Overview', role: 'viewer' },
  { path: 'customers', title: 'Customers', role: 'viewer' },
  { path: 'vetting', title: 'Vetting queue', role: 'viewer' },
  { path: 'catalogue', title: 'Catalogue and routing', role: 'viewer' },
  { path: 'policy', title: 'Policy', role: 'viewer' },
  { path: 'money', title: 'Money', role: 'viewer' },
  { path: 'abuse', title: 'Abuse', role: 'viewer' },
  { path: 'provenance', title: 'Provenance', role: 'viewer' },
  { path: 'audit', title: 'Audit', role: 'viewer' },
  { path: 'principals', title: 'Principals', role: 'admin' },
];

function useHashRoute(): string[] {
  const read = () =>
    window.location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function SignIn({ onSignedIn, notice }: { onSignedIn(token: string, principal: Principal): void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(token.trim(), await whoAmI(token.trim()));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>Conduit console</h1>
        <p className="muted">
          Sign in with the token of an admin principal (<code>conduit principals create</code>) or the gateway's admin
          token.
        </p>
        {notice && (
          <p className="state error" role="alert">
            {notice}
          </p>
        )}
        <label htmlFor="token">Admin token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          required
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {error !== undefined && <ErrorNote error={error} title="Sign-in refused" />}
      </form>
    </main>
  );
}

export function App() {
  const [auth, setAuth] = useState<{ token: string; principal: Principal } | null>(null);
  const [checking, setChecking] = useState(() => sessionStorage.getItem(TOKEN_KEY) !== null);
  const [notice, setNotice] = useState<string>();
  const route = useHashRoute();

  const signOut = useCallback((message?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setAuth(null);
    setNotice(message);
  }, []);

  // A token kept from earlier in this tab is checked again: it may have been revoked since.
  useEffect(() => {
    const kept = sessionStorage.getItem(TOKEN_KEY);
    if (!kept) return;
    whoAmI(kept)
      .then(
        (principal) => setAuth({ token: kept, principal }),
        (err: Error) => signOut(`Your session ended: ${err.message}`),
      )
      .finally(() => setChecking(false));
  }, [signOut]);

  const session: Session | null = useMemo(
    () =>
      auth && {
        principal: auth.principal,
        client: createClient(auth.token, (err) => signOut(`Your session ended: ${err.message}`)),
        signOut,
      },
    [auth, signOut],
  );

  if (checking) return <p className="state loading">Checking your session…</p>;
  if (!session)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(token, principal) => {
          sessionStorage.setItem(TOKEN_KEY, token);
          setNotice(undefined);
          setAuth({ token, principal });
        }}
      />
    );

  const pages = PAGES.filter((p) => roleAllows(session.principal.role, p.role));
  const [page = 'overview', ...rest] = route;
  return (
    <SessionContext.Provider value={session}>
      <div className="shell">
        <header className="topbar">
          <a className="brand" href="#/overview">
            Conduit
          </a>
          <span className="who">
            {session.principal.name} · <span className="role">{session.principal.role}</span>
          </span>
          <button type="button" className="link" onClick={() => signOut()}>
            Sign out
          </button>
        </header>
        <nav aria-label="Pages">
          <ul>
            {pages.map((p) => (
              <li key={p.path}>
                <a href={`#/${p.path}`} aria-current={p.path === page ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="content">
          {PAGES.some((p) => p.path === page) && !pages.some((p) => p.path === page) ? (
            <ErrorNote
              error={new Error(`Your role (${session.principal.role}) may not use this page.`)}
              title="Not for this role"
            />
          ) : (
            renderPage(page, rest)
          )}
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function renderPage(page: string, rest: string[]) {
  switch (page) {
    case 'overview':
      return <Overview />;
    case 'customers':
      return rest[0] ? <Customer id={rest[0]} /> : <Customers />;
    case 'vetting':
      return <Vetting />;
    case 'catalogue':
      return <Catalogue />;
    case 'policy':
      return <Policy />;
    case 'money':
      return <Money />;
    case 'abuse':
      return <Abuse />;
    case 'provenance':
      return <Provenance />;
    case 'audit':
      return <Audit />;
    case 'principals':
      return <Principals />;
    default:
      return <ErrorNote error={new Error(`There is no page '${page}'.`)} title="Not found" />;
  }
}
