import { describe, it } from 'vitest';
import { deciderSpec } from '../../test/decider.ts';
import { ev, NOW, WEEK_LATER } from './events.fixture.ts';
import { MATCH_CONFIRM_DAYS, type MatchCommand, matchAggregate } from './match.ts';

const spec = deciderSpec(matchAggregate.decider);
type Report = Extract<MatchCommand, { type: 'report' }>;
const report = (extra: Partial<Report> = {}): Report => ({
  type: 'report',
  matchId: 'm1',
  game: 'Chess',
  placements: [
    { userId: 'ann', place: 1 },
    { userId: 'bob', place: 2 },
  ],
  by: 'ann',
  canManage: false,
  now: NOW,
  ...extra,
});
const confirm = (by: string, canManage = false, now = NOW) =>
  ({ type: 'confirm', matchId: 'm1', by, canManage, now }) as const;
const reject = (by: string, canManage = false) => ({ type: 'reject', matchId: 'm1', by, canManage }) as const;
const voidIt = (by = 'admin', canManage = true) =>
  ({ type: 'void', matchId: 'm1', by, canManage, reason: ' wrong game ' }) as const;

const twoPlayers = [
  ev.matchReported(
    'm1',
    [
      ['ann', 1],
      ['bob', 2],
    ],
    'ann',
  ),
];
const threePlayers = [
  ev.matchReported(
    'm1',
    [
      ['ann', 1],
      ['bob', 1],
      ['cat', 3],
    ],
    'ann',
  ),
];
const settled = [...twoPlayers, ev.matchConfirmed('m1', 'bob'), ev.matchSettled('m1')];

describe('reporting a match', () => {
  it(`records it, open for confirmation for ${MATCH_CONFIRM_DAYS} days`, () =>
    spec.given([]).when(report()).thenEmits(twoPlayers));

  it('derives the game key from the name as typed', () =>
    spec
      .given([])
      .when(report({ game: '  Mario   Kart 8 ' }))
      .thenEmits([
        ev.matchReported(
          'm1',
          [
            ['ann', 1],
            ['bob', 2],
          ],
          'ann',
          { game: 'mario-kart-8', gameName: 'Mario   Kart 8' },
        ),
      ]));

  it('takes a separate display name when given', () =>
    spec
      .given([])
      .when(report({ game: 'chess', gameName: ' Blitz chess ' }))
      .thenEmits([
        ev.matchReported(
          'm1',
          [
            ['ann', 1],
            ['bob', 2],
          ],
          'ann',
          { gameName: 'Blitz chess' },
        ),
      ]));

  it('refuses a game that makes no key', () => {
    for (const game of ['', '  ', '-chess', 'Schach!', 'x'.repeat(41), 'échecs']) {
      spec.given([]).when(report({ game })).thenFails('play.invalid_game');
    }
  });

  it('sorts the players best first and accepts draws', () =>
    spec
      .given([])
      .when(
        report({
          placements: [
            { userId: 'cat', place: 3 },
            { userId: 'ann', place: 1 },
            { userId: 'bob', place: 1 },
          ],
        }),
      )
      .thenEmits(threePlayers));

  it('accepts everyone drawing', () =>
    spec
      .given([])
      .when(
        report({
          placements: [
            { userId: 'ann', place: 1 },
            { userId: 'bob', place: 1 },
          ],
        }),
      )
      .thenEmits([
        ev.matchReported(
          'm1',
          [
            ['ann', 1],
            ['bob', 1],
          ],
          'ann',
        ),
      ]));

  it('refuses places that do not run from 1 with draws skipping', () => {
    const places = (...ps: number[]) =>
      report({
        placements: ps.map((place, i) => ({ userId: ['ann', 'bob', 'cat', 'dan'][i] as string, place })),
      });
    for (const ps of [
      [1, 3],
      [2, 2],
      [1, 1, 2],
      [1, 2, 2, 3],
      [0, 1],
      [1, 1.5],
      [2, 3],
    ]) {
      spec
        .given([])
        .when(places(...ps))
        .thenFails('play.invalid_placements');
    }
    spec
      .given([])
      .when(places(1, 2, 2, 4))
      .thenEmits([
        ev.matchReported(
          'm1',
          [
            ['ann', 1],
            ['bob', 2],
            ['cat', 2],
            ['dan', 4],
          ],
          'ann',
        ),
      ]);
  });

  it('refuses fewer than 2, more than 8, or repeated players', () => {
    const players = (n: number) => Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, place: i + 1 }));
    spec
      .given([])
      .when(report({ placements: players(1), by: 'u0' }))
      .thenFails('play.invalid_players');
    spec
      .given([])
      .when(report({ placements: players(9), by: 'u0' }))
      .thenFails('play.invalid_players');
    spec
      .given([])
      .when(report({ placements: players(8), by: 'u0' }))
      .thenEmits([
        ev.matchReported(
          'm1',
          players(8).map((p) => [p.userId, p.place]),
          'u0',
        ),
      ]);
    spec
      .given([])
      .when(
        report({
          placements: [
            { userId: 'ann', place: 1 },
            { userId: 'ann', place: 2 },
          ],
        }),
      )
      .thenFails('play.invalid_players');
  });

  it('refuses a reporter who did not play, unless they manage play', () => {
    spec
      .given([])
      .when(report({ by: 'cat' }))
      .thenFails('play.not_a_player');
    spec
      .given([])
      .when(report({ by: 'admin', canManage: true }))
      .thenEmits([
        ev.matchReported(
          'm1',
          [
            ['ann', 1],
            ['bob', 2],
          ],
          'admin',
        ),
      ]);
  });

  it('refuses an id already reported', () =>
    spec.given(twoPlayers).when(report()).thenFails('play.match_exists'));
});

