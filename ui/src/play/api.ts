// The play routes of the edge's public API (/api/v1/play). Reads take `after`: the sequence
// of a command this page sent, so what comes back already includes its effect. What each
// route answers is the contract's (contracts/play.api.ts), which the edge's routes satisfy.
import type {
  Accepted,
  Boards,
  ChallengeList,
  ChoreBoard,
  LiveRules,
  Match,
  PlaySettings,
  Profile,
  RulesPreview,
  XpExplanation,
} from '../../../contracts/play.api.ts';
import type {
  CreateChallengeBody,
  DefineChoreBody,
  ReportMatchBody,
  SettingsBody,
} from '../../../contracts/play.schema.ts';
import { api } from '../lib/http.ts';

const read = <T>(path: string, after?: number) =>
  api<T>(`/api/v1/play${path}${after ? `${path.includes('?') ? '&' : '?'}after=${after}` : ''}`);
const command = (path: string, body: unknown = {}, method = 'POST') =>
  api<Accepted>(`/api/v1/play${path}`, { method, body });
const part = encodeURIComponent;

export const getMyProfile = (after?: number) => read<Profile>('/me', after);
export const getProfile = (userId: string, after?: number) =>
  read<Profile>(`/members/${part(userId)}`, after);
export const getXp = (userId: string, after?: number) =>
  read<XpExplanation>(`/members/${part(userId)}/xp`, after);
export const getBoards = (after?: number) => read<Boards>('/leaderboards', after);

export const getMatches = (after?: number) => read<Match[]>('/matches', after);
export const reportMatch = (body: ReportMatchBody) => command('/matches', body);
export const confirmMatch = (id: string) => command(`/matches/${part(id)}/confirm`);
export const rejectMatch = (id: string) => command(`/matches/${part(id)}/reject`);
export const voidMatch = (id: string, reason?: string) =>
  command(`/matches/${part(id)}/void`, reason ? { reason } : {});

export const getChallenges = (after?: number) => read<ChallengeList>('/challenges', after);
export const createChallenge = (body: CreateChallengeBody) => command('/challenges', body);
export const cancelChallenge = (id: string) => command(`/challenges/${part(id)}/cancel`);

export const getChores = (after?: number) => read<ChoreBoard>('/chores', after);
export const defineChore = (body: DefineChoreBody) => command('/chores', body);
export const retireChore = (id: string) => command(`/chores/${part(id)}/retire`);
export const markChoreDone = (id: string, note?: string) =>
  command(`/chores/${part(id)}/done`, note ? { note } : {});
/** memberId: whose completion the admin looked at; someone else's since is refused. */
export const approveCompletion = (choreId: string, id: string, memberId: string) =>
  command(`/chores/${part(choreId)}/completions/${part(id)}/approve`, { member_id: memberId });
export const rejectCompletion = (choreId: string, id: string, memberId: string, reason?: string) =>
  command(`/chores/${part(choreId)}/completions/${part(id)}/reject`, {
    member_id: memberId,
    ...(reason ? { reason } : {}),
  });

export const getRules = (after?: number) => read<LiveRules>('/rules', after);
export const previewRules = (rules: unknown) =>
  api<RulesPreview>('/api/v1/play/rules/preview', { body: { rules } });
export const publishRules = (rules: unknown, expectedVersion: number) =>
  command('/rules', { rules, expected_version: expectedVersion }, 'PUT');

export const getSettings = (after?: number) => read<PlaySettings>('/settings', after);
export const saveSettings = (body: SettingsBody) => command('/settings', body, 'PUT');
