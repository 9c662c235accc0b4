import { fail, ok } from '../results.js';
import { describeTimeZone } from '../time-zones.js';
import { dmChannelFor, stringArg, type MethodHandler } from '../workspace.js';

/** Bolt calls auth.test on its own at startup to learn its bot user and bot id. */
const authTest: MethodHandler = ({ workspace: w }) =>
  ok({
    url: `https://${w.teamDomain}.slack.com/`,
    team: w.teamName,
    user: 'greenlight',
    team_id: w.teamId,
    user_id: w.botUserId,
    bot_id: w.botId,
    is_enterprise_install: false,
  });

const usersInfo: MethodHandler = ({ args, workspace: w }) => {
  const seed = w.users.get(stringArg(args, 'user') ?? '');
  if (!seed) return fail('user_not_found');
  const tz = seed.tz ?? 'UTC';
  const name = seed.name ?? seed.id.toLowerCase();
  const realName = seed.realName ?? name;
  return ok({
    user: {
      id: seed.id,
      team_id: w.teamId,
      name,
      deleted: false,
      real_name: realName,
      tz,
      ...describeTimeZone(tz, new Date(w.now())),
      is_bot: seed.isBot ?? false,
      is_app_user: false,
      profile: {
        real_name: realName,
        display_name: seed.displayName ?? '',
        ...(seed.email ? { email: seed.email } : {}),
      },
    },
  });
};

const usergroupUsers: MethodHandler = ({ args, workspace: w }) => {
  const users = w.userGroups.get(stringArg(args, 'usergroup') ?? '');
  return users ? ok({ users: [...users] }) : fail('no_such_subteam');
};

const conversationsOpen: MethodHandler = (ctx) => {
  const users = (stringArg(ctx.args, 'users') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const existing = stringArg(ctx.args, 'channel');
  if (existing !== undefined) return ok({ channel: { id: existing } });
  if (users.length === 0) return fail('users_list_not_supplied');
  const { users: known } = ctx.workspace;
  if (known.size > 0 && users.some((u) => !known.has(u))) return fail('user_not_found');
  if (users.length > 1) return ok({ channel: { id: ctx.ids.next('G') } });
  const [user] = users as [string];
  const alreadyOpen = ctx.state.dms.has(user);
  const id = dmChannelFor(ctx, user);
  return ok({ ...(alreadyOpen ? { no_op: true, already_open: true } : {}), channel: { id } });
};

export const workspaceInfoMethods: Record<string, MethodHandler> = {
  'auth.test': authTest,
  'users.info': usersInfo,
  'usergroups.users.list': usergroupUsers,
  'conversations.open': conversationsOpen,
};
