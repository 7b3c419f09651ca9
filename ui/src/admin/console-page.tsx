// The admin console: people and invites, family settings, the assistant's prompts, read models, dead letters, the
// streams (figures, consumers, events, time travel), the audit log, integrators' API keys and
// webhooks, the assistant's usage, settings and children's conversations. Only admins are
// offered it; anyone else who opens its URL is told why they cannot use it.
import {
  Activity,
  Bot,
  ChartColumn,
  Database,
  Gauge,
  History,
  Inbox,
  KeyRound,
  ListTree,
  MessageSquareText,
  ScrollText,
  Settings,
  Users,
  Webhook,
} from 'lucide-react';
import type { MouseEvent, ReactNode } from 'react';
import type { User } from '../identity/api.ts';
import { type Grant, usePermissions } from '../identity/permissions.tsx';
import { navigate } from '../lib/route.ts';
import { PageTitle } from '../lib/title.ts';
import { cn } from '../lib/utils.ts';
import { AggregateScreen } from './aggregate.tsx';
import { AssistantSettingsScreen } from './assistant-settings.tsx';
import { AssistantTranscriptsScreen } from './assistant-transcripts.tsx';
import { AssistantUsageScreen } from './assistant-usage.tsx';
import { AuditScreen } from './audit.tsx';
import { BrowseScreen } from './browse.tsx';
import { ConsumersScreen } from './consumers.tsx';
import { DeadLettersScreen } from './dead-letters.tsx';
import { KeysScreen } from './keys.tsx';
import { PeopleScreen } from './people.tsx';
import { PromptsScreen } from './prompts.tsx';
import { ReadModelsScreen } from './read-models.tsx';
import { RowsScreen } from './rows.tsx';
import { SettingsScreen } from './settings.tsx';
import { StreamsScreen } from './streams.tsx';
import { WebhooksScreen } from './webhooks.tsx';

/** Whether a path is one of the console's. */
export const isConsolePath = (path: string) => path === '/admin' || path.startsWith('/admin/');

/** A link that moves within the page instead of loading it again. */
const go = (to: string) => (e: MouseEvent) => {
  e.preventDefault();
  navigate(to);
};

/** `within`: a page reached from another tab's, not listed itself (that tab shows as current). */
type Tab = { path: string; label: string; icon: ReactNode; requires: Grant; within?: string };

const TABS: Tab[] = [
  { path: '/admin', label: 'People', icon: <Users />, requires: 'user.list' },
  { path: '/admin/settings', label: 'Family settings', icon: <Settings />, requires: 'family.manage' },
  {
    path: '/admin/prompts',
    label: 'Assistant prompts',
    icon: <MessageSquareText />,
    requires: 'assistant.manage',
  },
  { path: '/admin/read-models', label: 'Read models', icon: <Activity />, requires: 'readModel.read' },
  {
    path: '/admin/read-models/rows',
    label: 'Read model rows',
    icon: <Activity />,
    requires: 'stream.inspect',
    within: '/admin/read-models',
  },
  { path: '/admin/dead-letters', label: 'Dead letters', icon: <Inbox />, requires: 'deadLetter.read' },
  { path: '/admin/streams', label: 'Streams', icon: <Database />, requires: 'stream.read' },
  { path: '/admin/consumers', label: 'Consumers', icon: <Gauge />, requires: 'readModel.read' },
  { path: '/admin/browse', label: 'Browse events', icon: <ListTree />, requires: 'stream.inspect' },
  { path: '/admin/aggregate', label: 'Time travel', icon: <History />, requires: 'stream.inspect' },
  { path: '/admin/audit', label: 'Audit log', icon: <ScrollText />, requires: 'audit.read' },
  { path: '/admin/keys', label: 'API keys', icon: <KeyRound />, requires: 'integration.manage' },
  { path: '/admin/webhooks', label: 'Webhooks', icon: <Webhook />, requires: 'integration.manage' },
  { path: '/admin/assistant', label: 'Assistant usage', icon: <ChartColumn />, requires: 'assistant.manage' },
  {
    path: '/admin/assistant/settings',
    label: 'Assistant settings',
    icon: <Bot />,
    requires: 'assistant.manage',
  },
  {
    path: '/admin/assistant/children',
    label: 'Children’s conversations',
    icon: <MessageSquareText />,
    requires: 'assistant.manage',
  },
];

