/**
 * Work a message starts that takes longer than a turn should (a video arriving). Teams waits
 * for the bot's answer to each activity and sends it again when the answer is slow, so the
 * turn only says the work has begun; the work starts once the turn's handler has finished (its
 * answer then goes out), and what it has to say goes to the same conversation in a proactive
 * turn of its own: `continueConversationAsync` with the turn's conversation reference, as
 * news does (teams-news.ts).
 *
 * The work lives in this process: a restart meanwhile loses it, and the person sends the file
 * again (Greenlight keeps no half-received file). It is tracked, so a graceful stop waits a
 * while for it.
 */
import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Logger } from '../../observability/logger.js';
import type { WorkTracker } from '../../server/work-tracker.js';

/** Posts in the conversation the work was started from; never throws (a failure is logged). */
export type Say = (activity: Partial<Activity> | string) => Promise<void>;

type Job = { what: string; run: (say: Say) => Promise<void> };

const DEFERRED = Symbol('greenlight.afterTurn');

export class AfterTurn {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly work: WorkTracker,
    private readonly logger: Logger,
  ) {}

  /** Runs `run` after `context`'s turn; `what` names it in the log if it fails ("receiving a video"). */
  defer(context: TurnContext, what: string, run: (say: Say) => Promise<void>): void {
    const jobs = context.turnState.get<Job[] | undefined>(DEFERRED) ?? [];
    jobs.push({ what, run });
    context.turnState.set(DEFERRED, jobs);
  }

  /** Starts what `context`'s turn deferred. Called once the turn's handler has finished, whether or not it failed. */
  release(context: TurnContext): void {
    const jobs = context.turnState.get<Job[] | undefined>(DEFERRED) ?? [];
    context.turnState.set(DEFERRED, []);
    if (!jobs.length) return;
    const reference = TurnContext.getConversationReference(context.activity);
    const say = this.#sayIn(reference);
    for (const job of jobs) {
      const started = (async () => {
        // Let the turn's own answer go out first.
        await new Promise((resolve) => setImmediate(resolve));
        try {
          await job.run(say);
        } catch (error) {
          this.logger.error(`failed while ${job.what}`, { conversation: reference.conversation?.id, error });
          await say(`Sorry, something went wrong on Greenlight’s side while ${job.what}. Try again; the details are in Greenlight’s log.`);
        }
      })();
      void this.work.track(started);
    }
  }

  #sayIn(reference: Partial<ConversationReference>): Say {
    return async (activity) => {
      let failed: unknown;
      try {
        // An error inside the proactive turn would go to the adapter's turn-error handler: caught here instead.
        await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
          await context.sendActivity(activity).catch((error: unknown) => (failed = error ?? new Error('sendActivity failed')));
        });
      } catch (error) {
        failed = error;
      }
      // botbuilder has retried already; what waits still shows on the person's next draft form.
      if (failed !== undefined)
        this.logger.warn('could not reply in a Teams chat after the turn', { conversation: reference.conversation?.id, error: failed });
    };
  }
}
