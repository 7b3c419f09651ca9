// Play's live pushes on the chat's socket (edge/play/service.ts sends them; the web app reads
// them in ui/src/play/frames.ts). A level-up or achievement goes to that person only; the rest
// to everyone. Each says only what to read again: the routes have the numbers.

export type PlayFrame =
  | { type: 'play'; event: 'level_up'; user_id: string; level: number }
  | { type: 'play'; event: 'achievement'; user_id: string; achievement: string; title: string }
  | { type: 'play'; event: 'boards_changed' }
  | { type: 'play'; event: 'challenges_changed' }
  /** Something of play changed (a match reported, a chore marked done): lists read again. */
  | { type: 'play'; event: 'changed' };

export type PlayFrameEvent = PlayFrame['event'];
