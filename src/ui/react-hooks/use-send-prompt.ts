import { useCallback, useRef } from 'react';
import type { AgentSession } from './use-agent-session';
import { attachedLine, attachMentions, hasAttachments } from '../composer/mentions';
import { imageLine, toPromptImages } from '../composer/prompt-images';

/**
 * Sends a prompt, first reading the files its `@path` mentions name and the
 * image paths pasted into it (when `cwd` is known) so they go to the model
 * after the text, and telling the transcript which were attached. Images go
 * only to a model that takes them (`isTakingImages`). Returns false while an
 * earlier prompt's files are still being read.
 */
export function useSendPrompt({ cwd, session, isTakingImages }: { cwd: string | undefined; session: AgentSession; isTakingImages?: boolean }): (text: string) => boolean {
  const isAttaching = useRef(false);
  const latest = useRef(session);
  latest.current = session;
  return useCallback(
    (text: string) => {
      if (isAttaching.current) return false;
      if (!cwd || !hasAttachments(text)) {
        session.submit(text);
        return true;
      }
      isAttaching.current = true;
      void attachMentions({ cwd, text, isTakingImages }).then(({ context, attached, images, problems }) => {
        isAttaching.current = false;
        latest.current.submit(text, { context: context || undefined, images: toPromptImages(images) });
        for (const file of attached) latest.current.notify(attachedLine(file));
        for (const image of images) latest.current.notify(imageLine(image));
        for (const problem of problems) latest.current.notify(problem, 'error');
      });
      return true;
    },
    [cwd, session, isTakingImages],
  );
}