describe('confirming a match', () => {
  it('settles it when the other player confirms', () =>
    spec
      .given(twoPlayers)
      .when(confirm('bob'))
      .thenEmits([ev.matchConfirmed('m1', 'bob'), ev.matchSettled('m1')]));

  it('waits for every player but the reporter', () => {
    spec
      .given(threePlayers)
      .when(confirm('bob'))
      .thenEmits([ev.matchConfirmed('m1', 'bob')]);
    spec
      .given([...threePlayers, ev.matchConfirmed('m1', 'bob')])
      .when(confirm('cat'))
      .thenEmits([ev.matchConfirmed('m1', 'cat'), ev.matchSettled('m1')]);
  });

  it('needs every player when an admin who did not play reported it', () => {
    const byAdmin = [
      ev.matchReported(
        'm1',
        [
          ['ann', 1],
          ['bob', 2],
        ],
        'admin',
      ),
    ];
    spec
      .given(byAdmin)
      .when(confirm('ann'))
      .thenEmits([ev.matchConfirmed('m1', 'ann')]);
    spec
      .given([...byAdmin, ev.matchConfirmed('m1', 'ann')])
      .when(confirm('bob'))
      .thenEmits([ev.matchConfirmed('m1', 'bob'), ev.matchSettled('m1')]);
  });

  it('lets an admin who did not play settle it at once', () =>
    spec
      .given(threePlayers)
      .when(confirm('admin', true))
      .thenEmits([ev.matchSettled('m1', 'admin')]));

  it('does nothing for the reporter, a repeated confirmation or a settled match', () => {
    spec.given(threePlayers).when(confirm('ann')).thenNothing();
    spec.given(threePlayers).when(confirm('ann', true)).thenNothing();
    spec
      .given([...threePlayers, ev.matchConfirmed('m1', 'bob')])
      .when(confirm('bob'))
      .thenNothing();
    spec.given(settled).when(confirm('bob')).thenNothing();
    spec.given(settled).when(confirm('admin', true)).thenNothing();
  });

  it('settles a match every player confirmed whose settlement was not written, when asked again', () => {
    const unsettled = [...twoPlayers, ev.matchConfirmed('m1', 'bob')];
    spec
      .given(unsettled)
      .when(confirm('bob'))
      .thenEmits([ev.matchSettled('m1')]);
    spec
      .given(unsettled)
      .when(confirm('ann'))
      .thenEmits([ev.matchSettled('m1')]);
    const late = new Date(WEEK_LATER.getTime() + 1);
    spec
      .given(unsettled)
      .when(confirm('bob', false, late))
      .thenEmits([ev.matchSettled('m1')]);
    spec.given(unsettled).when(confirm('cat')).thenFails('play.not_a_player');
  });

  it('refuses someone who did not play', () =>
    spec.given(twoPlayers).when(confirm('cat')).thenFails('play.not_a_player'));

  it('refuses once the confirmation window has passed', () => {
    spec
      .given(twoPlayers)
      .when(confirm('bob', false, WEEK_LATER))
      .thenEmits([ev.matchConfirmed('m1', 'bob'), ev.matchSettled('m1')]);
    const late = new Date(WEEK_LATER.getTime() + 1);
    spec
      .given(twoPlayers)
      .when(confirm('bob', false, late))
      .thenFails('play.match_expired');
    spec
      .given(twoPlayers)
      .when(confirm('admin', true, late))
      .thenFails('play.match_expired');
  });

  it('refuses an unknown, rejected or voided match', () => {
    spec.given([]).when(confirm('bob')).thenFails('play.match_not_found');
    spec
      .given([...twoPlayers, ev.matchRejected('m1', 'bob')])
      .when(confirm('bob'))
      .thenFails('play.match_closed');
    spec
      .given([...settled, ev.matchVoided('m1')])
      .when(confirm('bob'))
      .thenFails('play.match_closed');
  });
});

