// The children's conversations with the assistant, newest first, and one opened read-only
// (?conversation=<id>, so it can be linked and Back returns to the list). Children are told
// on their assistant screen that their parents can read these.
import { ArrowLeft } from 'lucide-react';
import { type MouseEvent, useCallback, useEffect, useRef } from 'react';
import type { CutOff, Turn } from '../../../contracts/assistant.api.ts';
import { setSearch, useSearch } from '../lib/route.ts';
import { usePageTitle } from '../lib/title.ts';
import { getChildrenConversations, getConversation, nameOf } from './assistant-api.ts';
import { NamesError, useMembers } from './assistant-members.tsx';
import { Empty, LoadError, Loading, Section, useLoad, when } from './parts.tsx';

const UNTITLED = 'Untitled conversation';
const CUT_OFF: Record<Exclude<CutOff, ''>, string> = {
  stopped: 'Stopped by the child before the answer was finished.',
  timeout: 'Cut off: the model took too long.',
  upstream: 'Cut off: the model server failed partway.',
};

const open = (search: string) => (e: MouseEvent) => {
  e.preventDefault();
  setSearch(search);
};

const LIST_TITLE = 'children-conversations-title';
const TRANSCRIPT_TITLE = 'transcript-title';
const focus = (id: string) => document.getElementById(id)?.focus();

export function AssistantTranscriptsScreen() {
  const conversation = new URLSearchParams(useSearch()).get('conversation');
  // Back from a transcript (its link or the browser's), focus returns to the list's heading.
  const shown = useRef(conversation);
  const back = shown.current !== null && conversation === null;
  useEffect(() => {
    shown.current = conversation;
  });
  return conversation ? (
    <Transcript key={conversation} id={conversation} />
  ) : (
    <ChildrenConversations back={back} />
  );
}

function ChildrenConversations({ back }: { back: boolean }) {
  usePageTitle('Children’s conversations · Family console');
  const list = useLoad(getChildrenConversations);
  const { members, named } = useMembers();
  useEffect(() => {
    if (back) focus(LIST_TITLE);
  }, [back]);
  return (
    <Section
      title="Children’s conversations"
      labelledBy={LIST_TITLE}
      focusable
      description="What the children asked the assistant and what it answered. They are told on their assistant screen that you can read this."
    >
      {list.error && !list.data && <LoadError message={list.error} onRetry={() => void list.reload()} />}
      <NamesError members={members} />
      {(!list.data || !named) && !list.error && <Loading what="the children’s conversations" />}
      {named && list.data?.conversations.length === 0 && (
        <Empty>No child has talked with the assistant yet.</Empty>
      )}
      {named && list.data && list.data.conversations.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Children’s conversations">
            <thead className="text-xs text-muted-foreground">
              <tr>
                <th className="p-2">Conversation</th>
                <th className="p-2">Child</th>
                <th className="p-2 text-right">Prompts</th>
                <th className="p-2">Last prompt</th>
              </tr>
            </thead>
            <tbody>
              {list.data.conversations.map((c) => (
                <tr key={c.conversation_id} className="border-t" data-testid="child-conversation">
                  <td className="p-2">
                    <a
                      href={`?conversation=${c.conversation_id}`}
                      className="underline"
                      onClick={open(`conversation=${c.conversation_id}`)}
                    >
                      {c.title || UNTITLED}
                    </a>
                  </td>
                  <td className="p-2">{nameOf(members.data, c.member_id)}</td>
                  <td className="p-2 text-right">{c.turns}</td>
                  <td className="p-2">{when(c.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function Transcript({ id }: { id: string }) {
  const load = useCallback(() => getConversation(id), [id]);
  const found = useLoad(load);
  const { members, named } = useMembers();
  const title = found.data?.conversation.title || UNTITLED;
  usePageTitle(`${found.data ? title : 'A conversation'} · Family console`);
  const loaded = found.data !== null && named;
  const child = loaded ? nameOf(members.data, found.data?.conversation.member_id ?? '') : '';
  useEffect(() => {
    if (loaded) focus(TRANSCRIPT_TITLE);
  }, [loaded]);

  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm">
        <a href="?" className="inline-flex items-center gap-1 underline" onClick={open('')}>
          <ArrowLeft className="size-4" aria-hidden="true" /> All the children’s conversations
        </a>
      </p>
      {found.error && !found.data && <LoadError message={found.error} onRetry={() => void found.reload()} />}
      <NamesError members={members} />
      {!loaded && !found.error && <Loading what="the conversation" />}
      {loaded && found.data && (
        <Section
          title={title}
          labelledBy={TRANSCRIPT_TITLE}
          focusable
          description={`${child}’s conversation with the assistant, begun ${when(found.data.conversation.started_at)}. Read-only.`}
        >
          <ol className="flex flex-col gap-4" aria-label="Transcript" data-testid="transcript">
            {found.data.turns.map((t) => (
              <TurnItem key={t.turn} turn={t} child={child} />
            ))}
          </ol>
        </Section>
      )}
    </div>
  );
}

function TurnItem({ turn, child }: { turn: Turn; child: string }) {
  const tokens = turn.prompt_tokens + turn.answer_tokens;
  return (
    <li
      className="flex flex-col gap-2 border-t pt-3 first:border-t-0 first:pt-0"
      data-testid="transcript-turn"
    >
      <div>
        <p className="text-xs text-muted-foreground">
          {child} asked, {when(turn.asked_at)}
        </p>
        <p className="whitespace-pre-wrap font-medium" data-testid="transcript-prompt">
          {turn.prompt}
        </p>
      </div>
      <div className="rounded-lg bg-muted/40 p-3">
        <p className="text-xs text-muted-foreground">
          The assistant ({turn.model}) answered{turn.cached ? ' from the cache' : ''} · {tokens} tokens
        </p>
        {turn.answer === null ? (
          <p className="italic">No answer yet.</p>
        ) : (
          <p className="whitespace-pre-wrap" data-testid="transcript-answer">
            {turn.answer}
          </p>
        )}
        {turn.cut_off && <p className="mt-1 text-xs text-muted-foreground">{CUT_OFF[turn.cut_off]}</p>}
      </div>
    </li>
  );
}