export function ConsolePage({ me, path }: { me: User; path: string }) {
  const { loaded, can } = usePermissions();
  const allowed = can('user.list');
  const tabs = TABS.filter((t) => !t.within && can(t.requires));
  const tab = TABS.find(
    (t) => t.path === path.replace(/\/+$/, '') || (t.path === '/admin' && path === '/admin/'),
  );

  return (
    <section aria-labelledby="console-title" className="flex min-h-0 flex-1 flex-col overflow-y-auto">
      <header className="border-b">
        <h1 id="console-title" tabIndex={-1} className="px-4 pt-4 text-lg font-semibold outline-none">
          Family console{tab && allowed && <span className="sr-only">: {tab.label}</span>}
        </h1>
        {allowed && (
          <nav aria-label="Console sections" className="overflow-x-auto px-2 md:px-3">
            <ul className="flex gap-1">
              {tabs.map((t) => (
                <li key={t.path}>
                  <a
                    href={t.path}
                    data-requires={t.requires}
                    // The tab a subpage is reached from is current, but not the page itself.
                    aria-current={t === tab ? 'page' : t.path === tab?.within ? 'true' : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(t.path);
                    }}
                    className={cn(
                      'flex items-center gap-1.5 border-b-2 px-3 py-2.5 text-sm whitespace-nowrap transition-colors [&_svg]:size-4',
                      t === tab || t.path === tab?.within
                        ? 'border-primary font-medium text-foreground'
                        : 'border-transparent text-muted-foreground hover:text-foreground',
                    )}
                  >
                    {t.icon}
                    {t.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
      </header>
      <div className="flex flex-col gap-4 p-4">
        {!loaded ? (
          <>
            <PageTitle name="Family console" />
            <p className="text-sm text-muted-foreground" aria-busy="true">
              Loading…
            </p>
          </>
        ) : !allowed ? (
          <Refusal me={me} />
        ) : !tab || !can(tab.requires) ? (
          <>
            <PageTitle name="Family console" />
            <p className="text-sm">
              There is no such page in the console.{' '}
              <a href="/admin" className="underline" onClick={go('/admin')}>
                Back to People
              </a>
            </p>
          </>
        ) : tab.path === '/admin' ? (
          <PeopleScreen me={me} />
        ) : tab.path === '/admin/settings' ? (
          <SettingsScreen />
        ) : tab.path === '/admin/prompts' ? (
          <PromptsScreen />
        ) : tab.path === '/admin/read-models' ? (
          <ReadModelsScreen />
        ) : tab.path === '/admin/read-models/rows' ? (
          <RowsScreen />
        ) : tab.path === '/admin/dead-letters' ? (
          <DeadLettersScreen />
        ) : tab.path === '/admin/streams' ? (
          <StreamsScreen />
        ) : tab.path === '/admin/consumers' ? (
          <ConsumersScreen />
        ) : tab.path === '/admin/browse' ? (
          <BrowseScreen />
        ) : tab.path === '/admin/aggregate' ? (
          <AggregateScreen />
        ) : tab.path === '/admin/keys' ? (
          <KeysScreen />
        ) : tab.path === '/admin/webhooks' ? (
          <WebhooksScreen />
        ) : tab.path === '/admin/assistant' ? (
          <AssistantUsageScreen />
        ) : tab.path === '/admin/assistant/settings' ? (
          <AssistantSettingsScreen />
        ) : tab.path === '/admin/assistant/children' ? (
          <AssistantTranscriptsScreen />
        ) : (
          <AuditScreen />
        )}
      </div>
    </section>
  );
}

function Refusal({ me }: { me: User }) {
  return (
    <div className="max-w-prose rounded-xl border bg-card p-4 text-sm" data-testid="console-refusal">
      <PageTitle name="Family console" />
      <p className="font-medium">The console is for the family’s admins.</p>
      <p className="mt-1 text-muted-foreground">
        {me.name}, this is where admins invite people and look after the family’s accounts and settings. If
        something needs changing, ask one of them.
      </p>
      <p className="mt-3">
        <a href="/home" className="underline" onClick={go('/home')}>
          Back to Home
        </a>
      </p>
    </div>
  );
}