describe('rejecting a match', () => {
  it('lets a player or an admin reject a reported match', () => {
    spec
      .given(twoPlayers)
      .when(reject('bob'))
      .thenEmits([ev.matchRejected('m1', 'bob')]);
    spec
      .given(twoPlayers)
      .when(reject('ann'))
      .thenEmits([ev.matchRejected('m1', 'ann')]);
    spec
      .given(twoPlayers)
      .when(reject('admin', true))
      .thenEmits([ev.matchRejected('m1', 'admin')]);
  });

  it('refuses someone else', () => spec.given(twoPlayers).when(reject('cat')).thenFails('play.not_a_player'));

  it('does nothing when already rejected', () =>
    spec
      .given([...twoPlayers, ev.matchRejected('m1', 'bob')])
      .when(reject('ann'))
      .thenNothing());

  it('refuses a settled match (void it instead), a voided or unknown one', () => {
    spec.given(settled).when(reject('bob')).thenFails('play.match_settled');
    spec
      .given([...settled, ev.matchVoided('m1')])
      .when(reject('bob'))
      .thenFails('play.match_closed');
    spec.given([]).when(reject('bob')).thenFails('play.match_not_found');
  });
});

describe('voiding a match', () => {
  it('lets an admin void a settled match, once', () => {
    spec
      .given(settled)
      .when(voidIt())
      .thenEmits([ev.matchVoided('m1', 'admin', 'wrong game')]);
    spec
      .given([...settled, ev.matchVoided('m1')])
      .when(voidIt())
      .thenNothing();
  });

  it('refuses anyone else, players included', () => {
    spec.given(settled).when(voidIt('ann', false)).thenFails('play.not_allowed');
    spec.given([]).when(voidIt('ann', false)).thenFails('play.not_allowed');
  });

  it('refuses a match that does not count', () => {
    spec.given(twoPlayers).when(voidIt()).thenFails('play.match_not_settled');
    spec
      .given([...twoPlayers, ev.matchRejected('m1', 'bob')])
      .when(voidIt())
      .thenFails('play.match_not_settled');
    spec.given([]).when(voidIt()).thenFails('play.match_not_found');
  });
});
