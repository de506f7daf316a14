// The price book and its versions, list prices and vendor costs per million tokens; finance opens a new version.
import { useState } from 'react';
import { money } from '../../format.ts';
import { useCan } from '../../session.tsx';
import { Async, Section, useApi } from '../../ui.tsx';
import { NewPriceVersion } from './PriceVersion.tsx';

type Rates = {
  input?: string;
  cached_input?: string;
  cache_write?: string;
  cache_write_1h?: string;
  output?: string;
  reasoning?: string;
};
interface PriceBook {
  version: number;
  book: {
    currency: string;
    versions: Array<{
      effective_from: string;
      effective_to?: string;
      list_prices: Array<Rates & { model: string; tier?: string }>;
      vendor_costs: Array<Rates & { deployment: string; model?: string }>;
    }>;
  };
  unpriced?: Array<{ message: string }>;
}

const perMillion = (micros: string | undefined, currency: string) =>
  micros === undefined ? '—' : money(micros, currency);

export function PriceBookView() {
  const pricing = useApi<PriceBook>('/pricing');
  const canEdit = useCan('finance');
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string>();
  return (
    <Section
      title="Price book"
      actions={
        canEdit &&
        pricing.data && (
          <button
            type="button"
            className="secondary"
            aria-expanded={editing}
            onClick={() => {
              setEditing(!editing);
              setSaved(undefined);
            }}
          >
            {editing ? 'Close the new version' : 'New price version'}
          </button>
        )
      }
    >
      {editing && pricing.data && (
        <NewPriceVersion
          pricing={pricing.data}
          onSaved={(message) => {
            setSaved(message);
            setEditing(false);
            pricing.reload();
          }}
        />
      )}
      {saved && (
        <p className="state ok" role="status">
          {saved}
        </p>
      )}
      <Async result={pricing} what="the price book">
        {(p) => (
          <>
            <p className="muted">
              Book version {p.version}, {p.book.currency}, per million tokens.
            </p>
            {p.unpriced?.map((u) => (
              <p key={u.message} className="state error">
                {u.message}
              </p>
            ))}
            {p.book.versions.map((v) => (
              <details key={v.effective_from} open={v === p.book.versions.at(-1)}>
                <summary>
                  From {v.effective_from}
                  {v.effective_to ? ` to ${v.effective_to}` : ''}: {v.list_prices.length} list prices,{' '}
                  {v.vendor_costs.length} vendor costs
                </summary>
                <div className="table-wrap">
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Model</th>
                        <th scope="col">Tier</th>
                        <th scope="col" className="num">
                          Input
                        </th>
                        <th scope="col" className="num">
                          Cached input
                        </th>
                        <th scope="col" className="num">
                          Cache write
                        </th>
                        <th scope="col" className="num">
                          Cache write (1 h)
                        </th>
                        <th scope="col" className="num">
                          Output
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.list_prices.map((l) => (
                        <tr key={`${l.model}-${l.tier ?? 'all'}`}>
                          <td>{l.model}</td>
                          <td>{l.tier ?? 'all'}</td>
                          <td className="num">{perMillion(l.input, p.book.currency)}</td>
                          <td className="num">{perMillion(l.cached_input, p.book.currency)}</td>
                          <td className="num">{perMillion(l.cache_write, p.book.currency)}</td>
                          <td className="num">{perMillion(l.cache_write_1h, p.book.currency)}</td>
                          <td className="num">{perMillion(l.output, p.book.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                  <table aria-label={`Vendor costs from ${v.effective_from}`}>
                    <thead>
                      <tr>
                        <th scope="col">Deployment</th>
                        <th scope="col">Model</th>
                        <th scope="col" className="num">
                          Input cost
                        </th>
                        <th scope="col" className="num">
                          Cached input cost
                        </th>
                        <th scope="col" className="num">
                          Cache write cost
                        </th>
                        <th scope="col" className="num">
                          Cache write (1 h) cost
                        </th>
                        <th scope="col" className="num">
                          Output cost
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {v.vendor_costs.map((c) => (
                        <tr key={`${c.deployment}-${c.model ?? 'all'}`}>
                          <td>{c.deployment}</td>
                          <td>{c.model ?? 'all'}</td>
                          <td className="num">{perMillion(c.input, p.book.currency)}</td>
                          <td className="num">{perMillion(c.cached_input, p.book.currency)}</td>
                          <td className="num">{perMillion(c.cache_write, p.book.currency)}</td>
                          <td className="num">{perMillion(c.cache_write_1h, p.book.currency)}</td>
                          <td className="num">{perMillion(c.output, p.book.currency)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </details>
            ))}
          </>
        )}
      </Async>
    </Section>
  );
}
