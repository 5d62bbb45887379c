import { useCallback, useRef } from 'react';
import type { AgentSession } from './use-agent-session';
import { attachedLine, attachMentions, mentionedPaths } from '../composer/mentions';

/**
 * Sends a prompt, first reading the files its `@path` mentions name (when
 * `cwd` is known) so they go to the model after the text, and telling the
 * transcript which were attached. Returns false while an earlier prompt's
 * files are still being read.
 */
export function useSendPrompt({ cwd, session }: { cwd: string | undefined; session: AgentSession }): (text: string) => boolean {
  const isAttaching = useRef(false);
  const latest = useRef(session);
  latest.current = session;
  return useCallback(
    (text: string) => {
      if (isAttaching.current) return false;
      if (!cwd || mentionedPaths(text).length === 0) {
        session.submit(text);
        return true;
      }
      isAttaching.current = true;
      void attachMentions({ cwd, text }).then(({ context, attached, problems }) => {
        isAttaching.current = false;
        latest.current.submit(text, context || undefined);
        for (const file of attached) latest.current.notify(attachedLine(file));
        for (const problem of problems) latest.current.notify(problem, 'error');
      });
      return true;
    },
    [cwd, session],
  );
}
