// A webhook's recent deliveries and its dead letters: what was sent where, how many attempts,
// what the receiver said; a dead one is sent again on the admin's word (not one of a removed
// webhook). The dead letters are asked for apart, so old ones show behind a busy stream.
// Refreshed every few seconds while shown, since deliveries move on their own.
import { useEffect } from 'react';
import type { AdminWebhook, WebhookDelivery } from '../../../contracts/integrators.api.ts';
import { Button } from '../components/ui/button.tsx';
import { getDeliveries, retryDelivery } from './api.ts';
import { Empty, ErrorText, LoadError, Loading, useAction, useLoad, when } from './parts.tsx';

const STATUS: Record<WebhookDelivery['status'], string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  dead: 'Dead',
};
const REFRESH_MS = 3000;

export function WebhookDeliveries({ hooks }: { hooks: AdminWebhook[] }) {
  const deliveries = useLoad(getDeliveries);
  const action = useAction();
  const { reload } = deliveries;
  useEffect(() => {
    const timer = setInterval(() => void reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const nameOf = (id: string) => hooks.find((h) => h.id === id)?.name ?? id;
  const rows = deliveries.data?.recent ?? [];
  const dead = deliveries.data?.dead ?? [];
  const active = (id: string) => hooks.some((h) => h.id === id && h.status === 'active');

  const retry = async (d: WebhookDelivery) => {
    if (await action.run('retry', () => retryDelivery(d.id))) await reload();
  };

  const table = (list: WebhookDelivery[], label: string, testId: string) => (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="text-xs text-muted-foreground">
          <tr>
            {['Webhook', 'Event', 'Status', 'Attempts', 'Last answer', 'At'].map((h) => (
              <th key={h} scope="col" className="py-2 pr-3 font-medium">
                {h}
              </th>
            ))}
            <th scope="col" className="py-2 font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr key={d.id} className="border-t" data-testid={testId} data-status={d.status}>
              <td className="py-2 pr-3">{nameOf(d.webhookId)}</td>
              <td className="py-2 pr-3">
                <span className="font-mono text-xs">{d.eventId}</span> {d.type.split('.').at(-1)}
              </td>
              <td className="py-2 pr-3">{STATUS[d.status]}</td>
              <td className="py-2 pr-3">{d.attempts}</td>
              <td className="py-2 pr-3">{d.lastError ?? (d.lastStatus ? `HTTP ${d.lastStatus}` : '—')}</td>
              <td className="py-2 pr-3">{when(d.deliveredAt ?? d.createdAt)}</td>
              <td className="py-2 text-right">
                {d.status === 'dead' && active(d.webhookId) && (
                  <Button
                    variant="outline"
                    size="sm"
                    data-requires="integration.manage"
                    disabled={action.busy !== null}
                    onClick={() => void retry(d)}
                  >
                    Retry<span className="sr-only"> delivery {d.eventId}</span>
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

  return (
    <div className="mt-6 flex flex-col gap-4">
      <ErrorText message={action.error} />
      {deliveries.error && !deliveries.data && (
        <LoadError message={deliveries.error} onRetry={() => void reload()} />
      )}
      {!deliveries.data && !deliveries.error && <Loading what="the deliveries" />}
      {deliveries.data && (
        <>
          <section aria-labelledby="webhook-dead-title" className="flex flex-col gap-2">
            <h3 id="webhook-dead-title" className="font-medium">
              Dead letters
            </h3>
            <p className="text-sm text-muted-foreground">
              Deliveries whose attempts are spent. Retry sends one again once the receiver is back.
            </p>
            {dead.length === 0 ? <Empty>No dead letters.</Empty> : table(dead, 'Dead letters', 'dead-row')}
          </section>
          <section aria-labelledby="webhook-recent-title" className="flex flex-col gap-2">
            <h3 id="webhook-recent-title" className="font-medium">
              Recent deliveries
            </h3>
            {rows.length === 0 ? (
              <Empty>Nothing delivered yet.</Empty>
            ) : (
              table(rows.slice(0, 50), 'Recent deliveries', 'delivery-row')
            )}
          </section>
        </>
      )}
    </div>
  );
}
